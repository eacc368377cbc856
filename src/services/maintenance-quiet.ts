import type { Service, Status, StatusEvent } from '../domain/resources.ts';
import { quietNoteMessage } from '../domain/maintenance.ts';
import { LIMITS } from '../domain/fields.ts';
import { findDefaultStatus } from '../db/repositories/statuses.ts';
import { activeMaintenancesOfService, reportsOf, upsertReport } from '../db/repositories/maintenances.ts';
import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { authorOf } from './context.ts';
import type { WriteScope } from './transaction.ts';
import { writeEvent } from './event-write.ts';

/**
 * §9.2: an automated report on a service under an active maintenance becomes an informational
 * note with the service's current status, written without any notification; the report is kept so the
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

/**
 * A source that reports the status already in force posts nothing (checks and push URLs stop
 * there), yet during a window its word must still replace what it said before: a check that
 * failed and passes again no longer reports a problem when the window ends. `sameSource` picks the
 * earlier reports it replaces (the checks of a service speak as one: their aggregate).
 */
export async function refreshQuietReport(
  trx: Transaction<Schema>,
  author: string,
  service: Service,
  report: { statusSlug: string; message: string; timestamp: number },
  sameSource: (earlier: string) => boolean = (earlier) => earlier === author,
): Promise<void> {
  const [maintenance] = await activeMaintenancesOfService(trx, service.id);
  if (!maintenance) return;
  const earlier = (await reportsOf(trx, maintenance.id)).filter(
    (r) => r.serviceId === service.id && sameSource(r.author) && r.statusSlug !== report.statusSlug,
  );
  for (const r of earlier)
    await upsertReport(trx, {
      ...r,
      statusSlug: report.statusSlug,
      message: report.message,
      reportedAt: report.timestamp,
    });
}
