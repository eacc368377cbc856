import { MAINTENANCE_LABELS, type MaintenanceNotification, type MaintenanceStatus } from '../domain/maintenance.ts';
import { v2UpdateJson, type PageRef } from '../domain/incident-json.ts';
import { v2MaintenanceJson, type MaintenanceViewData } from '../domain/maintenance-json.ts';
import type { EmailContent } from './emails.ts';
import { statuspageHead } from './statuspage-head.ts';
import { updateEmail, updateSlackMessage, type UpdateMessage } from './update-messages.ts';
import type { NotificationLinks } from './webhook-body.ts';

/** Renders of a maintenance notification (§11), built only from the frozen notification: every attempt sends the same bytes. */

function parts(notification: MaintenanceNotification, links: NotificationLinks, pageId: string) {
  const view = notification.view as MaintenanceViewData;
  const page: PageRef = { id: pageId, url: links.baseUrl };
  const maintenance = v2MaintenanceJson(view, page);
  const update =
    notification.updateId === null ? null : (view.updates.find((u) => u.id === notification.updateId) ?? null);
  return { view, maintenance, update, url: `${links.baseUrl}/incidents/${view.maintenance.id}` };
}

/** The Stashboard webhook body: `{"type","delivery","notice","site","maintenance","update"}`. */
export function maintenanceWebhookBody(
  notification: MaintenanceNotification,
  delivery: { id: string; notificationId: number },
  links: NotificationLinks,
  pageId: string,
): string {
  const { maintenance, update } = parts(notification, links, pageId);
  return JSON.stringify({
    type: notification.topic,
    delivery: delivery.id,
    notice: delivery.notificationId,
    site: { name: links.siteName, url: `${links.baseUrl}/` },
    maintenance,
    update: update === null ? null : v2UpdateJson(update),
  });
}

/** Statuspage's webhook format: `{"meta","page","incident"}`, the incident being the maintenance (with its window). */
export function statuspageMaintenanceBody(
  notification: MaintenanceNotification,
  links: NotificationLinks,
  pageId: string,
): string {
  const { maintenance } = parts(notification, links, pageId);
  return JSON.stringify({ ...statuspageHead(links, pageId, notification.page), incident: maintenance });
}

function headline(
  notification: MaintenanceNotification,
  view: MaintenanceViewData,
  updateStatus: string | undefined,
): string {
  const status = MAINTENANCE_LABELS[(updateStatus ?? view.maintenance.status) as MaintenanceStatus];
  if (notification.topic === 'maintenance.created')
    return `Scheduled maintenance: ${view.maintenance.name} (${status})`;
  return `${view.maintenance.name}: ${status}`;
}

function windowLine(view: MaintenanceViewData): string {
  const m = view.maintenance;
  return `Window: ${new Date(m.scheduledFor).toUTCString()} to ${new Date(m.scheduledUntil).toUTCString()}`;
}

/** One Slack message per update: name, status, window, body, status changes, link. */
export function maintenanceSlackMessage(notification: MaintenanceNotification, links: NotificationLinks): string {
  return updateSlackMessage(message(notification, links), links);
}

/** One email per update: name, status, window, body, status changes, link. */
export function maintenanceEmail(
  notification: MaintenanceNotification,
  links: NotificationLinks,
  unsubscribeUrl?: string,
): EmailContent {
  return updateEmail(message(notification, links), links, unsubscribeUrl);
}

function message(notification: MaintenanceNotification, links: NotificationLinks): UpdateMessage {
  const { view, update, url } = parts(notification, links, '');
  return {
    noun: 'maintenance',
    title: headline(notification, view, update?.status),
    window: windowLine(view),
    body: update?.body ?? '',
    changes: notification.changes,
    url,
  };
}
