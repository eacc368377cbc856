import { sql } from 'kysely';
import type { Db } from '../connect.ts';

export interface FailureCount {
  key: string;
  failures: number;
  lastFailureAt: number;
}

export async function findFailures(db: Db, keys: string[]): Promise<FailureCount[]> {
  if (keys.length === 0) return [];
  const rows = await db.selectFrom('login_failures').selectAll().where('key', 'in', keys).execute();
  return rows.map((r) => ({ key: r.key, failures: Number(r.failures), lastFailureAt: Number(r.last_failure_at) }));
}

/**
 * Counts one more failure for the key, atomically (instances may count at once); a count
 * whose last failure is older than `windowStart` starts again from one.
 */
export async function recordFailure(db: Db, key: string, now: number, windowStart: number): Promise<void> {
  await db
    .insertInto('login_failures')
    .values({ key, failures: 1, last_failure_at: now })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql<number>`case when login_failures.last_failure_at < ${windowStart} then 1 else login_failures.failures + 1 end`,
        last_failure_at: now,
      }),
    )
    .execute();
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom('login_failures').where('key', '=', key).execute();
}

export async function forgetFailuresBefore(db: Db, before: number): Promise<void> {
  await db.deleteFrom('login_failures').where('last_failure_at', '<', before).execute();
}
