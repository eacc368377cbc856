import type { Kysely } from 'kysely';
import { autoIncrementId, type Dialect } from '../connect.ts';

/**
 * Outbound notifications: channels (webhook, Slack, email list), email subscribers and the
 * tokens of their links, the outbox of notices, one delivery per notice and recipient, and
 * every delivery attempt. Instants are integer ms since the epoch; booleans 0/1.
 */
export function notificationsMigration(dialect: Dialect) {
  const { id, idColumn } = autoIncrementId(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('notification_channels')
        .addColumn('id', id, idColumn)
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        // Webhook or Slack URL; for email lists, the addresses one per line.
        .addColumn('target', 'text', (c) => c.notNull())
        // The webhook signing key (empty for other kinds).
        .addColumn('secret', 'text', (c) => c.notNull().defaultTo(''))
        // A JSON array of service slugs, or null for every service.
        .addColumn('services', 'text')
        .addColumn('include_notes', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('paused_at', 'bigint')
        .addColumn('pause_reason', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('subscribers')
        .addColumn('id', id, idColumn)
        .addColumn('email', 'text', (c) => c.notNull().unique())
        // A JSON array of service slugs, or null for every service.
        .addColumn('services', 'text')
        // The choice waiting for its confirmation link to be opened.
        .addColumn('pending_services', 'text')
        .addColumn('confirmed_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      // Only the SHA-256 of a link's token is kept: a copy of the table opens no link.
      await db.schema
        .createTable('subscriber_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('subscriber_id', 'integer', (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('subscriber_tokens_by_subscriber')
        .on('subscriber_tokens')
        .column('subscriber_id')
        .execute();

      // Recent subscription requests per address and per email, for rate limiting across instances.
      await db.schema
        .createTable('subscription_requests')
        .addColumn('id', id, idColumn)
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('subscription_requests_by_key')
        .on('subscription_requests')
        .columns(['key', 'at'])
        .execute();

      await db.schema
        .createTable('outbox')
        .addColumn('id', id, idColumn)
        // event.created, event.deleted, subscription.confirm
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('service_slug', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('informational', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('subscriber_id', 'integer')
        // The notice as JSON, frozen when it was written.
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // When its deliveries were written (null: not yet).
        .addColumn('planned_at', 'bigint')
        .execute();
      await db.schema.createIndex('outbox_unplanned').on('outbox').columns(['planned_at', 'id']).execute();

      // One per notice and recipient (a channel or a subscriber); the unique keys make planning idempotent.
      await db.schema
        .createTable('deliveries')
        .addColumn('id', id, idColumn)
        .addColumn('outbox_id', 'integer', (c) => c.notNull().references('outbox.id').onDelete('cascade'))
        .addColumn('channel_id', 'integer', (c) => c.references('notification_channels.id').onDelete('cascade'))
        .addColumn('subscriber_id', 'integer', (c) => c.references('subscribers.id').onDelete('cascade'))
        // pending, delivered, failed (gave up)
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', 'bigint')
        .addColumn('delivered_at', 'bigint')
        .addColumn('last_error', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('deliveries_once_per_channel', ['outbox_id', 'channel_id'])
        .addUniqueConstraint('deliveries_once_per_subscriber', ['outbox_id', 'subscriber_id'])
        .execute();
      await db.schema.createIndex('deliveries_due').on('deliveries').columns(['state', 'next_attempt_at']).execute();
      await db.schema.createIndex('deliveries_by_channel').on('deliveries').columns(['channel_id', 'id']).execute();

      await db.schema
        .createTable('delivery_attempts')
        .addColumn('id', id, idColumn)
        .addColumn('delivery_id', 'integer', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
        .addColumn('channel_id', 'integer')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('ok', 'integer', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('error', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .createIndex('delivery_attempts_by_channel')
        .on('delivery_attempts')
        .columns(['channel_id', 'id'])
        .execute();
      await db.schema
        .createIndex('delivery_attempts_by_delivery')
        .on('delivery_attempts')
        .columns(['delivery_id', 'id'])
        .execute();
    },
  };
}
