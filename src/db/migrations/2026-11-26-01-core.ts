import type { Kysely } from 'kysely';
import { autoIncrementId, type Dialect } from '../connect.ts';

/** The Stashboard core: lists, services, statuses, events, API tokens, settings, OAuth nonces. */
export function coreMigration(dialect: Dialect) {
  const { id, idColumn } = autoIncrementId(dialect);
  return {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('service_lists')
        .addColumn('id', id, idColumn)
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('services')
        .addColumn('id', id, idColumn)
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('list_id', 'integer', (c) => c.references('service_lists.id').onDelete('set null'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('statuses')
        .addColumn('id', id, idColumn)
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('image', 'text', (c) => c.notNull())
        .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('events')
        .addColumn('id', id, idColumn)
        .addColumn('sid', 'text', (c) => c.notNull().unique())
        .addColumn('service_id', 'integer', (c) => c.notNull().references('services.id').onDelete('cascade'))
        .addColumn('status_id', 'integer', (c) => c.notNull().references('statuses.id'))
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('informational', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema
        .createIndex('events_by_service_time')
        .on('events')
        .columns(['service_id', 'timestamp', 'id'])
        .execute();
      await db.schema.createIndex('events_by_time').on('events').columns(['timestamp', 'id']).execute();
      await db.schema.createIndex('events_by_status').on('events').column('status_id').execute();
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('oauth_nonces')
        .addColumn('consumer_key', 'text', (c) => c.notNull())
        .addColumn('nonce', 'text', (c) => c.notNull())
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('seen_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('oauth_nonces_pk', ['consumer_key', 'nonce', 'timestamp'])
        .execute();
      await db.schema.createIndex('oauth_nonces_by_seen').on('oauth_nonces').column('seen_at').execute();
    },
  };
}
