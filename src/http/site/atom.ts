import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import { listServices } from '../../services/services.ts';
import { recentEvents } from '../../services/events.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import { renderAtom } from '../../views/atom.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import { queryList } from '../query-list.ts';
import { PUBLIC_CACHE_CONTROL } from './page-headers.ts';

const FEED_SIZE = 50;

/** `/atom`: the same events as `/rss` (newest 50, `?services=a,b` to choose), as Atom 1.0. */
export async function atomRoutes(app: FastifyInstance, options: { ctx: Context; cache: ResponseCache }): Promise<void> {
  app.get('/atom', (request, reply) =>
    options.cache.serve(
      request,
      reply,
      PUBLIC_CACHE_CONTROL,
      async () => {
        const { ctx } = options;
        const [services, settings] = await Promise.all([listServices(ctx), getSiteSettings(ctx)]);
        const wanted = new Set(queryList(request.query, 'services'));
        const chosen = services.filter((s) => wanted.has(s.slug));
        const names = new Map(services.map((s) => [s.id, s.name]));
        const events = await recentEvents(ctx, {
          serviceIds: chosen.length > 0 ? chosen.map((s) => s.id) : undefined,
          limit: FEED_SIZE,
        });
        const origin = (settings.siteUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');
        const query = chosen.length > 0 ? `?services=${chosen.map((s) => encodeURIComponent(s.slug)).join(',')}` : '';
        const xml = renderAtom({
          id: `${origin}/atom${query}`,
          title: settings.siteName,
          subtitle:
            chosen.length > 0
              ? `Status changes of ${chosen.map((s) => s.name).join(', ')}`
              : `Status changes of every service on ${settings.siteName}`,
          link: `${origin}/`,
          self: `${origin}/atom${query}`,
          author: settings.siteName,
          fallbackUpdated: new Date(0),
          entries: events.map((event) => {
            const service = names.get(event.serviceId) ?? event.serviceSlug;
            return {
              id: `${origin}/api/v1/services/${event.serviceSlug}/events/${event.sid}`,
              title: `${service}: ${event.informational ? 'note' : event.status.name}`,
              summary: event.message,
              link: `${origin}/services/${event.serviceSlug}`,
              category: service,
              updated: new Date(event.timestamp),
            };
          }),
        });
        return { type: 'application/atom+xml; charset=utf-8', body: xml };
      },
      ['services'],
    ),
  );
}
