import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import { getService } from '../../services/services.ts';
import { listStatuses } from '../../services/statuses.ts';
import { deleteEvent, getEvent, listEvents, postEvent } from '../../services/events.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import { recoveryMessage } from '../../views/admin/dashboard.ts';
import { deleteEventPage, eventsPage } from '../../views/admin/events.ts';
import { formFromError, formValues } from './form-input.ts';
import { chrome, redirectAfterPost, sendPage } from './respond.ts';
import { showDashboard } from './dashboard-routes.ts';

const EVENTS_SHOWN = 200;

type ServiceParams = { Params: { slug: string } };
type EventParams = { Params: { slug: string; sid: string } };

/** A service's events: post a status change or a note (from the dashboard), list them, delete one (editors too). */
export async function eventRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  const editor = { config: { access: 'editor' as const } };

  app.post<ServiceParams>('/services/:slug/events', editor, async (request, reply) => {
    const values = formValues(request);
    const note = values.informational === 'true';
    try {
      const service = await getService(ctx, request.params.slug);
      let message = values.message;
      // Returning to an operational status needs no words: a plain default is posted.
      if (!note && (message ?? '').trim() === '') {
        const chosen = (await listStatuses(ctx)).find((s) => s.slug === values.status);
        if (chosen?.componentStatus === 'operational') message = recoveryMessage(service);
      }
      await postEvent(ctx, request.adminSession!.actor, service.slug, {
        message,
        // A note leaves the status as it is.
        status: note ? undefined : values.status,
        informational: note ? 'true' : undefined,
      });
      return redirectAfterPost(
        request,
        reply,
        `/admin#svc-${service.slug}-name`,
        `${note ? 'Note' : 'Status'} posted for ${service.name}.`,
      );
    } catch (error) {
      const state = formFromError(error, values, ['status', 'message', 'informational']);
      return showDashboard(ctx, request, reply, { slug: request.params.slug, state });
    }
  });

  app.get<ServiceParams>('/services/:slug/events', editor, async (request, reply) => {
    const service = await getService(ctx, request.params.slug);
    const [events, site] = await Promise.all([listEvents(ctx, service.slug, {}), getSiteSettings(ctx)]);
    return sendPage(reply, eventsPage(chrome(request, reply), service, events, site.timeZone, EVENTS_SHOWN));
  });

  app.get<EventParams>('/services/:slug/events/:sid/delete', editor, async (request, reply) => {
    const service = await getService(ctx, request.params.slug);
    const [event, site] = await Promise.all([getEvent(ctx, service.slug, request.params.sid), getSiteSettings(ctx)]);
    return sendPage(reply, deleteEventPage(chrome(request, reply), service, event, site.timeZone));
  });

  app.post<EventParams>('/services/:slug/events/:sid/delete', editor, async (request, reply) => {
    await deleteEvent(ctx, request.adminSession!.actor, request.params.slug, request.params.sid);
    return redirectAfterPost(
      request,
      reply,
      `/admin/services/${encodeURIComponent(request.params.slug)}/events`,
      'The event is deleted.',
    );
  });
}
