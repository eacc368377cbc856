import * as events from '../db/repositories/events.ts';
import { linkEvent } from '../db/repositories/incidents.ts';
import type { Status, StatusEvent } from '../domain/resources.ts';
import { authorOf } from './context.ts';
import type { WriteScope } from './transaction.ts';

/**
 * Writes one event: the only place an event row is inserted (posted by a person, a token,
 * automation, an incident or a maintenance). It records the change notice; the caller decides
 * on the escalation policy and on notifications, which differ by who posts.
 */
export async function writeEvent(
  scope: WriteScope,
  service: { id: number; slug: string },
  fields: { status: Status; message: string; informational: boolean; timestamp: number },
  incident?: { id: string; name: string; kind: 'incident' | 'maintenance' },
): Promise<StatusEvent> {
  const sid = scope.ctx.ids.eventSid();
  const author = authorOf(scope.actor);
  const id = await events.insertEvent(scope.trx, {
    sid,
    serviceId: service.id,
    statusId: fields.status.id,
    message: fields.message,
    informational: fields.informational,
    timestamp: fields.timestamp,
    author,
    authorScope: scope.actor.scope,
  });
  if (incident) await linkEvent(scope.trx, id, incident.id);
  scope.changes.push({ topic: 'event', action: 'created', slug: service.slug, sid });
  return {
    id,
    sid,
    serviceId: service.id,
    serviceSlug: service.slug,
    author,
    authorScope: scope.actor.scope,
    ...fields,
  };
}
