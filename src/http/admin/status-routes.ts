import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import * as statuses from '../../services/statuses.ts';
import { html } from '../../views/html.ts';
import { page } from '../../views/admin/layout.ts';
import { Conflict } from '../../domain/errors.ts';
import { EMPTY_FORM } from '../../views/admin/forms.ts';
import { confirmPage } from '../../views/admin/confirm.ts';
import { editStatusPage, newStatusPage, statusesPage } from '../../views/admin/statuses.ts';
import { formFromError, formValues } from './form-input.ts';
import { actorOf, adminPath, chrome, plural, redirectAfterPost, sendPage } from './respond.ts';

type SlugParams = { Params: { slug: string } };

/** Statuses: list, create, edit, delete (admins only: the default access). */
export async function statusRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;

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
          adminPath('statuses', status.slug, 'delete'),
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
        adminPath('statuses', status.slug, 'delete'),
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
