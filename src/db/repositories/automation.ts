import type { Db } from '../connect.ts';
import type { ServiceAutomationTable } from '../schema-monitoring.ts';
import type { Selectable, Updateable } from 'kysely';
import { defaultAutomation, type ServiceAutomation } from '../../domain/service-automation.ts';
import type { AutomationState } from '../../domain/automation-state.ts';

type Row = Selectable<ServiceAutomationTable>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toAutomation(row: Row): ServiceAutomation {
  return {
    serviceId: row.service_id,
    pushSecretHash: row.push_secret_hash,
    lastPushAt: num(row.last_push_at),
    heartbeatPeriodMs: num(row.heartbeat_period_ms),
    heartbeatState: row.heartbeat_state as AutomationState,
    heartbeatFiredAt: num(row.heartbeat_fired_at),
    statuses: { up: row.status_up, warning: row.status_warning, down: row.status_down },
    policy: {
      recoveryNeedsHuman: Number(row.recovery_needs_human) === 1,
      minChangeIntervalMs: Number(row.min_change_interval_ms),
    },
    lastStatusChangeAt: num(row.last_status_change_at),
    recoveryPendingSince: num(row.recovery_pending_since),
    recoveryPendingStatus: row.recovery_pending_status,
    checksState: row.checks_state as AutomationState | null,
    alertsState: row.alerts_state as AutomationState | null,
    alertsMessage: row.alerts_message,
  };
}

/** The service's automation row, or the defaults when it has none yet. */
export async function findAutomation(db: Db, serviceId: number): Promise<ServiceAutomation> {
  const row = await db
    .selectFrom('service_automation')
    .selectAll()
    .where('service_id', '=', serviceId)
    .executeTakeFirst();
  return row ? toAutomation(row) : defaultAutomation(serviceId);
}

export async function findAutomationByPushHash(db: Db, hash: string): Promise<ServiceAutomation | undefined> {
  const row = await db
    .selectFrom('service_automation')
    .selectAll()
    .where('push_secret_hash', '=', hash)
    .executeTakeFirst();
  return row ? toAutomation(row) : undefined;
}

export type AutomationUpdate = Omit<Updateable<ServiceAutomationTable>, 'service_id'>;

/** Writes fields of the service's automation row, creating the row first if needed. */
export async function updateAutomation(db: Db, serviceId: number, fields: AutomationUpdate): Promise<void> {
  await db
    .insertInto('service_automation')
    .values({ service_id: serviceId })
    .onConflict((oc) => oc.column('service_id').doNothing())
    .execute();
  if (Object.keys(fields).length > 0) {
    await db.updateTable('service_automation').set(fields).where('service_id', '=', serviceId).execute();
  }
}

/**
 * Claims the heartbeats that fell silent by `now`: each is returned to exactly one caller,
 * whichever instance asks first (the row is marked fired in the same statement).
 */
export async function claimSilentHeartbeats(db: Db, now: number): Promise<ServiceAutomation[]> {
  const rows = await db
    .updateTable('service_automation')
    .set({ heartbeat_fired_at: now })
    .where('heartbeat_period_ms', 'is not', null)
    .where('heartbeat_fired_at', 'is', null)
    .where('last_push_at', 'is not', null)
    .where((eb) => eb(eb('last_push_at', '+', eb.ref('heartbeat_period_ms')), '<=', now))
    .returningAll()
    .execute();
  return rows.map(toAutomation);
}

/** All rows, for export. */
export async function allAutomationRows(db: Db): Promise<Row[]> {
  return db.selectFrom('service_automation').selectAll().orderBy('service_id').execute();
}

/** The slug of the service with this id (automation rows and checks refer to services by id). */
export async function serviceSlugById(db: Db, serviceId: number): Promise<string | undefined> {
  const row = await db.selectFrom('services').select('slug').where('id', '=', serviceId).executeTakeFirst();
  return row?.slug;
}

/** Services whose recovery the escalation policy holds for a person, with when and to what. */
export async function heldRecoveries(db: Db): Promise<Array<{ slug: string; since: number; status: string | null }>> {
  const rows = await db
    .selectFrom('service_automation')
    .innerJoin('services', 'services.id', 'service_automation.service_id')
    .select([
      'services.slug as slug',
      'service_automation.recovery_pending_since as since',
      'service_automation.recovery_pending_status as status',
    ])
    .where('service_automation.recovery_pending_since', 'is not', null)
    .execute();
  return rows.map((r) => ({ slug: r.slug, since: Number(r.since), status: r.status }));
}
