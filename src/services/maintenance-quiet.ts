import type { Service, Status, StatusEvent } from '../domain/resources.ts';
import { quietNoteMessage } from '../domain/maintenance.ts';
import { LIMITS } from '../domain/fields.ts';
import { findDefaultStatus } from '../db/repositories/statuses.ts';
import { activeMaintenancesOfService, upsertReport } from '../db/repositories/maintenances.ts';
import { authorOf } from './context.ts';
import type { WriteScope } from './transaction.ts';
import { writeEvent } from './event-write.ts';

/**
 * §9.2: an automated report on a service under an active maintenance becomes an informational
 * note with the service's current status, written without any notice; the report is kept so the
 * window's completion can post it if it still stands. Undefined when no window covers the service.
 */
export async function quietDuringMaintenance(
  scope: WriteScope,
  service: Service,
  requested: { status: Status; message: string },
  timestamp: number,
): Promise<{ outcome: 'noted'; event: StatusEvent } | undefined> {
  const { actor, trx } = scope;
  const [maintenance] = await activeMaintenancesOfService(trx, service.id);
  if (!maintenance) return undefined;
  const author = authorOf(actor);
  const current = service.currentEvent?.status ?? (await findDefaultStatus(trx)) ?? requested.status;
  const message = quietNoteMessage(maintenance.name, author, requested.status.name, requested.message, LIMITS.message);
  const event = await writeEvent(scope, service, { status: current, message, informational: true, timestamp });
  await upsertReport(trx, {
    maintenanceId: maintenance.id,
    serviceId: service.id,
    author,
    actor: { kind: actor.kind, name: actor.name, scope: actor.scope },
    statusSlug: requested.status.slug,
    message: requested.message,
    reportedAt: timestamp,
  });
  return { outcome: 'noted', event };
}
