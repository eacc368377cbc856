import { incidentRoutes } from './incident-routes.ts';
import { maintenanceRoutes } from './maintenance-routes.ts';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import './request-types.ts';
import { guardAdminSite } from './guard.ts';
import { adminAssetRoutes } from './assets.ts';
import { accountRoutes } from './account-routes.ts';
import { dashboardRoutes } from './dashboard-routes.ts';
import { eventRoutes } from './event-routes.ts';
import { serviceRoutes } from './service-routes.ts';
import { serviceListRoutes } from './service-list-routes.ts';
import { statusRoutes } from './status-routes.ts';
import { orderRoutes } from './order-routes.ts';
import { credentialRoutes } from './credential-routes.ts';
import { userRoutes } from './user-routes.ts';
import { settingsRoutes } from './settings-routes.ts';
import { auditRoutes } from './audit-routes.ts';
import { monitoringRoutes } from './monitoring-routes.ts';
import { notificationRoutes, pausedChannelBanner } from './notification-routes.ts';
import type { MailSender } from '../../services/delivery-transports.ts';

/**
 * `/admin`: the admin site, server-rendered HTML over the same use cases as the admin API.
 * Every resource's routes are in a file of their own, all registered here.
 */
export async function adminSite(app: FastifyInstance, options: { ctx: Context; mailer: MailSender }): Promise<void> {
  const { ctx } = options;
  guardAdminSite(app, ctx);
  pausedChannelBanner(app, ctx);
  await app.register(adminAssetRoutes);
  await app.register(accountRoutes, { ctx });
  await app.register(dashboardRoutes, { ctx });
  await app.register(eventRoutes, { ctx });
  await app.register(incidentRoutes, { ctx });
  await app.register(maintenanceRoutes, { ctx });
  await app.register(serviceRoutes, { ctx });
  await app.register(serviceListRoutes, { ctx });
  await app.register(statusRoutes, { ctx });
  await app.register(orderRoutes, { ctx });
  await app.register(monitoringRoutes, { ctx });
  await app.register(credentialRoutes, { ctx });
  await app.register(userRoutes, { ctx });
  await app.register(settingsRoutes, { ctx });
  await app.register(auditRoutes, { ctx });
  await app.register(notificationRoutes, { ctx, mailer: options.mailer });
}
