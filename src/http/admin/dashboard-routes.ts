import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../services/context.ts';
import { listServices } from '../../services/services.ts';
import { listStatuses } from '../../services/statuses.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import { listRecoveryHolds } from '../../services/recovery-holds.ts';
import { dashboardPage } from '../../views/admin/dashboard.ts';
import { dashboardIncidents } from '../../views/admin/incidents.ts';
import { dashboardMaintenance } from '../../views/admin/maintenance.ts';
import { listMaintenances } from '../../services/maintenances.ts';
import { html } from '../../views/html.ts';
import { listServiceLists } from '../../services/service-lists.ts';
import { currentStatusSince } from '../../services/status-since.ts';
import { listIncidents, uncoveredOutages } from '../../services/incidents.ts';
import type { FormState } from '../../views/admin/forms.ts';
import { chrome, sendPage } from './respond.ts';

/** The dashboard, with the post form of one service refused (`failed`) when a post failed. */
export async function showDashboard(
  ctx: Context,
  request: FastifyRequest,
  reply: FastifyReply,
  failed?: { slug: string; state: FormState },
) {
  const [services, lists, statuses, site, holds, openIncidents, suggestions, maintenance] = await Promise.all([
    listServices(ctx),
    listServiceLists(ctx),
    listStatuses(ctx),
    getSiteSettings(ctx),
    listRecoveryHolds(ctx, request.adminSession!.actor),
    listIncidents(ctx, { unresolved: true }),
    uncoveredOutages(ctx),
    Promise.all([listMaintenances(ctx, 'active'), listMaintenances(ctx, 'upcoming')]),
  ]);
  const since = await currentStatusSince(ctx, services);
  return sendPage(
    reply,
    dashboardPage(
      chrome(request, reply),
      {
        services,
        lists,
        statuses,
        since,
        timeZone: site.timeZone,
        failed,
        holds,
      },
      {
        top: html`${dashboardIncidents(openIncidents, suggestions)}${dashboardMaintenance(...maintenance, site.timeZone)}`,
      },
    ),
    failed ? 400 : 200,
  );
}

/** The dashboard: every service at a glance, where editors post status changes and notes. */
export async function dashboardRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  const editor = { config: { access: 'editor' as const } };

  app.get('/', editor, async (request, reply) => showDashboard(ctx, request, reply));
}
