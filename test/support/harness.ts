import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppDeps } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { connect } from '../../src/db/connect.ts';
import { ChangeBus } from '../../src/changes/bus.ts';
import { prepareDatabase } from '../../src/services/setup.ts';
import { createToken } from '../../src/services/tokens.ts';
import { systemIds } from '../../src/services/system.ts';
import type { Clock, Context } from '../../src/services/context.ts';

export type Backend = 'sqlite' | 'postgres';

/** The backends every database test runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const BACKENDS: Backend[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

if (process.env.REQUIRE_POSTGRES && !process.env.TEST_DATABASE_URL) {
  throw new Error('REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not: the PostgreSQL half cannot run');
}

/** A clock tests move by hand. */
export class TestClock implements Clock {
  constructor(public current = Date.UTC(2010, 5, 28, 22, 17, 6)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** A fresh, empty database location for one test: a temporary SQLite file or a new PostgreSQL database. */
export async function freshDatabaseUrl(backend: Backend): Promise<{ url: string; drop: () => Promise<void> }> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'stashboard-test-'));
    return { url: join(dir, 'stashboard.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  ctx: Context;
  config: Readonly<Config>;
  clock: Clock;
  databaseUrl: string;
  /** An admin-scope bearer token's Authorization header. */
  admin: Record<string, string>;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** GET/POST/DELETE helpers on the admin mount (form-encoded bodies, admin token). */
  get(path: string): Promise<LightMyRequestResponse>;
  post(path: string, form?: Record<string, string>): Promise<LightMyRequestResponse>;
  del(path: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  clock?: Clock;
  env?: Record<string, string>;
  logStream?: NodeJS.WritableStream;
  /** Sees every route as the app adds it. */
  onRoute?: AppDeps['onRoute'];
}

export async function startTestApp(backend: Backend, options: TestAppOptions = {}): Promise<TestApp> {
  const location = await freshDatabaseUrl(backend);
  const config = loadConfig(
    { database: location.url },
    // Tests render many pages from one address in a burst: the per-address render limit has its own test.
    { LOG_LEVEL: options.logStream ? 'info' : 'silent', RENDER_LIMIT: '1000000', ...options.env },
  );
  const clock = options.clock ?? new TestClock();
  const ctx: Context = {
    database: connect(config.database),
    clock,
    ids: systemIds(),
    changes: new ChangeBus(),
    site: config.site,
  };
  await prepareDatabase(ctx);
  const app = await buildApp({ config, ctx, logStream: options.logStream, onRoute: options.onRoute });
  const { secret } = await createToken(
    ctx,
    { kind: 'cli', name: 'test', scope: 'admin' },
    { name: 'test admin', scope: 'admin' },
  );
  const admin = { authorization: `Bearer ${secret}` };
  const inject = (o: InjectOptions) => app.inject(o);
  return {
    app,
    ctx,
    config,
    clock,
    databaseUrl: location.url,
    admin,
    inject,
    get: (path) => inject({ method: 'GET', url: `/admin/api/v1${path}`, headers: admin }),
    post: (path, form = {}) =>
      inject({
        method: 'POST',
        url: `/admin/api/v1${path}`,
        headers: { ...admin, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(form).toString(),
      }),
    del: (path) => inject({ method: 'DELETE', url: `/admin/api/v1${path}`, headers: admin }),
    close: async () => {
      await app.close();
      await ctx.database.close();
      await location.drop();
    },
  };
}
