import type { Selectable } from 'kysely';
import type { Db } from '../connect.ts';
import type { ChecksTable } from '../schema-monitoring.ts';
import type { Check, CheckSpec } from '../../domain/check-rules.ts';

export type { Check };
import type { AutomationState } from '../../domain/automation-state.ts';

type Row = Selectable<ChecksTable>;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toCheck(row: Row): Check {
  return {
    id: row.id,
    serviceId: row.service_id,
    name: row.name,
    kind: row.kind,
    target: row.target,
    expectedStatuses: row.expected_statuses,
    keyword: row.keyword,
    keywordAbsent: Number(row.keyword_absent) === 1,
    latencyWarningMs: num(row.latency_warning_ms),
    intervalMs: Number(row.interval_ms),
    timeoutMs: Number(row.timeout_ms),
    failureThreshold: Number(row.failure_threshold),
    enabled: Number(row.enabled) === 1,
    leaseUntil: Number(row.lease_until),
    consecutiveFailures: Number(row.consecutive_failures),
    lastResult: row.last_result,
    lastMessage: row.last_message,
    lastCheckedAt: num(row.last_checked_at),
    lastLatencyMs: num(row.last_latency_ms),
    effectiveState: row.effective_state,
    createdAt: Number(row.created_at),
  };
}

function specColumns(spec: CheckSpec) {
  return {
    name: spec.name,
    kind: spec.kind,
    target: spec.target,
    expected_statuses: spec.expectedStatuses,
    keyword: spec.keyword,
    keyword_absent: spec.keywordAbsent ? 1 : 0,
    latency_warning_ms: spec.latencyWarningMs,
    interval_ms: spec.intervalMs,
    timeout_ms: spec.timeoutMs,
    failure_threshold: spec.failureThreshold,
  };
}

export async function checksOfService(db: Db, serviceId: number): Promise<Check[]> {
  const rows = await db.selectFrom('checks').selectAll().where('service_id', '=', serviceId).orderBy('name').execute();
  return rows.map(toCheck);
}

export async function findCheck(db: Db, serviceId: number, name: string): Promise<Check | undefined> {
  const row = await db
    .selectFrom('checks')
    .selectAll()
    .where('service_id', '=', serviceId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row && toCheck(row);
}

export async function insertCheck(
  db: Db,
  serviceId: number,
  spec: CheckSpec,
  enabled: boolean,
  createdAt: number,
): Promise<void> {
  await db
    .insertInto('checks')
    .values({
      service_id: serviceId,
      ...specColumns(spec),
      enabled: enabled ? 1 : 0,
      created_at: createdAt,
      lease_until: 0,
    })
    .execute();
}

/** Replaces a check's settings; its run state starts over (the old results judged another spec). */
export async function updateCheck(db: Db, id: number, spec: CheckSpec, enabled: boolean): Promise<void> {
  await db
    .updateTable('checks')
    .set({
      ...specColumns(spec),
      enabled: enabled ? 1 : 0,
      lease_until: 0,
      consecutive_failures: 0,
      effective_state: null,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteCheck(db: Db, id: number): Promise<void> {
  await db.deleteFrom('check_samples').where('check_id', '=', id).execute();
  await db.deleteFrom('checks').where('id', '=', id).execute();
}

/**
 * Claims every enabled check due at `now` by moving its lease one interval ahead, in one
 * statement: across instances sharing the database, each due check goes to exactly one.
 */
export async function claimDueChecks(db: Db, now: number, limit = 100): Promise<Check[]> {
  const due = db
    .selectFrom('checks')
    .select('id')
    .where('enabled', '=', 1)
    .where('lease_until', '<=', now)
    .orderBy('lease_until')
    .limit(limit);
  const rows = await db
    .updateTable('checks')
    .set((eb) => ({ lease_until: eb(eb.cast<number>(eb.val(now), 'bigint'), '+', eb.ref('interval_ms')) }))
    .where('id', 'in', due)
    .where('lease_until', '<=', now)
    .returningAll()
    .execute();
  return rows.map(toCheck);
}

export async function recordCheckRun(
  db: Db,
  id: number,
  run: {
    at: number;
    result: AutomationState;
    message: string;
    latencyMs: number | null;
    consecutiveFailures: number;
    effective: AutomationState | null;
  },
): Promise<void> {
  await db
    .updateTable('checks')
    .set({
      last_checked_at: run.at,
      last_result: run.result,
      last_message: run.message,
      last_latency_ms: run.latencyMs,
      consecutive_failures: run.consecutiveFailures,
      effective_state: run.effective,
    })
    .where('id', '=', id)
    .execute();
}

export async function allCheckRows(db: Db): Promise<Row[]> {
  return db.selectFrom('checks').selectAll().orderBy('service_id').orderBy('name').execute();
}
