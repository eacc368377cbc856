import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type KyselyConfig,
  type LogEvent,
  type PostgresPool,
  type PostgresPoolClient,
  type Transaction,
} from 'kysely';
import { Unavailable } from '../domain/errors.ts';
import type { Schema } from './schema.ts';
import { GroupCommitSqliteDialect, WalFlusher } from './sqlite-group-commit.ts';

export type Dialect = 'sqlite' | 'postgres';
/** A connection or an open transaction: repositories accept either. */
export type Db = Kysely<Schema> | Transaction<Schema>;

export interface Database {
  db: Kysely<Schema>;
  dialect: Dialect;
  /** Where it lives, without credentials (for logs). */
  description: string;
  close(): Promise<void>;
}

/** The PostgreSQL driver, loaded when a PostgreSQL database is first opened (SQLite deployments never need it). */
async function postgresDriver() {
  const { default: pg } = await import('pg');
  // PostgreSQL returns BIGINT as text; every bigint here is an instant in ms, well within 2^53.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
  return pg;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export interface ConnectOptions {
  /** Told of every query's duration (for metrics). */
  onQuery?: (ms: number, failed: boolean) => void;
  /** SQLite: how the write-ahead log is flushed to disk (tests watch it); `fs.fsync` by default. */
  flushFile?: (fd: number, done: (error: Error | null) => void) => void;
}

function queryLog(options: ConnectOptions): KyselyConfig['log'] {
  const onQuery = options.onQuery;
  if (!onQuery) return undefined;
  return (event: LogEvent) => onQuery(event.queryDurationMillis, event.level === 'error');
}

/** Opens the database named by a PostgreSQL URL or an SQLite file path (`sqlite:` prefix optional). */
export function connect(url: string, options: ConnectOptions = {}): Database {
  if (isPostgresUrl(url)) {
    const pool = async () => {
      const pg = await postgresDriver();
      const created = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000 });
      // A client losing its connection (database restart) must not crash the process. An idle
      // one is reported on the pool; one in use between two queries (inside a transaction)
      // reports on itself, and its next query fails instead (503).
      created.on('error', () => {});
      created.on('connect', (client) => client.on('error', () => {}));
      return unreachableAsUnavailable(created);
    };
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }), log: queryLog(options) });
    const parsed = new URL(url);
    return {
      db,
      dialect: 'postgres',
      description: `postgres://${parsed.host}${parsed.pathname}`,
      close: () => db.destroy(),
    };
  }
  const file = url.replace(/^sqlite:(\/\/)?/i, '');
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const cached = withStatementCache(sqlite);
  let dialect: SqliteDialect;
  if (file === ':memory:') {
    dialect = new SqliteDialect({ database: cached });
  } else {
    sqlite.pragma('journal_mode = WAL');
    // NORMAL: commits do not flush; the write-ahead log is flushed before a write is answered
    // (see sqlite-group-commit.ts), so an acknowledged commit is on disk, even across power loss.
    sqlite.pragma('synchronous = NORMAL');
    dialect = new GroupCommitSqliteDialect(
      { database: cached },
      new WalFlusher(`${file}-wal`, options.flushFile),
      cached.wrote,
    );
  }
  const db = new Kysely<Schema>({ dialect, log: queryLog(options) });
  return { db, dialect: 'sqlite', description: `sqlite:${file}`, close: () => db.destroy() };
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * The SQLite connection as Kysely sees it, reusing each SQL text's compiled statement: Kysely
 * prepares every query again, and compiling costs more than running most of ours. The cache is
 * bounded (least recently used goes first), and a statement still being iterated is never
 * handed out twice.
 */
function withStatementCache(sqlite: SqliteDatabase.Database) {
  const statements = new Map<string, SqliteDatabase.Statement>();
  // Kysely prepares each statement right before running it, so preparing one that writes means a write.
  let wrote = false;
  return {
    close: () => sqlite.close(),
    /** Whether a statement that changes the database ran since the last call. */
    wrote(): boolean {
      const answer = wrote;
      wrote = false;
      return answer;
    },
    prepare(sql: string): SqliteDatabase.Statement {
      const cached = statements.get(sql);
      if (cached && !cached.busy) {
        statements.delete(sql);
        statements.set(sql, cached);
        if (!cached.readonly) wrote = true;
        return cached;
      }
      const statement = sqlite.prepare(sql);
      if (!statement.readonly) wrote = true;
      if (!cached) {
        statements.set(sql, statement);
        if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      return statement;
    },
  };
}

/**
 * An auto-incrementing integer primary key in either dialect, for migrations:
 * `.addColumn('id', id, idColumn)`.
 */
export function autoIncrementId(dialect: Dialect) {
  return {
    id: dialect === 'postgres' ? ('serial' as const) : ('integer' as const),
    idColumn: <B extends { primaryKey(): B; autoIncrement(): B }>(builder: B): B =>
      dialect === 'sqlite' ? builder.primaryKey().autoIncrement() : builder.primaryKey(),
  };
}

/** True when the error is a unique-constraint violation, in either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

const UNAVAILABLE = 'The database is unavailable; try again shortly';

/** A connection failure as the one error every caller understands (HTTP answers it 503); others unchanged. */
export function asUnavailable(error: unknown): unknown {
  return isConnectionFailure(error) ? new Unavailable(UNAVAILABLE) : error;
}

/**
 * The pool as Kysely sees it, with every failure to reach the database turned into
 * `Unavailable` where it happens, so no read or write needs a wrapper of its own.
 */
function unreachableAsUnavailable(pool: PostgresPool): PostgresPool {
  const wrapped = new WeakSet<PostgresPoolClient>();
  return {
    connect: async () => {
      const client = await pool.connect().catch((error: unknown) => {
        throw asUnavailable(error);
      });
      if (!wrapped.has(client)) {
        wrapped.add(client);
        const query = client.query.bind(client) as (...args: unknown[]) => unknown;
        client.query = ((...args: unknown[]) => {
          const result = query(...args);
          // A cursor (streaming) is returned as it is; a query's promise maps its failure.
          return result instanceof Promise
            ? result.catch((error: unknown) => {
                throw asUnavailable(error);
              })
            : result;
        }) as PostgresPoolClient['query'];
      }
      return client;
    },
    end: () => pool.end(),
  };
}

/** True when the error means the database could not be reached (not a bad query). */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof Unavailable && error.message === UNAVAILABLE) return true;
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'ENOTFOUND',
      'EAI_AGAIN',
      '57P01',
      '57P02',
      '57P03',
      '08000',
      '08003',
      '08006',
      '08001',
      '08004',
    ].includes(code)
  ) {
    return true;
  }
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(
    message,
  );
}
