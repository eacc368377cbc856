import type { EventNotice } from '../domain/notices.ts';
import { statusImagePath } from '../domain/status-images.ts';

/** Where links in a notice point. */
export interface NoticeLinks {
  siteName: string;
  /** The public base URL, without a trailing slash. */
  baseUrl: string;
}

/**
 * The generic webhook's JSON body (documented in docs/notifications.md). Built only from the
 * frozen notice, so every attempt of a delivery sends the same bytes.
 */
export function webhookBody(
  notice: EventNotice,
  delivery: { id: string; noticeId: number },
  links: NoticeLinks,
): string {
  const serviceUrl = `${links.baseUrl}/services/${encodeURIComponent(notice.service.slug)}`;
  return JSON.stringify({
    type: notice.topic,
    delivery: delivery.id,
    notice: delivery.noticeId,
    site: { name: links.siteName, url: `${links.baseUrl}/` },
    service: { id: notice.service.slug, name: notice.service.name, url: serviceUrl },
    event: {
      sid: notice.sid,
      message: notice.message,
      timestamp: new Date(notice.timestamp).toUTCString(),
      time: new Date(notice.timestamp).toISOString(),
      informational: notice.informational,
      status: {
        id: notice.status.slug,
        name: notice.status.name,
        description: notice.status.description,
        level: notice.status.level,
        image: `${links.baseUrl}${statusImagePath(notice.status.image)}`,
      },
      url: `${links.baseUrl}/api/v1/services/${encodeURIComponent(notice.service.slug)}/events/${encodeURIComponent(notice.sid)}`,
      incident: notice.incident
        ? { ...notice.incident, url: `${links.baseUrl}/incidents/${notice.incident.id}` }
        : null,
    },
  });
}
