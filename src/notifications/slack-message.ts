import type { EventNotification } from '../domain/notifications.ts';
import type { NotificationLinks } from './webhook-body.ts';

/** Slack's mrkdwn treats &, < and > as control characters: they must be sent as entities. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const LEVEL_MARK: Record<string, string> = {
  NORMAL: ':large_green_circle:',
  WARNING: ':large_yellow_circle:',
  ERROR: ':red_circle:',
  CRITICAL: ':red_circle:',
};

/** A Slack-compatible incoming-webhook body: one readable line with the status and a link. */
export function slackMessage(notification: EventNotification, links: NotificationLinks): string {
  const service = slackEscape(notification.service.name);
  const status = slackEscape(notification.status.name);
  const url = `${links.baseUrl}/services/${encodeURIComponent(notification.service.slug)}`;
  const message = slackEscape(notification.message);
  let headline: string;
  if (notification.topic === 'event.deleted')
    headline = `An update of *${service}* was withdrawn (it said *${status}*)`;
  else if (notification.informational) headline = `Note on *${service}* (status *${status}*)`;
  else headline = `${LEVEL_MARK[notification.status.level] ?? ''} *${service}* is now *${status}*`.trim();
  const text = `${headline}: ${message}\n<${url}|View ${service} on ${slackEscape(links.siteName)}>`;
  return JSON.stringify({ text, unfurl_links: false });
}
