import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import { getService, listServices } from '../../services/services.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import { renderBadge } from '../../views/badge.ts';
import { overallOf, overallText } from '../../domain/overall-status.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import { PUBLIC_CACHE_CONTROL } from './page-headers.ts';

const SVG = 'image/svg+xml; charset=utf-8';
const HEADERS = {
  'access-control-allow-origin': '*',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'",
};

/** `/badge.svg` (overall) and `/services/{slug}/badge.svg`: status badges for READMEs. */
export async function badgeRoutes(
  app: FastifyInstance,
  options: { ctx: Context; cache: ResponseCache },
): Promise<void> {
  const { ctx, cache } = options;
  app.get('/badge.svg', (request, reply) =>
    cache.serve(request, reply, PUBLIC_CACHE_CONTROL, async () => {
      const [settings, services] = await Promise.all([getSiteSettings(ctx), listServices(ctx)]);
      const overall = overallOf(services);
      const value =
        overall.level === 'NORMAL'
          ? overall.total === 0
            ? 'no services'
            : 'operational'
          : overallText(overall).toLowerCase();
      return {
        type: SVG,
        body: renderBadge(settings.siteName.toLowerCase(), value, overall.total === 0 ? null : overall.level),
        headers: HEADERS,
      };
    }),
  );
  app.get<{ Params: { slug: string } }>('/services/:slug/badge.svg', (request, reply) =>
    cache.serve(request, reply, PUBLIC_CACHE_CONTROL, async () => {
      const service = await getService(ctx, request.params.slug);
      const status = service.currentEvent?.status;
      return {
        type: SVG,
        body: renderBadge(service.name, status ? status.name.toLowerCase() : 'no status', status?.level ?? null),
        headers: HEADERS,
      };
    }),
  );
}
