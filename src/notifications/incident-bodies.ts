import type { IncidentNotification } from '../domain/notifications.ts';
import type { Service } from '../domain/resources.ts';
import { STATUS_LABELS, type IncidentView } from '../domain/incidents.ts';
import { v2IncidentJson, v2UpdateJson, type PageRef } from '../domain/incident-json.ts';
import { html } from '../views/html.ts';
import { emailPage, type EmailContent } from './emails.ts';
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
  return JSON.stringify({
    meta: { unsubscribe: `${links.baseUrl}/subscribe`, documentation: `${links.baseUrl}/documentation#webhooks` },
    page: {
      id: pageId,
      status_indicator: notification.page.indicator,
      status_description: notification.page.description,
    },
    incident,
  });
}

function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
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

function changeLines(notification: IncidentNotification): string[] {
  return notification.changes.map((c) => `${c.service}: ${c.from.replace(/_/g, ' ')} → ${c.to.replace(/_/g, ' ')}`);
}

/** One Slack message per update: name, status, body, status changes, link. */
export function incidentSlackMessage(notification: IncidentNotification, links: NotificationLinks): string {
  const { view, update, url } = parts(notification, links, '');
  const title = slackEscape(headline(notification, view, update?.status));
  const body = slackEscape(update?.body ?? view.incident.postmortemBody ?? '');
  const changes = changeLines(notification).map((l) => `• ${slackEscape(l)}`);
  const text = [`*${title}*`, body, ...changes, `<${url}|View the incident on ${slackEscape(links.siteName)}>`]
    .filter((l) => l !== '')
    .join('\n');
  return JSON.stringify({ text, unfurl_links: false });
}

/** One email per update: name, status, body, status changes, link. */
export function incidentEmail(
  notification: IncidentNotification,
  links: NotificationLinks,
  unsubscribeUrl?: string,
): EmailContent {
  const { view, update, url } = parts(notification, links, '');
  const title = headline(notification, view, update?.status);
  const subject = `[${links.siteName}] ${title}`;
  const body = update?.body ?? view.incident.postmortemBody ?? '';
  const changes = changeLines(notification);
  const when = new Date(update?.displayAt ?? view.incident.updatedAt).toUTCString();
  const text = [
    title,
    '',
    body,
    '',
    ...(changes.length > 0 ? ['Status changes:', ...changes.map((c) => `- ${c}`), ''] : []),
    `Time: ${when}`,
    `Details: ${url}`,
    '',
    '-- ',
    `You get this from ${links.siteName} (${links.baseUrl}/).`,
    ...(unsubscribeUrl ? [`Unsubscribe with one click: ${unsubscribeUrl}`] : []),
    '',
  ].join('\n');
  const htmlBody = html`<h1 style="font-size: 1.3em">${title}</h1>
    <p style="white-space: pre-wrap">${body}</p>
    ${
      changes.length > 0
        ? html`<ul>
            ${changes.map((c) => html`<li>${c}</li>`)}
          </ul>`
        : ''
    }
    <p><strong>Time:</strong> ${when}</p>
    <p><a href="${url}">See the incident on ${links.siteName}</a></p>`;
  const footer = html`You get this from <a href="${links.baseUrl}/">${links.siteName}</a>.${
    unsubscribeUrl ? html` <a href="${unsubscribeUrl}">Unsubscribe</a> with one click.` : ''
  }`;
  return { subject, text, html: emailPage(subject, htmlBody, footer) };
}
