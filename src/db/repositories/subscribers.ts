import { sql, type Selectable } from 'kysely';
import type { Db } from '../connect.ts';
import { prepared } from '../prepared.ts';
import type { Subscriber } from '../../domain/subscribers.ts';

export type { Subscriber };
import type { SubscribersTable } from '../schema-notifications.ts';

type SubscriberRow = Selectable<SubscribersTable>;

const slugs = (text: string | null): string[] | null => (text === null ? null : (JSON.parse(text) as string[]));
const text = (list: string[] | null): string | null => (list === null ? null : JSON.stringify(list));

function toSubscriber(row: SubscriberRow): Subscriber {
  return {
    id: row.id,
    email: row.email,
    services: slugs(row.services),
    pendingServices: slugs(row.pending_services),
    confirmedAt: row.confirmed_at === null ? null : Number(row.confirmed_at),
    createdAt: Number(row.created_at),
  };
}

export async function findSubscriberByEmail(db: Db, email: string): Promise<Subscriber | undefined> {
  const row = await db.selectFrom('subscribers').selectAll().where('email', '=', email).executeTakeFirst();
  return row && toSubscriber(row);
}

export async function findSubscriber(db: Db, id: number): Promise<Subscriber | undefined> {
  const row = await db.selectFrom('subscribers').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSubscriber(row);
}

export async function allSubscribers(db: Db): Promise<Subscriber[]> {
  const rows = await db.selectFrom('subscribers').selectAll().orderBy('email').execute();
  return rows.map(toSubscriber);
}

/** Creates the subscriber unconfirmed, or records a new pending choice for an existing one. */
export async function upsertPendingSubscriber(
  db: Db,
  email: string,
  pending: string[] | null,
  now: number,
): Promise<number> {
  const existing = await db.selectFrom('subscribers').select('id').where('email', '=', email).executeTakeFirst();
  if (existing) {
    await db
      .updateTable('subscribers')
      .set({ pending_services: text(pending) })
      .where('id', '=', existing.id)
      .execute();
    return existing.id;
  }
  const row = await db
    .insertInto('subscribers')
    .values({ email, services: text(pending), pending_services: text(pending), confirmed_at: null, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function confirmSubscriber(db: Db, id: number, now: number): Promise<void> {
  await db
    .updateTable('subscribers')
    .set({ services: sql`pending_services`, confirmed_at: sql`coalesce(confirmed_at, ${now})` })
    .where('id', '=', id)
    .execute();
}

export async function deleteSubscriber(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('subscribers').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

const confirmedPage = prepared((db, v: { afterId: number; limit: number }) =>
  db
    .selectFrom('subscribers')
    .selectAll()
    .where('confirmed_at', 'is not', null)
    .where('id', '>', v.afterId)
    .orderBy('id')
    .limit(v.limit),
);

/** Confirmed subscribers who want notifications of this service, `after` an id, in pages (for fan-out). */
export async function confirmedSubscriberPage(db: Db, afterId: number, limit: number): Promise<Subscriber[]> {
  const rows = await confirmedPage.all(db, { afterId, limit });
  return rows.map(toSubscriber);
}

export async function insertSubscriberRows(
  db: Db,
  rows: Array<{ email: string; services: string[] | null; confirmedAt: number | null; createdAt: number }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('subscribers')
    .values(
      rows.map((r) => ({
        email: r.email,
        services: text(r.services),
        pending_services: text(r.services),
        confirmed_at: r.confirmedAt,
        created_at: r.createdAt,
      })),
    )
    .execute();
}

/** Sets a confirmed subscriber's services at once (they proved the address by holding its link). */
export async function setSubscriberServices(db: Db, id: number, services: string[] | null): Promise<void> {
  await db
    .updateTable('subscribers')
    .set({ services: text(services), pending_services: text(services) })
    .where('id', '=', id)
    .execute();
}
