import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../connect.ts';
import type { Schema } from '../schema.ts';
import { mergeSiteSettings, SITE_DEFAULTS } from '../../domain/site-settings.ts';
import { rebuildUptimeDays } from '../repositories/uptime-days.ts';

/**
 * Stored uptime days (docs/architecture.md, "Uptime"): per service and calendar day, the
 * milliseconds of its closed intervals, so uptime reads a few rows per service instead of
 * every event. Back-filled from the events in the zone stored in the site settings (else
 * UTC); a start with another configured zone counts them again (services/setup.ts).
 */
export function uptimeDaysMigration(dialect: Dialect) {
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('uptime_days')
        .addColumn('service_id', 'integer', (c) => c.notNull().references('services.id').onDelete('cascade'))
        .addColumn('day_start', 'bigint', (c) => c.notNull())
        .addColumn('day_end', 'bigint', (c) => c.notNull())
        .addColumn('counted', 'bigint', (c) => c.notNull())
        .addColumn('major', 'bigint', (c) => c.notNull())
        .addColumn('partial', 'bigint', (c) => c.notNull())
        .addColumn('degraded', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('uptime_days_pk', ['service_id', 'day_start'])
        // SQLite: the rows live in primary-key order, so one service's days are one range.
        .$call((b) => (dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
        .execute();
      await db.schema
        .createTable('uptime_state')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .execute();
      const site = await db.selectFrom('settings').select('value').where('key', '=', 'site').executeTakeFirst();
      let stored: unknown;
      try {
        stored = site ? JSON.parse(site.value as string) : undefined;
      } catch {
        // Unreadable: the defaults, as the site itself reads it.
      }
      const zone = mergeSiteSettings(SITE_DEFAULTS, stored).timeZone;
      await db.insertInto('uptime_state').values({ id: 1, time_zone: zone }).execute();
      await rebuildUptimeDays(db as Kysely<Schema>);
    },
  };
}
