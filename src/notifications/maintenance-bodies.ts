import { MAINTENANCE_LABELS, type MaintenanceNotification, type MaintenanceStatus } from '../domain/maintenance.ts';
import { v2UpdateJson, type PageRef } from '../domain/incident-json.ts';
import { v2MaintenanceJson, type MaintenanceViewData } from '../domain/maintenance-json.ts';
import { html } from '../views/html.ts';
import { emailPage, type EmailContent } from './emails.ts';
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
  return JSON.stringify({
    meta: { unsubscribe: `${links.baseUrl}/subscribe`, documentation: `${links.baseUrl}/documentation#webhooks` },
    page: {
      id: pageId,
      status_indicator: notification.page.indicator,
      status_description: notification.page.description,
    },
    incident: maintenance,
  });
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

function changeLines(notification: MaintenanceNotification): string[] {
  return notification.changes.map((c) => `${c.service}: ${c.from.replace(/_/g, ' ')} → ${c.to.replace(/_/g, ' ')}`);
}

const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One Slack message per update: name, status, window, body, status changes, link. */
export function maintenanceSlackMessage(notification: MaintenanceNotification, links: NotificationLinks): string {
  const { view, update, url } = parts(notification, links, '');
  const lines = [
    `*${slackEscape(headline(notification, view, update?.status))}*`,
    slackEscape(windowLine(view)),
    slackEscape(update?.body ?? ''),
    ...changeLines(notification).map((l) => `• ${slackEscape(l)}`),
    `<${url}|View the maintenance on ${slackEscape(links.siteName)}>`,
  ];
  return JSON.stringify({ text: lines.filter((l) => l !== '').join('\n'), unfurl_links: false });
}

/** One email per update: name, status, window, body, status changes, link. */
export function maintenanceEmail(
  notification: MaintenanceNotification,
  links: NotificationLinks,
  unsubscribeUrl?: string,
): EmailContent {
  const { view, update, url } = parts(notification, links, '');
  const title = headline(notification, view, update?.status);
  const subject = `[${links.siteName}] ${title}`;
  const body = update?.body ?? '';
  const changes = changeLines(notification);
  const window = windowLine(view);
  const text = [
    title,
    window,
    '',
    body,
    '',
    ...(changes.length > 0 ? ['Status changes:', ...changes.map((c) => `- ${c}`), ''] : []),
    `Details: ${url}`,
    '',
    '-- ',
    `You get this from ${links.siteName} (${links.baseUrl}/).`,
    ...(unsubscribeUrl ? [`Unsubscribe with one click: ${unsubscribeUrl}`] : []),
    '',
  ].join('\n');
  const htmlBody = html`<h1 style="font-size: 1.3em">${title}</h1>
    <p>${window}</p>
    <p style="white-space: pre-wrap">${body}</p>
    ${
      changes.length > 0
        ? html`<ul>
            ${changes.map((c) => html`<li>${c}</li>`)}
          </ul>`
        : ''
    }
    <p><a href="${url}">See the maintenance on ${links.siteName}</a></p>`;
  const footer = html`You get this from <a href="${links.baseUrl}/">${links.siteName}</a>.${
    unsubscribeUrl ? html` <a href="${unsubscribeUrl}">Unsubscribe</a> with one click.` : ''
  }`;
  return { subject, text, html: emailPage(subject, htmlBody, footer) };
}
