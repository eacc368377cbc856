import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import { listMaintenances } from '../../services/maintenances.ts';
import { maintenanceCalendar } from '../../views/maintenance-ics.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import { PUBLIC_CACHE_CONTROL } from './page-headers.ts';

/** `/maintenance.ics`: planned work as an iCalendar feed (scheduled and active windows). */
export async function maintenanceCalendarRoutes(
  app: FastifyInstance,
  options: { ctx: Context; cache: ResponseCache },
): Promise<void> {
  app.get('/maintenance.ics', (request, reply) =>
    options.cache.serve(request, reply, PUBLIC_CACHE_CONTROL, async () => {
      const settings = await getSiteSettings(options.ctx);
      const origin = (settings.siteUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');
      const views = await listMaintenances(options.ctx, 'open');
      const body = maintenanceCalendar({ name: settings.siteName, origin, host: new URL(origin).host }, views);
      return { type: 'text/calendar; charset=utf-8', body };
    }),
  );
}
