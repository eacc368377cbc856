import { html, type Html } from '../views/html.ts';
import type { EventNotification } from '../domain/notifications.ts';
import type { NotificationLinks } from './webhook-body.ts';

/** An email in both forms; headers are added by the sender. */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

export function emailPage(title: string, body: Html, footer: Html): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1f24; max-width: 40em">
${body}
<hr style="border: 0; border-top: 1px solid #ccd">
<p style="font-size: 0.85em; color: #555">${footer}</p>
</body></html>
`.value;
}

function headline(notification: EventNotification): string {
  if (notification.topic === 'event.deleted') return `${notification.service.name}: an update was withdrawn`;
  if (notification.informational) return `${notification.service.name}: note (${notification.status.name})`;
  return `${notification.service.name} is ${notification.status.name}`;
}

/**
 * A notification to one subscriber or an email list. `unsubscribeUrl` is absent for operator
 * lists (they are managed in the admin site, not by their readers).
 */
export function eventEmail(
  notification: EventNotification,
  links: NotificationLinks,
  unsubscribeUrl?: string,
  manageUrl?: string,
): EmailContent {
  const serviceUrl = `${links.baseUrl}/services/${encodeURIComponent(notification.service.slug)}`;
  const when = new Date(notification.timestamp).toUTCString();
  const title = headline(notification);
  const subject = `[${links.siteName}] ${title}`;
  const text = [
    title,
    '',
    notification.message,
    '',
    `Status: ${notification.status.name} (${notification.status.description})`,
    `Time: ${when}`,
    `Details: ${serviceUrl}`,
    '',
    '-- ',
    `You get this from ${links.siteName} (${links.baseUrl}/).`,
    ...(manageUrl ? [`Change your services or leave: ${manageUrl}`] : []),
    ...(unsubscribeUrl ? [`Unsubscribe with one click: ${unsubscribeUrl}`] : []),
    '',
  ].join('\n');
  const body = html`<h1 style="font-size: 1.3em">${title}</h1>
<p>${notification.message}</p>
<p><strong>Status:</strong> ${notification.status.name} — ${notification.status.description}<br>
<strong>Time:</strong> ${when}</p>
<p><a href="${serviceUrl}">See ${notification.service.name} on ${links.siteName}</a></p>`;
  const footer = html`You get this from <a href="${links.baseUrl}/">${links.siteName}</a>.${
    manageUrl ? html` <a href="${manageUrl}">Manage your subscription</a> (change services, or leave).` : ''
  }${unsubscribeUrl ? html` <a href="${unsubscribeUrl}">Unsubscribe</a> with one click.` : ''}`;
  return { subject, text, html: emailPage(subject, body, footer) };
}

/** The double opt-in email: nothing else is sent before its link is opened. */
export function confirmationEmail(
  links: NotificationLinks,
  confirmUrl: string,
  services: string[] | null,
): EmailContent {
  const subject = `[${links.siteName}] Confirm your subscription`;
  const what = services === null ? 'every service' : services.join(', ');
  const text = [
    `Someone (hopefully you) asked to receive status updates of ${links.siteName} by email, for ${what}.`,
    '',
    `To confirm, open this link: ${confirmUrl}`,
    '',
    'If you did not ask for this, ignore this email: nothing will be sent to you.',
    '',
  ].join('\n');
  const body = html`<p>Someone (hopefully you) asked to receive status updates of <a href="${links.baseUrl}/">${links.siteName}</a> by email, for ${what}.</p>
<p><a href="${confirmUrl}">Confirm the subscription</a></p>`;
  const footer = html`If you did not ask for this, ignore this email: nothing will be sent to you.`;
  return { subject, text, html: emailPage(subject, body, footer) };
}

/** The admin's test-send. */
export function testEmail(links: NotificationLinks): EmailContent {
  const subject = `[${links.siteName}] Test email`;
  const text = `This is a test email from ${links.siteName} (${links.baseUrl}/). The SMTP settings work.\n`;
  const body = html`<p>This is a test email from <a href="${links.baseUrl}/">${links.siteName}</a>. The SMTP settings work.</p>`;
  return { subject, text, html: emailPage(subject, body, html``) };
}
