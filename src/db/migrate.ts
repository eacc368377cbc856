import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './connect.ts';
import type { Schema } from './schema.ts';
import { coreMigration } from './migrations/2026-11-26-01-core.ts';
import { accountsMigration } from './migrations/2026-11-26-02-accounts.ts';
import { dataVersionMigration } from './migrations/2026-11-26-03-data-version.ts';
import { monitoringMigration } from './migrations/2026-11-26-04-monitoring.ts';
import { notificationsMigration } from './migrations/2026-11-26-05-notifications.ts';
import { componentStatusAndIdsMigration } from './migrations/2026-11-27-02-component-status-and-ids.ts';
import { incidentsMigration } from './migrations/2026-11-27-03-incidents.ts';
import { pushSecretHashesMigration } from './migrations/2026-11-27-04-push-secret-hashes.ts';
import { displayOrderMigration } from './migrations/2026-11-27-05-display-order.ts';
import { maintenanceMigration } from './migrations/2026-11-27-07-maintenance.ts';

/** Migrations in order. Each is immutable once released; add new ones at the end. */
function migrations(database: Database): Record<string, Migration> {
  return {
    '2026-11-26-01-core': coreMigration(database.dialect),
    '2026-11-26-02-accounts': accountsMigration(database.dialect),
    '2026-11-26-03-data-version': dataVersionMigration,
    '2026-11-26-04-monitoring': monitoringMigration(database.dialect),
    '2026-11-26-05-notifications': notificationsMigration(database.dialect),
    '2026-11-27-02-component-status-and-ids': componentStatusAndIdsMigration,
    '2026-11-27-03-incidents': incidentsMigration(database.dialect),
    '2026-11-27-04-push-secret-hashes': pushSecretHashesMigration,
    '2026-11-27-05-display-order': displayOrderMigration,
    '2026-11-27-07-maintenance': maintenanceMigration,
  };
}

// An arbitrary constant naming Stashboard's migration lock among PostgreSQL advisory locks.
const MIGRATION_LOCK_ID = 7_271_001;

function migrator(db: Kysely<Schema>, database: Database): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrations(database) };
  return new Migrator({
    db,
    provider,
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
}

async function runMigrations(db: Kysely<Schema>, database: Database): Promise<string[]> {
  const { error, results } = await migrator(db, database).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`migration failed: ${String(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Brings the schema up to date. On PostgreSQL the whole run, including creating the
 * bookkeeping tables, holds a session advisory lock, so instances starting at once
 * migrate exactly once. On SQLite each migration's transaction serializes writers.
 */
export async function migrateToLatest(database: Database): Promise<string[]> {
  if (database.dialect === 'sqlite') {
    // SQLite has no advisory lock: when another process migrates the same new file at the
    // same moment, one run fails; by the time it retries, the other's work is committed.
    for (let attempt = 1; ; attempt++) {
      try {
        return await runMigrations(database.db, database);
      } catch (error) {
        if (attempt >= 4) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }
  return database.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK_ID)})`.execute(connection);
    try {
      return await runMigrations(connection, database);
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK_ID)})`.execute(connection);
    }
  });
}

/** Migrates up to and including one named migration (tests of a migration's effect on older data). */
export async function migrateTo(database: Database, name: string): Promise<void> {
  const { error } = await migrator(database.db, database).migrateTo(name);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
