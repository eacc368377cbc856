import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../services/context.ts';
import * as incidents from '../../services/incidents.ts';
import { listServices } from '../../services/services.ts';
import { listStatuses } from '../../services/statuses.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import { Invalid } from '../../domain/errors.ts';
import { checkIncidentName, parseImpactOverride } from '../../domain/incidents.ts';
import { formState, type FormState } from '../../views/admin/forms.ts';
import {
  editIncidentPage,
  incidentAdminPage,
  incidentDeletionText,
  incidentListPage,
  newIncidentPage,
} from '../../views/admin/incidents.ts';
import { confirmPage } from '../../views/admin/confirm.ts';
import { formFromError, formValues } from './form-input.ts';
import { chrome, redirectAfterPost, sendPage } from './respond.ts';

type IdParams = { Params: { id: string } };
type UpdateParams = { Params: { id: string; uid: string } };

/** The checked `services` boxes of a form (a repeated field). */
function chosenServices(request: FastifyRequest): string[] {
  return (request.formEntries ?? []).filter(([key]) => key === 'services').map(([, value]) => value);
}

/** `status` for every chosen service, `status_<slug>` for one: the `components` of §5.2. */
function componentsOf(values: Record<string, string>, slugs: readonly string[]): Record<string, string> {
  const components: Record<string, string> = {};
  for (const slug of slugs) {
    const status = values[`status_${slug}`] || values.status;
    if (status) components[slug] = status;
  }
  return components;
}

/** Errors on `components[<slug>]` belong next to that service's status. */
function incidentFormState(error: unknown, values: Record<string, string>, fields: string[]): FormState {
  if (error instanceof Invalid && error.field?.startsWith('components[')) {
    const state: FormState = { values, errors: {} };
    state.errors[error.field] = error.message;
    state.formError = error.message;
    return state;
  }
  const renamed = error instanceof Invalid && error.field === 'status' ? new Invalid(error.message, 'stage') : error;
  return formFromError(renamed, values, fields);
}

