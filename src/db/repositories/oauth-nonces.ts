import type { Db } from '../connect.ts';

/** Records a nonce; returns false when the same (consumer, nonce, timestamp) was seen before. */
export async function rememberNonce(
  db: Db,
  entry: { consumerKey: string; nonce: string; timestamp: number; seenAt: number },
): Promise<boolean> {
  const result = await db
    .insertInto('oauth_nonces')
    .values({ consumer_key: entry.consumerKey, nonce: entry.nonce, timestamp: entry.timestamp, seen_at: entry.seenAt })
    .onConflict((oc) => oc.columns(['consumer_key', 'nonce', 'timestamp']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function forgetNoncesSeenBefore(db: Db, before: number): Promise<void> {
  await db.deleteFrom('oauth_nonces').where('seen_at', '<', before).execute();
}
