import type { Kysely } from 'kysely';
import { autoIncrementId, type Dialect } from '../connect.ts';

/**
 * Incidents (and, later, scheduled maintenances: `kind` tells them apart in one id space), the
 * services they affect, their updates, the link from an event to the incident that posted it,
 * incident templates, replayable answers for `Idempotency-Key`, a per-channel payload format
 * and the exact payload of each delivery. Instants are integer ms since the epoch; booleans 0/1.
 */
export function incidentsMigration(dialect: Dialect) {
  const { id, idColumn } = autoIncrementId(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('incidents')
        // 12 characters [a-z0-9], shared by incidents and maintenances.
        .addColumn('id', 'text', (c) => c.primaryKey())
        // incident | maintenance
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('impact_override', 'text')
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('monitoring_at', 'bigint')
        .addColumn('resolved_at', 'bigint')
        .addColumn('backfilled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('postmortem_body', 'text')
        .addColumn('postmortem_published_at', 'bigint')
        // Maintenances only.
        .addColumn('scheduled_for', 'bigint')
        .addColumn('scheduled_until', 'bigint')
        .addColumn('scheduled_auto_in_progress', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('scheduled_auto_completed', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      await db.schema.createIndex('incidents_by_kind_start').on('incidents').columns(['kind', 'started_at']).execute();
      await db.schema.createIndex('incidents_by_status').on('incidents').columns(['status']).execute();

      await db.schema
        .createTable('incident_services')
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
        .addColumn('service_id', 'integer', (c) => c.notNull().references('services.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('incident_services_pk', ['incident_id', 'service_id'])
        .execute();
      await db.schema
        .createIndex('incident_services_by_service')
        .on('incident_services')
        .column('service_id')
        .execute();

      await db.schema
        .createTable('incident_updates')
        // Creation order (ties of display_at).
        .addColumn('seq', id, idColumn)
        .addColumn('id', 'text', (c) => c.notNull().unique())
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('display_at', 'bigint', (c) => c.notNull())
        // JSON [{code, name, old_status, new_status}] or null, frozen when written.
        .addColumn('affected_components', 'text')
        .addColumn('deliver_notifications', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('author', 'text', (c) => c.notNull().defaultTo(''))
        // JSON [{service, sid}]: the events this update posted.
        .addColumn('events', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
      await db.schema
        .createIndex('incident_updates_by_incident')
        .on('incident_updates')
        .columns(['incident_id', 'seq'])
        .execute();

      await db.schema
        .alterTable('events')
        .addColumn('incident_id', 'text', (c) => c.references('incidents.id').onDelete('set null'))
        .execute();
      await db.schema.createIndex('events_by_incident').on('events').column('incident_id').execute();

      await db.schema
        .createTable('incident_templates')
        .addColumn('id', id, idColumn)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('credential', 'text', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        // SHA-256 of the request's parameters.
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['credential', 'method', 'path', 'key'])
        .execute();
      await db.schema.createIndex('idempotency_keys_by_age').on('idempotency_keys').column('created_at').execute();

      await db.schema
        .alterTable('notification_channels')
        .addColumn('format', 'text', (c) => c.notNull().defaultTo('stashboard'))
        .execute();
      await db.schema.alterTable('deliveries').addColumn('payload', 'text').execute();
    },
  };
}
