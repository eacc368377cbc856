import type { EventNotice } from '../domain/notices.ts';
import type { NoticeLinks } from './webhook-body.ts';

/** Slack's mrkdwn treats &, < and > as control characters: they must be sent as entities. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const LEVEL_MARK: Record<string, string> = {
  NORMAL: ':large_green_circle:',
  WARNING: ':large_yellow_circle:',
  ERROR: ':red_circle:',
  CRITICAL: ':red_circle:',
};

/** A Slack-compatible incoming-webhook body: one readable line with the status and a link. */
export function slackMessage(notice: EventNotice, links: NoticeLinks): string {
  const service = slackEscape(notice.service.name);
  const status = slackEscape(notice.status.name);
  const url = `${links.baseUrl}/services/${encodeURIComponent(notice.service.slug)}`;
  const message = slackEscape(notice.message);
  let headline: string;
  if (notice.topic === 'event.deleted') headline = `An update of *${service}* was withdrawn (it said *${status}*)`;
  else if (notice.informational) headline = `Note on *${service}* (status *${status}*)`;
  else headline = `${LEVEL_MARK[notice.status.level] ?? ''} *${service}* is now *${status}*`.trim();
  const text = `${headline}: ${message}\n<${url}|View ${service} on ${slackEscape(links.siteName)}>`;
  return JSON.stringify({ text, unfurl_links: false });
}
