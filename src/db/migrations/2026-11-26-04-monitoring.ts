import type { Kysely } from 'kysely';
import { autoIncrementId, type Dialect } from '../connect.ts';

/**
 * Status that posts itself: per-service automation settings and state (push URL, heartbeat,
 * escalation policy), built-in checks with their lease and response-time samples, and the
 * Alertmanager alerts seen, by fingerprint. Instants are integer ms since the epoch; booleans 0/1.
 */
export function monitoringMigration(dialect: Dialect) {
  const { id, idColumn } = autoIncrementId(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('service_automation')
        .addColumn('service_id', 'integer', (c) => c.primaryKey().references('services.id').onDelete('cascade'))
        // The push URL's secret, kept so the admin site can show it again; looked up by its hash.
        .addColumn('push_secret', 'text')
        .addColumn('push_secret_hash', 'text', (c) => c.unique())
        .addColumn('last_push_at', 'bigint')
        // Heartbeat: off when null; otherwise silence longer than this sets heartbeat_state.
        .addColumn('heartbeat_period_ms', 'bigint')
        .addColumn('heartbeat_state', 'text', (c) => c.notNull().defaultTo('down'))
        .addColumn('heartbeat_fired_at', 'bigint')
        // The status slugs the automated states up, warning and down post.
        .addColumn('status_up', 'text', (c) => c.notNull().defaultTo('up'))
        .addColumn('status_warning', 'text', (c) => c.notNull().defaultTo('warning'))
        .addColumn('status_down', 'text', (c) => c.notNull().defaultTo('down'))
        // Escalation policy (off by default).
        .addColumn('recovery_needs_human', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('min_change_interval_ms', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('last_status_change_at', 'bigint')
        .addColumn('recovery_pending_since', 'bigint')
        .addColumn('recovery_pending_status', 'text')
        // What checks and Alertmanager last reported for the service, so repeats post nothing.
        .addColumn('checks_state', 'text')
        .addColumn('alerts_state', 'text')
        .addColumn('alerts_message', 'text')
        .execute();

      await db.schema
        .createTable('checks')
        .addColumn('id', id, idColumn)
        .addColumn('service_id', 'integer', (c) => c.notNull().references('services.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        // An http(s) URL, or host:port for TCP.
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('expected_statuses', 'text', (c) => c.notNull().defaultTo('200-299'))
        .addColumn('keyword', 'text')
        .addColumn('keyword_absent', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('latency_warning_ms', 'integer')
        .addColumn('interval_ms', 'integer', (c) => c.notNull())
        .addColumn('timeout_ms', 'integer', (c) => c.notNull())
        .addColumn('failure_threshold', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
        // The run lease: an instance claims a due check by moving this forward one interval.
        .addColumn('lease_until', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_result', 'text')
        .addColumn('last_message', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('last_checked_at', 'bigint')
        .addColumn('last_latency_ms', 'integer')
        // The state this check stands for once the failure threshold is applied.
        .addColumn('effective_state', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('checks_service_name', ['service_id', 'name'])
        .execute();
      await db.schema.createIndex('checks_by_lease').on('checks').columns(['enabled', 'lease_until']).execute();

      await db.schema
        .createTable('check_samples')
        .addColumn('id', id, idColumn)
        .addColumn('check_id', 'integer', (c) => c.notNull().references('checks.id').onDelete('cascade'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('latency_ms', 'integer')
        .execute();
      await db.schema
        .createIndex('check_samples_by_check_time')
        .on('check_samples')
        .columns(['check_id', 'at'])
        .execute();
      await db.schema.createIndex('check_samples_by_time').on('check_samples').column('at').execute();

      await db.schema
        .createTable('alert_states')
        .addColumn('fingerprint', 'text', (c) => c.primaryKey())
        .addColumn('service_id', 'integer', (c) => c.notNull().references('services.id').onDelete('cascade'))
        .addColumn('group_key', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'bigint', (c) => c.notNull())
        .addColumn('ends_at', 'bigint')
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('alert_states_by_service')
        .on('alert_states')
        .columns(['service_id', 'status'])
        .execute();
    },
  };
}
