import { sql } from 'kysely';
import type { Db, Dialect } from '../connect.ts';

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

/**
 * Locks the keys' counts (creating missing ones at zero) until the transaction ends, so
 * concurrent attempts on one key take turns: each reads the count the previous one left.
 * PostgreSQL locks the rows; SQLite runs one write transaction at a time anyway.
 */
export async function lockFailures(db: Db, dialect: Dialect, keys: string[]): Promise<FailureCount[]> {
  const sorted = [...new Set(keys)].sort();
  if (sorted.length === 0) return [];
  await db
    .insertInto('login_failures')
    .values(sorted.map((key) => ({ key, failures: 0, last_failure_at: 0 })))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  let query = db.selectFrom('login_failures').selectAll().where('key', 'in', sorted).orderBy('key');
  if (dialect === 'postgres') query = query.forUpdate();
  const rows = await query.execute();
  return rows.map((r) => ({ key: r.key, failures: Number(r.failures), lastFailureAt: Number(r.last_failure_at) }));
}

/** Gives back one attempt that was reserved as a failure but turned out right. */
export async function releaseFailure(db: Db, key: string): Promise<void> {
  await db
    .updateTable('login_failures')
    .set({ failures: sql<number>`case when failures > 0 then failures - 1 else 0 end` })
    .where('key', '=', key)
    .execute();
}
