import type { Db } from '../connect.ts';

export type TokenPurpose = 'confirm' | 'unsubscribe';

/** Stores a link token's hash (never the token). */
export async function insertSubscriberTokens(
  db: Db,
  rows: Array<{ tokenHash: string; subscriberId: number; purpose: TokenPurpose; createdAt: number }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('subscriber_tokens')
    .values(
      rows.map((r) => ({
        token_hash: r.tokenHash,
        subscriber_id: r.subscriberId,
        purpose: r.purpose,
        created_at: r.createdAt,
      })),
    )
    .execute();
}

export async function findSubscriberToken(
  db: Db,
  tokenHash: string,
): Promise<{ subscriberId: number; purpose: TokenPurpose; createdAt: number } | undefined> {
  const row = await db
    .selectFrom('subscriber_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return (
    row && { subscriberId: row.subscriber_id, purpose: row.purpose as TokenPurpose, createdAt: Number(row.created_at) }
  );
}

export async function deleteSubscriberTokens(db: Db, subscriberId: number, purpose: TokenPurpose): Promise<void> {
  await db
    .deleteFrom('subscriber_tokens')
    .where('subscriber_id', '=', subscriberId)
    .where('purpose', '=', purpose)
    .execute();
}

/** Forgets tokens of one purpose made before `before` (expired confirmation links). */
export async function pruneSubscriberTokens(db: Db, purpose: TokenPurpose, before: number): Promise<number> {
  const result = await db
    .deleteFrom('subscriber_tokens')
    .where('purpose', '=', purpose)
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
