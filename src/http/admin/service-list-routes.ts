import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import * as services from '../../services/services.ts';
import * as lists from '../../services/service-lists.ts';
import { html } from '../../views/html.ts';
import { EMPTY_FORM } from '../../views/admin/forms.ts';
import { confirmPage } from '../../views/admin/confirm.ts';
import { editListPage, listsPage } from '../../views/admin/service-lists.ts';
import { formFromError, formValues } from './form-input.ts';
import { actorOf, adminPath, chrome, plural, redirectAfterPost, sendPage } from './respond.ts';

type SlugParams = { Params: { slug: string } };

/** Service lists: list, create, edit, delete (admins only: the default access). */
export async function serviceListRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;

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
        adminPath('lists', list.slug, 'delete'),
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
}
