import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import { listServices } from '../../services/services.ts';
import { recentEvents } from '../../services/events.ts';
import { renderRss } from '../../views/rss.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import { PUBLIC_CACHE_CONTROL } from './page-headers.ts';

const FEED_SIZE = 50;

/** `?services=a,b` (repeatable): the known slugs among them; none known means all services. */
function requestedSlugs(query: unknown): string[] {
  const raw = (query as Record<string, unknown>).services;
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return values
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

export async function rssRoutes(app: FastifyInstance, options: { ctx: Context; cache: ResponseCache }): Promise<void> {
  app.get('/rss', (request, reply) =>
    options.cache.serve(
      request,
      reply,
      PUBLIC_CACHE_CONTROL,
      async () => {
        const { ctx } = options;
        const [services, settings] = await Promise.all([listServices(ctx), getSiteSettings(ctx)]);
        const siteName = settings.siteName;
        const wanted = new Set(requestedSlugs(request.query));
        const chosen = services.filter((s) => wanted.has(s.slug));
        const scope = chosen.length > 0 ? chosen : services;
        const names = new Map(services.map((s) => [s.id, s.name]));
        const events = await recentEvents(ctx, {
          serviceIds: chosen.length > 0 ? chosen.map((s) => s.id) : undefined,
          limit: FEED_SIZE,
        });
        const origin = settings.siteUrl ?? `${request.protocol}://${request.host}`;
        const xml = renderRss({
          title: siteName,
          link: `${origin}/`,
          description:
            chosen.length > 0
              ? `Status changes of ${scope.map((s) => s.name).join(', ')}`
              : `Status changes of every service on ${siteName}`,
          items: events.map((event) => {
            const service = names.get(event.serviceId) ?? event.serviceSlug;
            return {
              title: `${service}: ${event.status.name}`,
              description: event.message,
              link: `${origin}/services/${event.serviceSlug}`,
              category: service,
              pubDate: new Date(event.timestamp),
              guid: `${origin}/api/v1/services/${event.serviceSlug}/events/${event.sid}`,
            };
          }),
        });
        return { type: 'application/rss+xml; charset=utf-8', body: xml };
      },
      ['services'],
    ),
  );
}
