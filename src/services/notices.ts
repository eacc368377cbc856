import type { Db } from '../db/connect.ts';
import { insertOutboxEntry } from '../db/repositories/outbox.ts';
import type { EventNotice } from '../domain/notices.ts';
import type { StatusEvent } from '../domain/resources.ts';

/**
 * Writes the notice of an event change to the outbox, inside the caller's transaction: the
 * notice exists exactly when the change committed. The delivery worker does the rest.
 */
export async function recordEventNotice(
  trx: Db,
  topic: EventNotice['topic'],
  event: StatusEvent,
  service: { slug: string; name: string },
  now: number,
): Promise<void> {
  const notice: EventNotice = {
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
  };
  await insertOutboxEntry(trx, {
    topic,
    serviceSlug: service.slug,
    informational: event.informational,
    subscriberId: null,
    payload: JSON.stringify(notice),
    createdAt: now,
  });
}
