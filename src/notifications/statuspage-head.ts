import type { NotificationLinks } from './webhook-body.ts';

/** The first keys of every Statuspage-format webhook body: `meta`, and `page` with the page status right after the change. */
export function statuspageHead(
  links: NotificationLinks,
  pageId: string,
  page: { indicator: string; description: string },
): { meta: { unsubscribe: string; documentation: string }; page: Record<string, string> } {
  return {
    meta: { unsubscribe: `${links.baseUrl}/subscribe`, documentation: `${links.baseUrl}/documentation#webhooks` },
    page: { id: pageId, status_indicator: page.indicator, status_description: page.description },
  };
}
