import type { EventNotification } from '../domain/notifications.ts';
import { statusImagePath } from '../domain/status-images.ts';

/** Where links in a notification point. */
export interface NotificationLinks {
  siteName: string;
  /** The public base URL, without a trailing slash. */
  baseUrl: string;
}

/**
 * The generic webhook's JSON body (documented in docs/notifications.md). Built only from the
 * frozen notification, so every attempt of a delivery sends the same bytes.
 */
export function webhookBody(
  notification: EventNotification,
  delivery: { id: string; notificationId: number },
  links: NotificationLinks,
): string {
  const serviceUrl = `${links.baseUrl}/services/${encodeURIComponent(notification.service.slug)}`;
  return JSON.stringify({
    type: notification.topic,
    delivery: delivery.id,
    notice: delivery.notificationId,
    site: { name: links.siteName, url: `${links.baseUrl}/` },
    service: { id: notification.service.slug, name: notification.service.name, url: serviceUrl },
    event: {
      sid: notification.sid,
      message: notification.message,
      timestamp: new Date(notification.timestamp).toUTCString(),
      time: new Date(notification.timestamp).toISOString(),
      informational: notification.informational,
      status: {
        id: notification.status.slug,
        name: notification.status.name,
        description: notification.status.description,
        level: notification.status.level,
        image: `${links.baseUrl}${statusImagePath(notification.status.image)}`,
      },
      url: `${links.baseUrl}/api/v1/services/${encodeURIComponent(notification.service.slug)}/events/${encodeURIComponent(notification.sid)}`,
      incident: notification.incident
        ? { ...notification.incident, url: `${links.baseUrl}/incidents/${notification.incident.id}` }
        : null,
    },
  });
}
