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

/** What a use case changes of a service's automation, in the domain's words (every field optional). */
export interface AutomationChange {
  pushSecretHash?: string | null;
  lastPushAt?: number | null;
  heartbeatPeriodMs?: number | null;
  heartbeatState?: AutomationState;
  heartbeatFiredAt?: number | null;
  statuses?: Partial<Record<AutomationState, string>>;
  recoveryNeedsHuman?: boolean;
  minChangeIntervalMs?: number;
  lastStatusChangeAt?: number | null;
  recoveryPendingSince?: number | null;
  recoveryPendingStatus?: string | null;
  checksState?: AutomationState | null;
  alertsState?: AutomationState | null;
  alertsMessage?: string | null;
}

function toColumns(change: AutomationChange): Omit<Updateable<ServiceAutomationTable>, 'service_id'> {
  const columns: Omit<Updateable<ServiceAutomationTable>, 'service_id'> = {};
  // The plaintext secret column of older databases is cleared whenever the hash is written.
  if (change.pushSecretHash !== undefined)
    Object.assign(columns, { push_secret: null, push_secret_hash: change.pushSecretHash });
  if (change.lastPushAt !== undefined) columns.last_push_at = change.lastPushAt;
  if (change.heartbeatPeriodMs !== undefined) columns.heartbeat_period_ms = change.heartbeatPeriodMs;
  if (change.heartbeatState !== undefined) columns.heartbeat_state = change.heartbeatState;
  if (change.heartbeatFiredAt !== undefined) columns.heartbeat_fired_at = change.heartbeatFiredAt;
  if (change.statuses?.up !== undefined) columns.status_up = change.statuses.up;
  if (change.statuses?.warning !== undefined) columns.status_warning = change.statuses.warning;
  if (change.statuses?.down !== undefined) columns.status_down = change.statuses.down;
  if (change.recoveryNeedsHuman !== undefined) columns.recovery_needs_human = change.recoveryNeedsHuman ? 1 : 0;
  if (change.minChangeIntervalMs !== undefined) columns.min_change_interval_ms = change.minChangeIntervalMs;
  if (change.lastStatusChangeAt !== undefined) columns.last_status_change_at = change.lastStatusChangeAt;
  if (change.recoveryPendingSince !== undefined) columns.recovery_pending_since = change.recoveryPendingSince;
  if (change.recoveryPendingStatus !== undefined) columns.recovery_pending_status = change.recoveryPendingStatus;
  if (change.checksState !== undefined) columns.checks_state = change.checksState;
  if (change.alertsState !== undefined) columns.alerts_state = change.alertsState;
  if (change.alertsMessage !== undefined) columns.alerts_message = change.alertsMessage;
  return columns;
}

/** Writes fields of the service's automation row, creating the row first if needed. */
export async function updateAutomation(db: Db, serviceId: number, change: AutomationChange): Promise<void> {
  const columns = toColumns(change);
  const nothingToSet = Object.keys(columns).length === 0;
  await db
    .insertInto('service_automation')
    .values({ ...columns, service_id: serviceId })
    .onConflict((oc) =>
      nothingToSet ? oc.column('service_id').doNothing() : oc.column('service_id').doUpdateSet(columns),
    )
    .execute();
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
