import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import * as services from '../../services/services.ts';
import * as lists from '../../services/service-lists.ts';
import * as statuses from '../../services/statuses.ts';
import { html } from '../../views/html.ts';
import { page } from '../../views/admin/layout.ts';
import { Conflict } from '../../domain/errors.ts';
import { EMPTY_FORM } from '../../views/admin/forms.ts';
import {
  confirmPage,
  editListPage,
  editServicePage,
  editStatusPage,
  listsPage,
  newStatusPage,
  servicesPage,
  statusesPage,
} from '../../views/admin/manage.ts';
import { formFromError, formValues, orUndefined } from './form-input.ts';
import { chrome, redirectAfterPost, sendPage } from './respond.ts';

type SlugParams = { Params: { slug: string } };
const path = (...parts: string[]) => `/admin/${parts.map(encodeURIComponent).join('/')}`;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Services, service lists and statuses (admins only: the default access). */
export async function manageRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  const actorOf = (request: { adminSession?: { actor: import('../../services/context.ts').Actor } }) =>
    request.adminSession!.actor;

  // ---- services
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
        path('services', service.slug, 'delete'),
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

  // ---- service lists
  async function listCounts() {
    const all = await services.listServices(ctx);
    const counts = new Map<string, number>();
    for (const s of all) if (s.list) counts.set(s.list.slug, (counts.get(s.list.slug) ?? 0) + 1);
    return { all, counts };
  }

  app.get('/lists', async (request, reply) => {
    const [allLists, { counts }] = await Promise.all([lists.listServiceLists(ctx), listCounts()]);
    return sendPage(reply, listsPage(chrome(request, reply), allLists, counts, EMPTY_FORM));
  });

  app.post('/lists', async (request, reply) => {
    const values = formValues(request);
    try {
      const created = await lists.createServiceList(ctx, actorOf(request), {
        name: values.name,
        description: values.description,
      });
      return redirectAfterPost(request, reply, '/admin/lists', `List ${created.name} created.`);
    } catch (error) {
      const state = formFromError(error, values, ['name', 'description'], 'name', {
        required: ['name', 'description'],
      });
      const [allLists, { counts }] = await Promise.all([lists.listServiceLists(ctx), listCounts()]);
      return sendPage(reply, listsPage(chrome(request, reply), allLists, counts, state), 400);
    }
  });

  app.get<SlugParams>('/lists/:slug', async (request, reply) => {
    const [list, { all }] = await Promise.all([lists.getServiceList(ctx, request.params.slug), listCounts()]);
    return sendPage(
      reply,
      editListPage(
        chrome(request, reply),
        list,
        all.filter((s) => s.list?.slug === list.slug),
        EMPTY_FORM,
      ),
    );
  });

  app.post<SlugParams>('/lists/:slug', async (request, reply) => {
    const values = formValues(request);
    try {
      const updated = await lists.updateServiceList(ctx, actorOf(request), request.params.slug, {
        name: values.name,
        description: values.description,
      });
      return redirectAfterPost(request, reply, '/admin/lists', `List ${updated.name} saved.`);
    } catch (error) {
      const state = formFromError(error, values, ['name', 'description'], undefined, {
        required: ['name', 'description'],
      });
      const [list, { all }] = await Promise.all([lists.getServiceList(ctx, request.params.slug), listCounts()]);
      return sendPage(
        reply,
        editListPage(
          chrome(request, reply),
          list,
          all.filter((s) => s.list?.slug === list.slug),
          state,
        ),
        400,
      );
    }
  });

  app.get<SlugParams>('/lists/:slug/delete', async (request, reply) => {
    const [list, { counts }] = await Promise.all([lists.getServiceList(ctx, request.params.slug), listCounts()]);
    const n = counts.get(list.slug) ?? 0;
    return sendPage(
      reply,
      confirmPage(
        chrome(request, reply),
        `Delete list ${list.name}?`,
        path('lists', list.slug, 'delete'),
        html`<p>Deleting the list <strong>${list.name}</strong> keeps its ${plural(n, 'service')}: they stay, without a list.</p>`,
        `Delete list ${list.name}`,
        '/admin/lists',
      ),
    );
  });

  app.post<SlugParams>('/lists/:slug/delete', async (request, reply) => {
    const deleted = await lists.deleteServiceList(ctx, actorOf(request), request.params.slug);
    return redirectAfterPost(request, reply, '/admin/lists', `List ${deleted.name} deleted.`);
  });

  // ---- statuses
  const statusInput = (values: Record<string, string>) => ({
    name: values.name,
    description: values.description,
    image: values.image ?? '',
    level: values.level,
    // Only ever sets the default: clearing it is done by making another status the default.
    default: values.default === 'true' ? 'true' : undefined,
    // The form's first choice, "the level's default", sends an empty value.
    component_status: values.component_status === '' ? undefined : values.component_status,
  });
  const statusFields = ['name', 'description', 'level', 'component_status', 'image', 'default'];

  app.get('/statuses', async (request, reply) =>
    sendPage(reply, statusesPage(chrome(request, reply), await statuses.listStatuses(ctx))),
  );

  app.get('/statuses/new', async (request, reply) =>
    sendPage(reply, newStatusPage(chrome(request, reply), EMPTY_FORM)),
  );

  app.post('/statuses', async (request, reply) => {
    const values = formValues(request);
    try {
      const created = await statuses.createStatus(ctx, actorOf(request), statusInput(values));
      return redirectAfterPost(request, reply, '/admin/statuses', `Status ${created.name} created.`);
    } catch (error) {
      return sendPage(
        reply,
        newStatusPage(
          chrome(request, reply),
          formFromError(error, values, statusFields, 'name', { required: ['name', 'description'] }),
        ),
        400,
      );
    }
  });

  app.get<SlugParams>('/statuses/:slug', async (request, reply) => {
    const status = await statuses.getStatus(ctx, request.params.slug);
    return sendPage(reply, editStatusPage(chrome(request, reply), status, EMPTY_FORM));
  });

  app.post<SlugParams>('/statuses/:slug', async (request, reply) => {
    const values = formValues(request);
    try {
      const updated = await statuses.updateStatus(ctx, actorOf(request), request.params.slug, statusInput(values));
      return redirectAfterPost(request, reply, '/admin/statuses', `Status ${updated.name} saved.`);
    } catch (error) {
      const state = formFromError(error, values, statusFields, undefined, { required: ['name', 'description'] });
      const status = await statuses.getStatus(ctx, request.params.slug);
      return sendPage(reply, editStatusPage(chrome(request, reply), status, state), 400);
    }
  });

  app.get<SlugParams>('/statuses/:slug/delete', async (request, reply) => {
    const status = await statuses.getStatus(ctx, request.params.slug);
    const [count, all, remaps] = await Promise.all([
      statuses.countStatusEvents(ctx, status.slug),
      statuses.listStatuses(ctx),
      statuses.automationRemapsOnDelete(ctx, status.slug),
    ]);
    const c = chrome(request, reply);
    if (status.isDefault && all.length > 1) {
      return sendPage(
        reply,
        confirmPage(
          c,
          `${status.name} is the default status`,
          path('statuses', status.slug, 'delete'),
          html`<p>The default status cannot be deleted while other statuses exist.
          <a href="/admin/statuses">Make another status the default</a> first.</p>`,
          'Try anyway',
          '/admin/statuses',
        ),
      );
    }
    return sendPage(
      reply,
      confirmPage(
        c,
        `Delete status ${status.name}?`,
        path('statuses', status.slug, 'delete'),
        html`${
          count > 0
            ? html`<p><strong>${plural(count, 'event')}</strong> use the status ${status.name}: deleting it deletes ${count === 1 ? 'that event' : 'those events'} too.</p>`
            : html`<p>No event uses the status ${status.name}.</p>`
        }${
          remaps.length > 0 && remaps[0]!.to !== null
            ? html`<p>Status automation (push URLs, heartbeats, checks, Alertmanager) of these services posts ${status.name}; it will post <strong>${remaps[0]!.to}</strong> instead:</p>
                <ul>${remaps.map((r) => html`<li>${r.service} (${r.states.join(', ') || 'a held recovery'})</li>`)}</ul>`
            : ''
        }<p>This cannot be undone.</p>`,
        count > 0 ? `Delete ${status.name} and ${plural(count, 'event')}` : `Delete ${status.name}`,
        '/admin/statuses',
      ),
    );
  });

  app.post<SlugParams>('/statuses/:slug/delete', async (request, reply) => {
    try {
      // The confirmation page has shown how many events go with it.
      const deleted = await statuses.deleteStatus(ctx, actorOf(request), request.params.slug, { force: 'true' });
      return redirectAfterPost(request, reply, '/admin/statuses', `Status ${deleted.name} deleted.`);
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
      return sendPage(
        reply,
        page(
          chrome(request, reply),
          'The status was not deleted',
          html`<div class="alert" role="alert">${error.message}</div><p><a href="/admin/statuses">Back to statuses</a></p>`,
        ),
        409,
      );
    }
  });
}
