import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Context } from '../../services/context.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import { incidentsByActivity, type ServiceIncidentView } from '../../services/incidents.ts';
import { STATUS_LABELS } from '../../domain/incidents.ts';
import { MAINTENANCE_LABELS } from '../../domain/maintenance.ts';
import { renderRss } from '../../views/rss.ts';
import { renderAtom } from '../../views/atom.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import { PUBLIC_CACHE_CONTROL } from './page-headers.ts';

/** Update status labels of incidents and maintenances (the feed holds both). */
const STAGE_LABELS: Record<string, string | undefined> = { ...STATUS_LABELS, ...MAINTENANCE_LABELS };

/** §10: title = name, link = guid = `<page.url>/incidents/<id>`, date = latest update's display_at, every update newest first. */
function item(view: ServiceIncidentView, origin: string) {
  const latest = view.updates[0];
  return {
    url: `${origin}/incidents/${view.incident.id}`,
    title: view.incident.name,
    date: new Date(latest?.displayAt ?? view.incident.updatedAt),
    description: view.updates.map((u) => `${STAGE_LABELS[u.status] ?? u.status} - ${u.body}`).join('\n\n'),
    category: view.services.map((s) => s.name).join(', '),
  };
}

async function feedData(ctx: Context, request: FastifyRequest) {
  const settings = await getSiteSettings(ctx);
  const origin = (settings.siteUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');
  const views = await incidentsByActivity(ctx, 50);
  return { settings, origin, items: views.map((v) => item(v, origin)) };
}

/** `/history.rss` and `/history.atom`: the incidents with the latest activity (v1 `/rss` stays the event feed). */
export async function historyFeedRoutes(
  app: FastifyInstance,
  options: { ctx: Context; cache: ResponseCache },
): Promise<void> {
  app.get('/history.rss', (request, reply) =>
    options.cache.serve(request, reply, PUBLIC_CACHE_CONTROL, async () => {
      const { settings, origin, items } = await feedData(options.ctx, request);
      const xml = renderRss({
        title: `${settings.siteName} incident history`,
        link: `${origin}/history`,
        description: `Incidents on ${settings.siteName}`,
        items: items.map((i) => ({
          title: i.title,
          description: i.description,
          link: i.url,
          category: i.category,
          pubDate: i.date,
          guid: i.url,
        })),
      });
      return { type: 'application/rss+xml; charset=utf-8', body: xml };
    }),
  );
  app.get('/history.atom', (request, reply) =>
    options.cache.serve(request, reply, PUBLIC_CACHE_CONTROL, async () => {
      const { settings, origin, items } = await feedData(options.ctx, request);
      const xml = renderAtom({
        id: `${origin}/history.atom`,
        title: `${settings.siteName} incident history`,
        subtitle: `Incidents on ${settings.siteName}`,
        link: `${origin}/history`,
        self: `${origin}/history.atom`,
        author: settings.siteName,
        fallbackUpdated: new Date(0),
        entries: items.map((i) => ({
          id: i.url,
          title: i.title,
          summary: i.description,
          link: i.url,
          category: i.category,
          updated: i.date,
        })),
      });
      return { type: 'application/atom+xml; charset=utf-8', body: xml };
    }),
  );
}
