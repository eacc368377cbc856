import type { Kysely } from 'kysely';

/**
 * Display order chosen by admins: lists among lists, services within their list (or among
 * services without a list). 0 everywhere means "no order set": names sort as before.
 */
export const displayOrderMigration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .alterTable('service_lists')
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('services')
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
