import type { Db } from '../connect.ts';
import type { AutomationState } from '../../domain/automation-state.ts';

export interface CheckSample {
  checkId: number;
  at: number;
  result: AutomationState;
  latencyMs: number | null;
}

export async function insertSample(db: Db, sample: CheckSample): Promise<void> {
  await db
    .insertInto('check_samples')
    .values({ check_id: sample.checkId, at: sample.at, result: sample.result, latency_ms: sample.latencyMs })
    .execute();
}

/** Samples of the given checks since `from`, oldest first. */
export async function samplesSince(db: Db, checkIds: number[], from: number): Promise<CheckSample[]> {
  if (checkIds.length === 0) return [];
  const rows = await db
    .selectFrom('check_samples')
    .select(['check_id', 'at', 'result', 'latency_ms'])
    .where('check_id', 'in', checkIds)
    .where('at', '>=', from)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    checkId: r.check_id,
    at: Number(r.at),
    result: r.result as AutomationState,
    latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
  }));
}

/** Deletes samples older than `before`; returns how many went. */
export async function deleteSamplesBefore(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('check_samples').where('at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