/** The admin site's incident pages: open, update, correct, resolve, postmortem, templates. */
export async function incidentRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  const editor = { config: { access: 'editor' as const } };

  async function showNew(
    request: FastifyRequest,
    reply: FastifyReply,
    state: FormState,
    chosen: string[],
    status = 200,
  ) {
    const [services, statuses, templates] = await Promise.all([
      listServices(ctx),
      listStatuses(ctx),
      incidents.listTemplates(ctx),
    ]);
    return sendPage(
      reply,
      newIncidentPage(chrome(request, reply), { services, statuses, templates, state, chosen }),
      status,
    );
  }

  async function showIncident(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: { state?: FormState; editing?: { id: string; state: FormState }; postmortem?: FormState } = {},
    status = 200,
  ) {
    const [view, statuses, site] = await Promise.all([
      incidents.getIncident(ctx, id),
      listStatuses(ctx),
      getSiteSettings(ctx),
    ]);
    return sendPage(
      reply,
      incidentAdminPage(chrome(request, reply), view, { statuses, timeZone: site.timeZone, ...extra }),
      status,
    );
  }

  app.get('/incidents', editor, async (request, reply) => {
    const [views, templates, site] = await Promise.all([
      incidents.listIncidents(ctx, { limit: 200 }),
      incidents.listTemplates(ctx),
      getSiteSettings(ctx),
    ]);
    return sendPage(reply, incidentListPage(chrome(request, reply), views, templates, site.timeZone));
  });

  app.get('/incidents/new', editor, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
    const values: Record<string, string> = {};
    const template = text('template');
    if (template !== undefined) {
      const found = (await incidents.listTemplates(ctx)).find((t) => String(t.id) === template);
      if (found) Object.assign(values, { name: found.title, body: found.body });
    }
    // A suggestion from automation: the service, its status and the automation's message.
    const service = text('service');
    if (text('status')) values.status = text('status')!;
    if (text('message')) values.body = text('message')!;
    return showNew(request, reply, formState(values), service ? [service] : []);
  });

  app.post('/incidents', editor, async (request, reply) => {
    const values = formValues(request);
    const services = chosenServices(request);
    try {
      const result = await incidents.createIncident(ctx, request.adminSession!.actor, {
        name: values.name ?? '',
        body: values.body ?? '',
        status: values.stage || undefined,
        services,
        components: componentsOf(values, services),
      });
      const id = result.view!.incident.id;
      return redirectAfterPost(request, reply, `/admin/incidents/${id}`, 'The incident is open.');
    } catch (error) {
      const state = incidentFormState(error, values, ['name', 'services', 'stage', 'status', 'body']);
      return showNew(request, reply, state, services, 400);
    }
  });

  app.get<IdParams>('/incidents/:id', editor, async (request, reply) =>
    showIncident(request, reply, request.params.id),
  );

  async function showEdit(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    state: FormState,
    chosen?: string[],
    status = 200,
  ) {
    const [view, services] = await Promise.all([incidents.getIncident(ctx, id), listServices(ctx)]);
    return sendPage(
      reply,
      editIncidentPage(chrome(request, reply), view, services, state, chosen ?? view.services.map((s) => s.slug)),
      status,
    );
  }

  app.get<IdParams>('/incidents/:id/edit', editor, async (request, reply) =>
    showEdit(request, reply, request.params.id, formState()),
  );

  app.post<IdParams>('/incidents/:id/edit', editor, async (request, reply) => {
    const values = formValues(request);
    const services = chosenServices(request);
    const id = request.params.id;
    try {
      await incidents.editIncident(ctx, request.adminSession!.actor, id, {
        name: values.name ?? '',
        services,
        impactOverride: values.impact_override ?? '',
      });
      return redirectAfterPost(request, reply, `/admin/incidents/${id}`, 'The incident is saved.');
    } catch (error) {
      const state = formFromError(error, values, ['name', 'services', 'impact_override'], undefined, {
        required: ['name'],
      });
      // The use case stops at its first refusal: the other fields are checked here too, so every error shows at once.
      for (const [field, check] of [
        ['name', () => checkIncidentName(values.name ?? '')],
        ['impact_override', () => parseImpactOverride(values.impact_override ?? '')],
      ] as const) {
        if (state.errors[field] !== undefined) continue;
        try {
          check();
        } catch (problem) {
          if (problem instanceof Invalid) state.errors[field] = formFromError(problem, values, [field]).errors[field]!;
        }
      }
      return showEdit(request, reply, id, state, services, 400);
    }
  });

  app.get<IdParams>('/incidents/:id/delete', editor, async (request, reply) => {
    const view = await incidents.getIncident(ctx, request.params.id);
    const i = view.incident;
    return sendPage(
      reply,
      confirmPage(
        chrome(request, reply),
        `Delete ${i.name}?`,
        `/admin/incidents/${i.id}/delete`,
        incidentDeletionText(view),
        `Delete ${i.name}`,
        `/admin/incidents/${i.id}`,
      ),
    );
  });

  app.post<IdParams>('/incidents/:id/delete', editor, async (request, reply) => {
    const deleted = await incidents.deleteIncident(ctx, request.adminSession!.actor, request.params.id);
    return redirectAfterPost(request, reply, '/admin/incidents', `Incident ${deleted.incident.name} deleted.`);
  });

  app.post<IdParams>('/incidents/:id/updates', editor, async (request, reply) => {
    const values = formValues(request);
    const id = request.params.id;
    try {
      const view = await incidents.getIncident(ctx, id);
      const slugs = view.services.map((s) => s.slug);
      await incidents.postUpdate(ctx, request.adminSession!.actor, id, {
        body: values.body ?? '',
        status: values.stage || undefined,
        components: componentsOf(values, slugs),
        returnToDefault: values.return_to_default === 'true' ? 'true' : undefined,
      });
      return redirectAfterPost(request, reply, `/admin/incidents/${id}`, 'The update is posted.');
    } catch (error) {
      const state = incidentFormState(error, values, ['stage', 'status', 'body', 'return_to_default']);
      return showIncident(request, reply, id, { state }, 400);
    }
  });

  app.post<UpdateParams>('/incidents/:id/updates/:uid', editor, async (request, reply) => {
    const values = formValues(request);
    const { id, uid } = request.params;
    try {
      await incidents.editUpdate(ctx, request.adminSession!.actor, id, uid, { body: values.body ?? '' });
      return redirectAfterPost(request, reply, `/admin/incidents/${id}#update-${uid}`, 'The update is corrected.');
    } catch (error) {
      const state = formFromError(error, values, ['body']);
      return showIncident(request, reply, id, { editing: { id: uid, state } }, 400);
    }
  });

  app.post<IdParams>('/incidents/:id/postmortem', editor, async (request, reply) => {
    const values = formValues(request);
    const id = request.params.id;
    try {
      await incidents.publishPostmortem(ctx, request.adminSession!.actor, id, { body: values.body ?? '' });
      return redirectAfterPost(request, reply, `/admin/incidents/${id}`, 'The postmortem is published.');
    } catch (error) {
      const state = formFromError(error, values, ['body']);
      return showIncident(request, reply, id, { postmortem: state }, error instanceof Invalid ? 400 : 409);
    }
  });

  app.post('/incidents/templates', editor, async (request, reply) => {
    const values = formValues(request);
    try {
      await incidents.saveTemplate(ctx, request.adminSession!.actor, values);
      return redirectAfterPost(request, reply, '/admin/incidents#templates-title', 'The template is saved.');
    } catch (error) {
      const state = formFromError(error, values, ['name', 'title', 'body'], 'name');
      const [views, templates, site] = await Promise.all([
        incidents.listIncidents(ctx, { limit: 200 }),
        incidents.listTemplates(ctx),
        getSiteSettings(ctx),
      ]);
      return sendPage(reply, incidentListPage(chrome(request, reply), views, templates, site.timeZone, state), 400);
    }
  });

  app.post<IdParams>('/incidents/templates/:id/delete', editor, async (request, reply) => {
    const id = Number(request.params.id);
    if (!Number.isInteger(id)) return reply.code(404).send();
    await incidents.deleteTemplate(ctx, request.adminSession!.actor, id);
    return redirectAfterPost(request, reply, '/admin/incidents#templates-title', 'The template is deleted.');
  });
}
