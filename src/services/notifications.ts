import type { Db } from '../db/connect.ts';
import { insertOutboxEntry } from '../db/repositories/outbox.ts';
import type { EventNotification, IncidentNotification } from '../domain/notifications.ts';
import type { Service, StatusEvent } from '../domain/resources.ts';
import type { MaintenanceNotification } from '../domain/maintenance.ts';
import type { IncidentUpdate, IncidentView } from '../domain/incidents.ts';
import { pageStatusNow } from './component-notifications.ts';

/**
 * Writes the notification of an event change to the outbox, inside the caller's transaction: the
 * notification exists exactly when the change committed. The delivery worker does the rest.
 */
export async function recordEventNotification(
  trx: Db,
  topic: EventNotification['topic'],
  event: StatusEvent,
  service: { slug: string; name: string },
  now: number,
  incident: EventNotification['incident'] = null,
): Promise<void> {
  const notification: EventNotification = {
    topic,
    sid: event.sid,
    service: { slug: service.slug, name: service.name },
    status: {
      slug: event.status.slug,
      name: event.status.name,
      description: event.status.description,
      level: event.status.level,
      image: event.status.image,
    },
    message: event.message,
    informational: event.informational,
    timestamp: event.timestamp,
    incident,
  };
  await insertOutboxEntry(trx, {
    topic,
    serviceSlug: service.slug,
    informational: event.informational,
    subscriberId: null,
    payload: JSON.stringify(notification),
    createdAt: now,
  });
}

/**
 * Writes an incident notification (§11) in the caller's transaction: one per update, resolution or
 * postmortem; recipients are planned by the delivery worker.
 */
export async function recordIncidentNotification(
  trx: Db,
  topic: IncidentNotification['topic'],
  view: IncidentView<Service>,
  update: IncidentUpdate | null,
  now: number,
): Promise<void> {
  // Under the maintenance overlay, as the page shows it.
  const { page } = await pageStatusNow(trx);
  const names = new Map(view.services.map((s) => [s.slug, s.name]));
  const changes = (update?.events ?? []).map((e) => {
    const row = update!.affectedComponents?.find((a) => a.name === names.get(e.service));
    return { service: names.get(e.service) ?? e.service, from: row?.old_status ?? '', to: row?.new_status ?? '' };
  });
  const notification: IncidentNotification = {
    topic,
    view,
    updateId: update?.id ?? null,
    services: view.services.map((s) => s.slug),
    page,
    changes,
  };
  await recordUpdateNotification(trx, notification, now);
}

/**
 * Writes the notification of an incident's or a maintenance's update to the outbox: about the
 * whole page (no one service, never a note); the affected services it names filter recipients.
 */
export async function recordUpdateNotification(
  trx: Db,
  notification: IncidentNotification | MaintenanceNotification,
  now: number,
): Promise<void> {
  await insertOutboxEntry(trx, {
    topic: notification.topic,
    serviceSlug: '',
    informational: false,
    subscriberId: null,
    payload: JSON.stringify(notification),
    createdAt: now,
  });
}
