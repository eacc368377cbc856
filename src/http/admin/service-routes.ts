import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import * as services from '../../services/services.ts';
import * as lists from '../../services/service-lists.ts';
import { html } from '../../views/html.ts';
import { EMPTY_FORM } from '../../views/admin/forms.ts';
import { confirmPage } from '../../views/admin/confirm.ts';
import { editServicePage, servicesPage } from '../../views/admin/services.ts';
import { formFromError, formValues, orUndefined } from './form-input.ts';
import { actorOf, adminPath, chrome, plural, redirectAfterPost, sendPage } from './respond.ts';

type SlugParams = { Params: { slug: string } };

/** Services: list, create, edit, delete (admins only: the default access). */
export async function serviceRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;

  app.get('/services', async (request, reply) => {
    const [all, allLists] = await Promise.all([services.listServices(ctx), lists.listServiceLists(ctx)]);
    return sendPage(reply, servicesPage(chrome(request, reply), all, allLists, EMPTY_FORM));
  });

  app.post('/services', async (request, reply) => {
    const values = formValues(request);
    try {
      const created = await services.createService(ctx, actorOf(request), {
        name: values.name,
        description: values.description,
        list: orUndefined(values.list),
      });
      return redirectAfterPost(request, reply, '/admin/services', `Service ${created.name} created.`);
    } catch (error) {
      const state = formFromError(error, values, ['name', 'description', 'list'], 'name', {
        required: ['name', 'description'],
      });
      const [all, allLists] = await Promise.all([services.listServices(ctx), lists.listServiceLists(ctx)]);
      return sendPage(reply, servicesPage(chrome(request, reply), all, allLists, state), 400);
    }
  });

  app.get<SlugParams>('/services/:slug', async (request, reply) => {
    const [service, allLists] = await Promise.all([
      services.getService(ctx, request.params.slug),
      lists.listServiceLists(ctx),
    ]);
    return sendPage(reply, editServicePage(chrome(request, reply), service, allLists, EMPTY_FORM));
  });

  app.post<SlugParams>('/services/:slug', async (request, reply) => {
    const values = formValues(request);
    try {
      const updated = await services.updateService(ctx, actorOf(request), request.params.slug, {
        name: values.name,
        description: values.description,
        list: values.list ?? '',
      });
      return redirectAfterPost(request, reply, '/admin/services', `Service ${updated.name} saved.`);
    } catch (error) {
      const state = formFromError(error, values, ['name', 'description', 'list'], undefined, {
        required: ['name', 'description'],
      });
      const [service, allLists] = await Promise.all([
        services.getService(ctx, request.params.slug),
        lists.listServiceLists(ctx),
      ]);
      return sendPage(reply, editServicePage(chrome(request, reply), service, allLists, state), 400);
    }
  });

  app.get<SlugParams>('/services/:slug/delete', async (request, reply) => {
    const service = await services.getService(ctx, request.params.slug);
    const count = await services.countServiceEvents(ctx, service.slug);
    return sendPage(
      reply,
      confirmPage(
        chrome(request, reply),
        `Delete ${service.name}?`,
        adminPath('services', service.slug, 'delete'),
        html`<p>Deleting the service <strong>${service.name}</strong> also deletes <strong>${plural(count, 'event')}</strong> with it.
        It disappears from the status page and the API. This cannot be undone.</p>`,
        `Delete ${service.name} and ${plural(count, 'event')}`,
        '/admin/services',
      ),
    );
  });

  app.post<SlugParams>('/services/:slug/delete', async (request, reply) => {
    const deleted = await services.deleteService(ctx, actorOf(request), request.params.slug);
    return redirectAfterPost(request, reply, '/admin/services', `Service ${deleted.name} deleted.`);
  });
}
