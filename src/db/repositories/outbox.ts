import type { Db } from '../connect.ts';
import { prepared } from '../prepared.ts';

export interface OutboxEntry {
  id: number;
  topic: string;
  serviceSlug: string;
  informational: boolean;
  subscriberId: number | null;
  payload: string;
  createdAt: number;
}

const insertEntry = prepared(
  (
    db,
    v: { topic: string; slug: string; informational: number; subscriberId: number | null; payload: string; at: number },
  ) =>
    db
      .insertInto('outbox')
      .values({
        topic: v.topic,
        service_slug: v.slug,
        informational: v.informational,
        subscriber_id: v.subscriberId,
        payload: v.payload,
        created_at: v.at,
      })
      .returning('id'),
);

export async function insertOutboxEntry(db: Db, entry: Omit<OutboxEntry, 'id'>): Promise<number> {
  const row = await insertEntry.first(db, {
    topic: entry.topic,
    slug: entry.serviceSlug,
    informational: entry.informational ? 1 : 0,
    subscriberId: entry.subscriberId,
    payload: entry.payload,
    at: entry.createdAt,
  });
  if (!row) throw new Error('the inserted notification returned no id');
  return row.id;
}

const unplanned = prepared((db, v: { limit: number }) =>
  db.selectFrom('outbox').selectAll().where('planned_at', 'is', null).orderBy('id').limit(v.limit),
);

/** Notifications whose deliveries are not written yet, oldest first. */
export async function unplannedEntries(db: Db, limit: number): Promise<OutboxEntry[]> {
  const rows = await unplanned.all(db, { limit });
  return rows.map((r) => ({
    id: r.id,
    topic: r.topic,
    serviceSlug: r.service_slug,
    informational: Number(r.informational) === 1,
    subscriberId: r.subscriber_id,
    payload: r.payload,
    createdAt: Number(r.created_at),
  }));
}

export async function markPlanned(db: Db, ids: readonly number[], now: number): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('outbox').set({ planned_at: now }).where('id', 'in', ids).execute();
}

export async function findOutboxPayloads(
  db: Db,
  ids: number[],
): Promise<Map<number, { topic: string; payload: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('outbox').select(['id', 'topic', 'payload']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, { topic: r.topic, payload: r.payload }]));
}

/**
 * Deletes notifications written before `before` that nothing waits for any more (every delivery
 * delivered or given up); their deliveries and attempts go with them (foreign-key cascade).
 */
export async function pruneSettledEntries(db: Db, before: number): Promise<number> {
  const result = await db
    .deleteFrom('outbox')
    .where('created_at', '<', before)
    .where('planned_at', 'is not', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('deliveries')
            .select('deliveries.id')
            .whereRef('deliveries.outbox_id', '=', 'outbox.id')
            .where('deliveries.state', '=', 'pending'),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
