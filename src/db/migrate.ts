import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './connect.ts';
import { coreMigration } from './migrations/2026-11-26-01-core.ts';

/** Migrations in order. Each is immutable once released; add new ones at the end. */
function migrations(database: Database): Record<string, Migration> {
  return {
    '2026-11-26-01-core': coreMigration(database.dialect),
  };
}

/**
 * Brings the schema up to date. On PostgreSQL, Kysely's migrator holds an advisory lock,
 * so instances starting at once migrate exactly once.
 */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(database) };
  const migrator = new Migrator({ db: database.db, provider, migrationTableName: 'schema_migrations', migrationLockTableName: 'schema_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
