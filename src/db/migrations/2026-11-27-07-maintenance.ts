import type { Kysely } from 'kysely';

/**
 * Scheduled maintenance lives in `incidents` (kind `maintenance`, 2026-11-27-03). This adds what
 * automation reported on an affected service during a window (§9.2): the latest report per
 * maintenance, service and automated author, re-asserted when the window completes.
 */
export const maintenanceMigration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('maintenance_reports')
      .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
      .addColumn('service_id', 'integer', (c) => c.notNull().references('services.id').onDelete('cascade'))
      // The reporting actor's author string (`check:api-http`, `push`, ...).
      .addColumn('author', 'text', (c) => c.notNull())
      // JSON {kind, name, scope, source}: the actor to post as when the window ends.
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('status_slug', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('reported_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('maintenance_reports_pk', ['incident_id', 'service_id', 'author'])
      .execute();
    await db.schema
      .createIndex('incidents_by_kind_scheduled')
      .on('incidents')
      .columns(['kind', 'scheduled_for'])
      .execute();
  },
};
