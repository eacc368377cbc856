import { incidentRoutes } from './incident-routes.ts';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import './request-types.ts';
import { guardAdminSite } from './guard.ts';
import { adminAssetRoutes } from './assets.ts';
import { accountRoutes } from './account-routes.ts';
import { dashboardRoutes } from './dashboard-routes.ts';
import { manageRoutes } from './manage-routes.ts';
import { orderRoutes } from './order-routes.ts';
import { adminOnlyRoutes } from './admin-routes.ts';
import { monitoringRoutes } from './monitoring-routes.ts';
import { notificationRoutes, pausedChannelBanner } from './notification-routes.ts';
import type { MailSender } from '../../services/delivery-transports.ts';

/** `/admin`: the admin site, server-rendered HTML over the same use cases as the admin API. */
export async function adminSite(app: FastifyInstance, options: { ctx: Context; mailer: MailSender }): Promise<void> {
  const { ctx } = options;
  guardAdminSite(app, ctx);
  pausedChannelBanner(app, ctx);
  await app.register(adminAssetRoutes);
  await app.register(accountRoutes, { ctx });
  await app.register(dashboardRoutes, { ctx });
  await app.register(incidentRoutes, { ctx });
  await app.register(manageRoutes, { ctx });
  await app.register(orderRoutes, { ctx });
  await app.register(monitoringRoutes, { ctx });
  await app.register(adminOnlyRoutes, { ctx });
  await app.register(notificationRoutes, { ctx, mailer: options.mailer });
}
