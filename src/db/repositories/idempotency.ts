import type { Db } from '../connect.ts';

export interface StoredAnswer {
  fingerprint: string;
  status: number;
  body: string;
}

export interface IdempotencyScope {
  credential: string;
  method: string;
  path: string;
  key: string;
}

/** The answer first given to this key, if it is younger than `since`. */
export async function findAnswer(db: Db, scope: IdempotencyScope, since: number): Promise<StoredAnswer | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['fingerprint', 'status', 'body'])
    .where('credential', '=', scope.credential)
    .where('method', '=', scope.method)
    .where('path', '=', scope.path)
    .where('key', '=', scope.key)
    .where('created_at', '>=', since)
    .executeTakeFirst();
  return row && { fingerprint: row.fingerprint, status: Number(row.status), body: row.body };
}

/** Stores an answer (replacing one older than the window). */
export async function storeAnswer(db: Db, scope: IdempotencyScope, answer: StoredAnswer, now: number): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('credential', '=', scope.credential)
    .where('method', '=', scope.method)
    .where('path', '=', scope.path)
    .where('key', '=', scope.key)
    .execute();
  await db
    .insertInto('idempotency_keys')
    .values({ ...scope, fingerprint: answer.fingerprint, status: answer.status, body: answer.body, created_at: now })
    .execute();
}

export async function pruneAnswers(db: Db, before: number): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('created_at', '<', before).execute();
}
