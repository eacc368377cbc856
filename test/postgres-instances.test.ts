import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { BACKENDS, freshDatabaseUrl } from './support/harness.ts';
import { startServerProcess, waitFor, type ServerProcess } from './support/server-process.ts';
import { startPrivateCluster } from './support/postgres-cluster.ts';
import { sql } from 'kysely';
import { connect } from '../src/db/connect.ts';
import { Unavailable } from '../src/domain/errors.ts';

const ADMIN_TOKEN = 'instances-test-admin-token-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function post(base: string, path: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${base}/admin/api/v1${path}`, { method: 'POST', headers: admin, body: new URLSearchParams(form) });
}

describe(
  'several instances on one PostgreSQL database',
  { skip: !BACKENDS.includes('postgres') && 'no TEST_DATABASE_URL' },
  () => {
    const servers: ServerProcess[] = [];
    const drops: Array<() => Promise<void>> = [];
    after(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      for (const drop of drops) await drop();
    });

    it('instances starting at once migrate and seed exactly once', async () => {
      const db = await freshDatabaseUrl('postgres');
      drops.push(db.drop);
      const started = await Promise.all(
        [1, 2, 3].map(() => startServerProcess(db.url, { STASHBOARD_ADMIN_TOKEN: ADMIN_TOKEN })),
      );
      servers.push(...started);
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const migrations = await client.query('select name from schema_migrations order by name');
        assert.ok(migrations.rows.length >= 2);
        assert.equal(new Set(migrations.rows.map((r) => r.name)).size, migrations.rows.length);
        const statuses = await client.query('select slug, is_default from statuses order by slug');
        assert.deepEqual(
          statuses.rows.map((r) => r.slug),
          ['down', 'up', 'warning'],
        );
      } finally {
        await client.end();
      }
      for (const s of started) {
        const res = await fetch(`${s.url}/api/v1/statuses`);
        assert.equal((await res.json()).statuses.length, 3);
      }
    });

    it('a write on one instance is visible on the very next request to another, caches included', async () => {
      const [a, b] = servers;
      assert.ok(a && b);
      // Warm b's caches first.
      for (let i = 0; i < 3; i++)
        assert.equal((await (await fetch(`${b.url}/api/v1/services`)).json()).services.length, 0);
      assert.equal((await post(a.url, '/services', { name: 'API', description: 'The API' })).status, 201);
      const seen = await (await fetch(`${b.url}/api/v1/services`)).json();
      assert.deepEqual(
        seen.services.map((s: { id: string }) => s.id),
        ['api'],
      );
      for (let i = 0; i < 5; i++) {
        assert.equal(
          (await post(b.url, '/services/api/events', { message: `m${i}`, status: i % 2 ? 'up' : 'down' })).status,
          201,
        );
        const current = await (await fetch(`${a.url}/api/v1/services/api/events/current`)).json();
        assert.equal(current.message, `m${i}`);
        const rss = await (await fetch(`${a.url}/rss`)).text();
        assert.match(rss, new RegExp(`<description>m${i}</description>`));
      }
    });

    it('a write on one instance reaches live subscribers of another within a second', async (t) => {
      const [a, b] = servers;
      assert.ok(a && b);
      const controller = new AbortController();
      const res = await fetch(`${b.url}/api/v1/live`, {
        signal: controller.signal,
        headers: { accept: 'text/event-stream' },
      });
      if (res.status === 404) {
        controller.abort();
        t.skip('the live stream (/api/v1/live) is not served yet');
        return;
      }
      assert.equal(res.status, 200);
      const reader = res.body!.getReader();
      let text = '';
      const reading = (async () => {
        const decoder = new TextDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          text += decoder.decode(value);
        }
      })().catch(() => {});
      await waitFor('the stream to open', async () => text.length > 0 || undefined, 5_000);
      const postedAt = Date.now();
      assert.equal(
        (await post(a.url, '/services/api/events', { message: 'live across instances', status: 'down' })).status,
        201,
      );
      await waitFor(
        'the notice on the other instance',
        async () => text.includes('live across instances') || text.includes('"api"') || undefined,
        1_000,
      );
      assert.ok(Date.now() - postedAt <= 1_000);
      controller.abort();
      await reading;
    });
  },
);

describe('database outage', { skip: !BACKENDS.includes('postgres') && 'no TEST_DATABASE_URL' }, () => {
  it('fails a transaction whose connection the server ends between two queries, and the process goes on', async () => {
    const cluster = await startPrivateCluster();
    const database = connect(cluster.url);
    try {
      const failed = await database.db
        .transaction()
        .execute(async (trx) => {
          await sql`select 1`.execute(trx);
          // The connection is in use and idle: the server's goodbye reaches the client itself.
          cluster.stop();
          await new Promise((resolve) => setTimeout(resolve, 300));
          await sql`select 1`.execute(trx);
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      assert.ok(failed instanceof Unavailable, `the transaction fails as unavailable: ${String(failed)}`);
      cluster.start();
      const rows = await waitFor(
        'queries to succeed again',
        async () => (await sql<{ one: number }>`select 1 as one`.execute(database.db).catch(() => undefined))?.rows,
        20_000,
      );
      assert.deepEqual(rows, [{ one: 1 }]);
    } finally {
      await database.close().catch(() => {});
      cluster.destroy();
    }
  });

  it('answers 503 on writes, keeps serving cached reads, and recovers without a restart', async () => {
    const cluster = await startPrivateCluster();
    let server: ServerProcess | undefined;
    try {
      server = await startServerProcess(cluster.url, { STASHBOARD_ADMIN_TOKEN: ADMIN_TOKEN });
      const base = server.url;
      assert.equal((await post(base, '/services', { name: 'API', description: 'The API' })).status, 201);
      assert.equal((await post(base, '/services/api/events', { message: 'all good', status: 'up' })).status, 201);
      const cached = await (await fetch(`${base}/api/v1/services`)).text();
      await fetch(`${base}/api/v1/services`);

      cluster.stop();
      const write = await post(base, '/services/api/events', { message: 'during outage', status: 'down' });
      assert.equal(write.status, 503);
      assert.match(write.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal((await write.json()).code, 503);
      const health = await fetch(`${base}/healthz`);
      assert.equal(health.status, 503);
      // A read that no cache answers: 503 with the same JSON error, from the one mapping in db/.
      for (const path of ['/services/api/events', '/incidents', '/services/api/checks']) {
        const uncached = await fetch(`${base}/admin/api/v1${path}`, { headers: admin });
        assert.equal(uncached.status, 503, path);
        assert.equal((await uncached.json()).code, 503, path);
      }
      const read = await fetch(`${base}/api/v1/services`);
      assert.equal(read.status, 200, 'a cached public read is still served');
      assert.equal(await read.text(), cached);
      assert.equal(server.child.exitCode, null, 'the process keeps running');

      cluster.start();
      await waitFor('recovery', async () => (await fetch(`${base}/healthz`)).status === 200 || undefined, 20_000);
      const after = await waitFor(
        'writes to succeed again',
        async () => {
          const res = await post(base, '/services/api/events', { message: 'recovered', status: 'up' });
          return res.status === 201 ? res : undefined;
        },
        20_000,
      );
      assert.equal(after.status, 201);
      const current = await (await fetch(`${base}/api/v1/services/api/events/current`)).json();
      assert.equal(current.message, 'recovered');
    } finally {
      await server?.stop();
      cluster.destroy();
    }
  });
});
