import type { Db } from '../connect.ts';

/** Records a subscription request under each key (an address, an email) and counts each key's requests since `since`. */
export async function recordSubscriptionRequest(
  db: Db,
  keys: string[],
  now: number,
  since: number,
): Promise<Map<string, number>> {
  await db.deleteFrom('subscription_requests').where('at', '<', since).execute();
  await db
    .insertInto('subscription_requests')
    .values(keys.map((key) => ({ key, at: now })))
    .execute();
  const rows = await db
    .selectFrom('subscription_requests')
    .select(['key', (eb) => eb.fn.countAll<number>().as('n')])
    .where('key', 'in', keys)
    .where('at', '>=', since)
    .groupBy('key')
    .execute();
  return new Map(rows.map((r) => [r.key, Number(r.n)]));
}
