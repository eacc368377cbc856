import type { IncidentNotice } from '../domain/notices.ts';
import type { Service } from '../domain/resources.ts';
import { STATUS_LABELS, type IncidentView } from '../domain/incidents.ts';
import { v2IncidentJson, v2UpdateJson, type PageRef } from '../domain/incident-json.ts';
import { html } from '../views/html.ts';
import { emailPage, type EmailContent } from './emails.ts';
import type { NoticeLinks } from './webhook-body.ts';

/** Renders of an incident notice (§11). Built only from the frozen notice: every attempt sends the same bytes. */

function parts(notice: IncidentNotice, links: NoticeLinks, pageId: string) {
  const view = notice.view as IncidentView<Service>;
  const page: PageRef = { id: pageId, url: links.baseUrl };
  const incident = v2IncidentJson(view, page);
  const update = notice.updateId === null ? null : (view.updates.find((u) => u.id === notice.updateId) ?? null);
  return { view, incident, update, url: `${links.baseUrl}/incidents/${view.incident.id}` };
}

/** The Stashboard webhook body: `{"type","delivery","notice","site","incident","update"}`. */
export function incidentWebhookBody(
  notice: IncidentNotice,
  delivery: { id: string; noticeId: number },
  links: NoticeLinks,
  pageId: string,
): string {
  const { view, incident, update } = parts(notice, links, pageId);
  return JSON.stringify({
    type: notice.topic,
    delivery: delivery.id,
    notice: delivery.noticeId,
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
export function statuspageIncidentBody(notice: IncidentNotice, links: NoticeLinks, pageId: string): string {
  const { incident } = parts(notice, links, pageId);
  return JSON.stringify({
    meta: { unsubscribe: `${links.baseUrl}/subscribe`, documentation: `${links.baseUrl}/documentation#webhooks` },
    page: { id: pageId, status_indicator: notice.page.indicator, status_description: notice.page.description },
    incident,
  });
}

function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function headline(notice: IncidentNotice, view: IncidentView<Service>, updateStatus: string | undefined): string {
  const status = STATUS_LABELS[view.incident.status];
  if (notice.topic === 'incident.created') return `New incident: ${view.incident.name} (${status})`;
  if (notice.updateId === null) return `Postmortem: ${view.incident.name}`;
  return `${view.incident.name}: ${updateStatus ? STATUS_LABELS[updateStatus as keyof typeof STATUS_LABELS] : status}`;
}

function changeLines(notice: IncidentNotice): string[] {
  return notice.changes.map((c) => `${c.service}: ${c.from.replace(/_/g, ' ')} → ${c.to.replace(/_/g, ' ')}`);
}

/** One Slack message per update: name, status, body, status changes, link. */
export function incidentSlackMessage(notice: IncidentNotice, links: NoticeLinks): string {
  const { view, update, url } = parts(notice, links, '');
  const title = slackEscape(headline(notice, view, update?.status));
  const body = slackEscape(update?.body ?? view.incident.postmortemBody ?? '');
  const changes = changeLines(notice).map((l) => `• ${slackEscape(l)}`);
  const text = [`*${title}*`, body, ...changes, `<${url}|View the incident on ${slackEscape(links.siteName)}>`]
    .filter((l) => l !== '')
    .join('\n');
  return JSON.stringify({ text, unfurl_links: false });
}

/** One email per update: name, status, body, status changes, link. */
export function incidentEmail(notice: IncidentNotice, links: NoticeLinks, unsubscribeUrl?: string): EmailContent {
  const { view, update, url } = parts(notice, links, '');
  const title = headline(notice, view, update?.status);
  const subject = `[${links.siteName}] ${title}`;
  const body = update?.body ?? view.incident.postmortemBody ?? '';
  const changes = changeLines(notice);
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
