import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { publicIdFrom } from '../../domain/public-id.ts';
import { defaultComponentStatus } from '../../domain/component-status.ts';
import { isLevel } from '../../domain/levels.ts';

/**
 * Statuspage v2 (contract §2, §7.3): every status gets a component status (the seeded `down`
 * at ERROR becomes a major outage, every other status its level's default), services and
 * lists get their 12-character v2 ids and an edit time, and the page gets its id.
 */
export const componentStatusAndIdsMigration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .alterTable('statuses')
      .addColumn('component_status', 'text', (c) => c.notNull().defaultTo('operational'))
      .execute();
    // When the component status last changed (a component's updated_at reads it); 0: never since creation.
    await db.schema
      .alterTable('statuses')
      .addColumn('component_status_at', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    const statuses = await db.selectFrom('statuses').select(['id', 'slug', 'level']).execute();
    for (const s of statuses as Array<{ id: number; slug: string; level: string }>) {
      const componentStatus =
        s.slug === 'down' && s.level === 'ERROR'
          ? 'major_outage'
          : isLevel(s.level)
            ? defaultComponentStatus(s.level)
            : 'operational';
      await db.updateTable('statuses').set({ component_status: componentStatus }).where('id', '=', s.id).execute();
    }

    for (const table of ['services', 'service_lists'] as const) {
      await db.schema.alterTable(table).addColumn('component_id', 'text').execute();
      await db.schema
        .alterTable(table)
        .addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      const rows = (await db.selectFrom(table).select(['id', 'created_at']).execute()) as Array<{
        id: number;
        created_at: number;
      }>;
      for (const row of rows) {
        await db
          .updateTable(table)
          .set({ component_id: publicIdFrom(randomBytes), updated_at: row.created_at })
          .where('id', '=', row.id)
          .execute();
      }
      await db.schema.createIndex(`${table}_by_component_id`).on(table).column('component_id').unique().execute();
    }
  },
};
