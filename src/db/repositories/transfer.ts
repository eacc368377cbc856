import type { Db } from '../connect.ts';

/** Whole-table reads and bulk writes for export and import. */
export async function dumpTables(db: Db) {
  const [lists, services, statuses, events, tokens, settings] = await Promise.all([
    db.selectFrom('service_lists').selectAll().orderBy('slug').execute(),
    db.selectFrom('services').selectAll().orderBy('slug').execute(),
    db.selectFrom('statuses').selectAll().orderBy('slug').execute(),
    db.selectFrom('events').selectAll().orderBy('id').execute(),
    db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('settings').selectAll().orderBy('key').execute(),
  ]);
  // Monitoring settings (not their run state, samples or alert states: those start afresh).
  const [automation, checks] = await Promise.all([
    db.selectFrom('service_automation').selectAll().orderBy('service_id').execute(),
    db.selectFrom('checks').selectAll().orderBy('service_id').orderBy('name').execute(),
  ]);
  // Notification channels and subscribers (not the outbox, deliveries or link tokens: see docs/notifications.md).
  const [channels, subscribers] = await Promise.all([
    db.selectFrom('notification_channels').selectAll().orderBy('name').orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('subscribers').selectAll().orderBy('email').execute(),
  ]);
  // Accounts with their password hashes (not sessions, login failures or the audit log).
  const users = await db.selectFrom('users').selectAll().orderBy('email').execute();
  return { lists, services, statuses, events, tokens, settings, automation, checks, channels, subscribers, users };
}

/** Counts rows that make a database "in use" (statuses and settings alone do not). */
export async function countUserData(db: Db): Promise<number> {
  let total = 0;
  for (const table of ['service_lists', 'services', 'events', 'api_tokens', 'users'] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    total += Number(row.n);
  }
  return total;
}

export async function clearSeededData(db: Db): Promise<void> {
  await db.deleteFrom('statuses').execute();
  await db.deleteFrom('settings').execute();
}

export async function slugIds(db: Db, table: 'service_lists' | 'services' | 'statuses'): Promise<Map<string, number>> {
  const rows = await db.selectFrom(table).select(['id', 'slug']).execute();
  return new Map(rows.map((r) => [r.slug, r.id]));
}

export async function insertRows<
  T extends
    | 'service_lists'
    | 'services'
    | 'statuses'
    | 'events'
    | 'api_tokens'
    | 'settings'
    | 'service_automation'
    | 'checks'
    | 'notification_channels'
    | 'subscribers'
    | 'users',
>(db: Db, table: T, rows: Array<Record<string, unknown>>, chunk = 500): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + chunk) as never)
      .execute();
  }
}
