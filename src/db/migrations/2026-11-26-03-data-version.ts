import type { Kysely } from 'kysely';

/**
 * A single-row counter that every committed write increments, so any instance can tell
 * with one cheap read whether its caches may be stale (see src/changes/freshness.ts).
 */
export const dataVersionMigration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('data_version')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .execute();
    await db.insertInto('data_version').values({ id: 1, version: 0 }).execute();
  },
};
