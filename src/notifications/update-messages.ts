import { html } from '../views/html.ts';
import { emailPage, type EmailContent } from './emails.ts';
import { slackEscape } from './slack-message.ts';
import type { NotificationLinks } from './webhook-body.ts';

/** What one update of an incident or a maintenance tells people, by Slack or by email. */
export interface UpdateMessage {
  /** What the link shows: `incident` or `maintenance`. */
  noun: string;
  title: string;
  /** The maintenance window, a line of its own under the title. */
  window?: string;
  body: string;
  /** Status changes of the update, by service name. */
  changes: ReadonlyArray<{ service: string; from: string; to: string }>;
  /** When the update is shown (incidents). */
  when?: string;
  url: string;
}

function changeLines(changes: UpdateMessage['changes']): string[] {
  return changes.map((c) => `${c.service}: ${c.from.replace(/_/g, ' ')} → ${c.to.replace(/_/g, ' ')}`);
}

/** One Slack message: title, window, body, status changes, link; empty lines left out. */
export function updateSlackMessage(message: UpdateMessage, links: NotificationLinks): string {
  const lines = [
    `*${slackEscape(message.title)}*`,
    ...(message.window === undefined ? [] : [slackEscape(message.window)]),
    slackEscape(message.body),
    ...changeLines(message.changes).map((l) => `• ${slackEscape(l)}`),
    `<${message.url}|View the ${message.noun} on ${slackEscape(links.siteName)}>`,
  ];
  return JSON.stringify({ text: lines.filter((l) => l !== '').join('\n'), unfurl_links: false });
}

/** One email, text and HTML: title, window, body, status changes, time, link, and the unsubscribe footer. */
export function updateEmail(message: UpdateMessage, links: NotificationLinks, unsubscribeUrl?: string): EmailContent {
  const { title, window, body, when, url } = message;
  const subject = `[${links.siteName}] ${title}`;
  const changes = changeLines(message.changes);
  const text = [
    title,
    ...(window === undefined ? [] : [window]),
    '',
    body,
    '',
    ...(changes.length > 0 ? ['Status changes:', ...changes.map((c) => `- ${c}`), ''] : []),
    ...(when === undefined ? [] : [`Time: ${when}`]),
    `Details: ${url}`,
    '',
    '-- ',
    `You get this from ${links.siteName} (${links.baseUrl}/).`,
    ...(unsubscribeUrl ? [`Unsubscribe with one click: ${unsubscribeUrl}`] : []),
    '',
  ].join('\n');
  const htmlBody = html`<h1 style="font-size: 1.3em">${title}</h1>
    ${
      window === undefined
        ? ''
        : html`<p>${window}</p>
    `
    }<p style="white-space: pre-wrap">${body}</p>
    ${
      changes.length > 0
        ? html`<ul>
            ${changes.map((c) => html`<li>${c}</li>`)}
          </ul>`
        : ''
    }
    ${
      when === undefined
        ? ''
        : html`<p><strong>Time:</strong> ${when}</p>
    `
    }<p><a href="${url}">See the ${message.noun} on ${links.siteName}</a></p>`;
  const footer = html`You get this from <a href="${links.baseUrl}/">${links.siteName}</a>.${
    unsubscribeUrl ? html` <a href="${unsubscribeUrl}">Unsubscribe</a> with one click.` : ''
  }`;
  return { subject, text, html: emailPage(subject, htmlBody, footer) };
}
