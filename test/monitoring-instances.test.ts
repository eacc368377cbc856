import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { BACKENDS, freshDatabaseUrl } from './support/harness.ts';
import { startServerProcess, waitFor, type ServerProcess } from './support/server-process.ts';

const ADMIN_TOKEN = 'monitoring-instances-admin-token-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe(
  'checks on several instances sharing one PostgreSQL database',
  { skip: !BACKENDS.includes('postgres') && 'no TEST_DATABASE_URL' },
  () => {
    const servers: ServerProcess[] = [];
    const cleanups: Array<() => Promise<void>> = [];
    after(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    it('runs each check exactly once per interval', async () => {
      let hits = 0;
      const target = http.createServer((_req, res) => {
        hits++;
        res.end('ok');
      });
      await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
      cleanups.push(async () => {
        target.closeAllConnections();
        await new Promise((r) => target.close(r));
      });
      const db = await freshDatabaseUrl('postgres');
      cleanups.push(db.drop);
      const env = { STASHBOARD_ADMIN_TOKEN: ADMIN_TOKEN, OUTBOUND_ALLOW: '127.0.0.1', MONITOR_TICK_MS: '20' };
      // Start one first so the other two do not race the migration; then two more at once.
      servers.push(await startServerProcess(db.url, env));
      servers.push(...(await Promise.all([startServerProcess(db.url, env), startServerProcess(db.url, env)])));
      const [a] = servers;
      const post = (path: string, form: Record<string, string>) =>
        fetch(`${a!.url}/admin/api/v1${path}`, { method: 'POST', headers: admin, body: new URLSearchParams(form) });
      assert.equal((await post('/services', { name: 'API', description: 'The API' })).status, 201);
      const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
      const created = await post('/services/api/checks', {
        name: 'api-http',
        target: url,
        interval: '10',
        timeout: '2',
      });
      assert.equal(created.status, 201, await created.text());

      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      cleanups.push(() => client.end());
      const samples = async () => Number((await client.query('select count(*) as n from check_samples')).rows[0].n);

      await waitFor('the first run', async () => ((await samples()) === 1 ? true : undefined));
      assert.equal(hits, 1);
      // Make the check due again at once, several times: three instances race for it each time.
      for (let round = 2; round <= 6; round++) {
        await client.query('update checks set lease_until = 0');
        await waitFor(`run ${round}`, async () => ((await samples()) >= round ? true : undefined));
        assert.equal(await samples(), round);
        assert.equal(hits, round, `round ${round}: exactly one instance ran the check`);
      }
      // And once more by the clock: the next run comes one interval (10 s) after the last.
      const last = Date.now();
      await waitFor('the run one interval later', async () => ((await samples()) === 7 ? true : undefined), 20_000);
      assert.ok(Date.now() - last >= 8_000, 'not before the interval');
      assert.equal(hits, 7);
      const current = await (await fetch(`${a!.url}/api/v1/services/api/events/current`)).json();
      assert.equal(current.status.id, 'up');
      const events = await (
        await fetch(`${servers[2]!.url}/admin/api/v1/services/api/events`, { headers: admin })
      ).json();
      assert.equal(events.events.length, 1, 'the status was posted once');
      assert.equal(events.events[0].author, 'check:api-http');
    });
  },
);
