import type { FastifyInstance } from 'fastify';
import { LEVELS } from '../../../domain/levels.ts';
import * as lists from '../../../services/service-lists.ts';
import * as services from '../../../services/services.ts';
import * as statuses from '../../../services/statuses.ts';
import * as events from '../../../services/events.ts';
import { flagParam, param, rawParam } from './params.ts';

/** The events list's query parameters (its cache key is made of these and nothing else). */
const EVENTS_QUERY = ['start', 'end', 'limit', 'before'] as const;
import { resource, type V1Options } from './resource.ts';

/** The Stashboard v1 resource tree; mounted read-only at /api/v1 and read-write at /admin/api/v1. */
export async function v1Routes(app: FastifyInstance, options: V1Options): Promise<void> {
  resource(app, options, '/services', {
    GET: {
      action: 'catalog.read',
      run: async ({ ctx, json }) => ({ services: (await services.listServices(ctx)).map((s) => json.service(s)) }),
    },
    POST: {
      write: true,
      action: 'catalog.write',
      status: 201,
      run: async ({ ctx, actor, json, request }) =>
        json.service(
          await services.createService(ctx, actor, {
            name: param(request, 'name'),
            description: param(request, 'description'),
            list: param(request, 'list'),
          }),
        ),
    },
  });

  resource(app, options, '/services/:service', {
    GET: {
      action: 'catalog.read',
      run: async ({ ctx, json, params }) => json.service(await services.getService(ctx, params.service!)),
    },
    POST: {
      write: true,
      action: 'catalog.write',
      run: async ({ ctx, actor, json, request, params }) =>
        json.service(
          await services.updateService(ctx, actor, params.service!, {
            name: param(request, 'name'),
            description: param(request, 'description'),
            list: param(request, 'list'),
          }),
        ),
    },
    DELETE: {
      write: true,
      action: 'catalog.write',
      run: async ({ ctx, actor, json, params }) =>
        json.service(await services.deleteService(ctx, actor, params.service!)),
    },
  });

  resource(app, options, '/services/:service/events', {
    GET: {
      action: 'event.read',
      query: EVENTS_QUERY,
      run: async ({ ctx, json, request, headers, params }) => {
        const query = Object.fromEntries(EVENTS_QUERY.map((name) => [name, param(request, name)]));
        const page = await events.listEventPage(ctx, params.service!, query);
        const body: { events: unknown[]; next?: string } = { events: page.events.map((e) => json.event(e)) };
        if (page.nextBefore !== undefined) {
          // The same query, continued after this page's last event.
          const next = new URLSearchParams();
          for (const name of ['start', 'end', 'limit'] as const) if (query[name]) next.set(name, query[name]);
          next.set('before', page.nextBefore);
          body.next = `${json.url(`/services/${params.service!}/events`)}?${next.toString()}`;
          headers.link = `<${body.next}>; rel="next"`;
        }
        return body;
      },
    },
    POST: {
      write: true,
      action: 'event.post',
      status: 201,
      run: async ({ ctx, actor, json, request, params }) =>
        json.event(
          await events.postEvent(ctx, actor, params.service!, {
            message: param(request, 'message'),
            status: param(request, 'status'),
            informational: flagParam(request, 'informational'),
            timestamp: param(request, 'timestamp'),
          }),
        ),
    },
  });

  resource(app, options, '/services/:service/events/current', {
    GET: {
      action: 'event.read',
      run: async ({ ctx, json, params }) => json.event(await events.getCurrentEvent(ctx, params.service!)),
    },
  });

  resource(app, options, '/services/:service/events/:sid', {
    GET: {
      action: 'event.read',
      run: async ({ ctx, json, params }) => json.event(await events.getEvent(ctx, params.service!, params.sid!)),
    },
    DELETE: {
      write: true,
      action: 'event.delete',
      run: async ({ ctx, actor, json, params }) =>
        json.event(await events.deleteEvent(ctx, actor, params.service!, params.sid!)),
    },
  });

  resource(app, options, '/service-lists', {
    GET: {
      action: 'catalog.read',
      run: async ({ ctx, json }) => ({ lists: (await lists.listServiceLists(ctx)).map((l) => json.list(l)) }),
    },
    POST: {
      write: true,
      action: 'catalog.write',
      status: 201,
      run: async ({ ctx, actor, json, request }) =>
        json.list(
          await lists.createServiceList(ctx, actor, {
            name: param(request, 'name'),
            description: param(request, 'description'),
          }),
        ),
    },
  });

  resource(app, options, '/service-lists/:list', {
    GET: {
      action: 'catalog.read',
      run: async ({ ctx, json, params }) => json.list(await lists.getServiceList(ctx, params.list!)),
    },
    POST: {
      write: true,
      action: 'catalog.write',
      run: async ({ ctx, actor, json, request, params }) =>
        json.list(
          await lists.updateServiceList(ctx, actor, params.list!, {
            name: param(request, 'name'),
            description: param(request, 'description'),
          }),
        ),
    },
    DELETE: {
      write: true,
      action: 'catalog.write',
      run: async ({ ctx, actor, json, params }) => json.list(await lists.deleteServiceList(ctx, actor, params.list!)),
    },
  });

  const statusInput = (request: Parameters<typeof param>[0]) => ({
    name: param(request, 'name'),
    description: param(request, 'description'),
    image: param(request, 'image'),
    level: param(request, 'level'),
    default: flagParam(request, 'default'),
    component_status: rawParam(request, 'component_status'),
  });

  resource(app, options, '/statuses', {
    GET: {
      action: 'catalog.read',
      run: async ({ ctx, json }) => ({ statuses: (await statuses.listStatuses(ctx)).map((s) => json.status(s)) }),
    },
    POST: {
      write: true,
      action: 'catalog.write',
      status: 201,
      run: async ({ ctx, actor, json, request }) =>
        json.status(await statuses.createStatus(ctx, actor, statusInput(request))),
    },
  });

  resource(app, options, '/statuses/:status', {
    GET: {
      action: 'catalog.read',
      run: async ({ ctx, json, params }) => json.status(await statuses.getStatus(ctx, params.status!)),
    },
    POST: {
      write: true,
      action: 'catalog.write',
      run: async ({ ctx, actor, json, request, params }) =>
        json.status(await statuses.updateStatus(ctx, actor, params.status!, statusInput(request))),
    },
    DELETE: {
      write: true,
      action: 'catalog.write',
      run: async ({ ctx, actor, json, request, params }) =>
        json.status(await statuses.deleteStatus(ctx, actor, params.status!, { force: flagParam(request, 'force') })),
    },
  });

  resource(app, options, '/status-images', {
    GET: { action: 'catalog.read', run: async ({ json }) => ({ images: json.images() }) },
  });

  resource(app, options, '/levels', {
    GET: { action: 'catalog.read', run: async () => ({ levels: [...LEVELS] }) },
  });
}
