import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Change } from '../changes/bus.ts';
import type { Service, Status, StatusEvent } from '../domain/resources.ts';
import { quietNoteMessage } from '../domain/maintenance.ts';
import { LIMITS } from '../domain/fields.ts';
import { insertEvent } from '../db/repositories/events.ts';
import { findDefaultStatus } from '../db/repositories/statuses.ts';
import { activeMaintenancesOfService, upsertReport } from '../db/repositories/maintenances.ts';
import { type Actor, type Context, authorOf } from './context.ts';

/**
 * §9.2: an automated report on a service under an active maintenance becomes an informational
 * note with the service's current status, written without any notice; the report is kept so the
 * window's completion can post it if it still stands. Undefined when no window covers the service.
 */
export async function quietDuringMaintenance(
  trx: Transaction<Schema>,
  changes: Change[],
  ctx: Context,
  actor: Actor,
  service: Service,
  requested: { status: Status; message: string },
  timestamp: number,
): Promise<{ outcome: 'noted'; event: StatusEvent } | undefined> {
  const [maintenance] = await activeMaintenancesOfService(trx, service.id);
  if (!maintenance) return undefined;
  const author = authorOf(actor);
  const current = service.currentEvent?.status ?? (await findDefaultStatus(trx)) ?? requested.status;
  const message = quietNoteMessage(maintenance.name, author, requested.status.name, requested.message, LIMITS.message);
  const sid = ctx.ids.eventSid();
  const id = await insertEvent(trx, {
    sid,
    serviceId: service.id,
    statusId: current.id,
    message,
    informational: true,
    timestamp,
    author,
    authorScope: actor.scope,
  });
  changes.push({ topic: 'event', action: 'created', slug: service.slug, sid });
  await upsertReport(trx, {
    maintenanceId: maintenance.id,
    serviceId: service.id,
    author,
    actor: { kind: actor.kind, name: actor.name, scope: actor.scope },
    statusSlug: requested.status.slug,
    message: requested.message,
    reportedAt: timestamp,
  });
  return {
    outcome: 'noted',
    event: {
      id,
      sid,
      serviceId: service.id,
      serviceSlug: service.slug,
      message,
      informational: true,
      timestamp,
      status: current,
      author,
    },
  };
}
