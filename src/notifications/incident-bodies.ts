import type { IncidentNotification } from '../domain/notifications.ts';
import type { Service } from '../domain/resources.ts';
import { STATUS_LABELS, type IncidentView } from '../domain/incidents.ts';
import { v2IncidentJson, v2UpdateJson, type PageRef } from '../domain/incident-json.ts';
import type { EmailContent } from './emails.ts';
import { statuspageHead } from './statuspage-head.ts';
import { updateEmail, updateSlackMessage, type UpdateMessage } from './update-messages.ts';
import type { NotificationLinks } from './webhook-body.ts';

/** Renders of an incident notification (§11). Built only from the frozen notification: every attempt sends the same bytes. */

function parts(notification: IncidentNotification, links: NotificationLinks, pageId: string) {
  const view = notification.view as IncidentView<Service>;
  const page: PageRef = { id: pageId, url: links.baseUrl };
  const incident = v2IncidentJson(view, page);
  const update =
    notification.updateId === null ? null : (view.updates.find((u) => u.id === notification.updateId) ?? null);
  return { view, incident, update, url: `${links.baseUrl}/incidents/${view.incident.id}` };
}

/** The Stashboard webhook body: `{"type","delivery","notice","site","incident","update"}`. */
export function incidentWebhookBody(
  notification: IncidentNotification,
  delivery: { id: string; notificationId: number },
  links: NotificationLinks,
  pageId: string,
): string {
  const { view, incident, update } = parts(notification, links, pageId);
  return JSON.stringify({
    type: notification.topic,
    delivery: delivery.id,
    notice: delivery.notificationId,
    site: { name: links.siteName, url: `${links.baseUrl}/` },
    incident: {
      ...incident,
      postmortem_body: view.incident.postmortemBody,
      postmortem_published_at:
        view.incident.postmortemPublishedAt === null
          ? null
          : new Date(view.incident.postmortemPublishedAt).toISOString(),
    },
    update: update === null ? null : v2UpdateJson(update),
  });
}

/** Statuspage's webhook format: `{"meta","page","incident"}`. */
export function statuspageIncidentBody(
  notification: IncidentNotification,
  links: NotificationLinks,
  pageId: string,
): string {
  const { incident } = parts(notification, links, pageId);
  return JSON.stringify({ ...statuspageHead(links, pageId, notification.page), incident });
}

function headline(
  notification: IncidentNotification,
  view: IncidentView<Service>,
  updateStatus: string | undefined,
): string {
  const status = STATUS_LABELS[view.incident.status];
  if (notification.topic === 'incident.created') return `New incident: ${view.incident.name} (${status})`;
  if (notification.updateId === null) return `Postmortem: ${view.incident.name}`;
  return `${view.incident.name}: ${updateStatus ? STATUS_LABELS[updateStatus as keyof typeof STATUS_LABELS] : status}`;
}

/** One Slack message per update: name, status, body, status changes, link. */
export function incidentSlackMessage(notification: IncidentNotification, links: NotificationLinks): string {
  return updateSlackMessage(message(notification, links), links);
}

/** One email per update: name, status, body, status changes, time, link. */
export function incidentEmail(
  notification: IncidentNotification,
  links: NotificationLinks,
  unsubscribeUrl?: string,
): EmailContent {
  return updateEmail(message(notification, links), links, unsubscribeUrl);
}

function message(notification: IncidentNotification, links: NotificationLinks): UpdateMessage {
  const { view, update, url } = parts(notification, links, '');
  return {
    noun: 'incident',
    title: headline(notification, view, update?.status),
    body: update?.body ?? view.incident.postmortemBody ?? '',
    changes: notification.changes,
    when: new Date(update?.displayAt ?? view.incident.updatedAt).toUTCString(),
    url,
  };
}
