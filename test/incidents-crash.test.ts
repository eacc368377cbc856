import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, freshDatabaseUrl } from './support/harness.ts';
import { freePort, startServerProcess, waitFor, type ServerProcess } from './support/server-process.ts';
import { startHttpReceiver } from './support/receivers.ts';

const TOKEN = 'incident-crash-admin-token-0123456789';

function env(port: number): Record<string, string> {
  return {
    STASHBOARD_ADMIN_TOKEN: TOKEN,
    OUTBOUND_ALLOW: '127.0.0.1',
    NOTIFY_POLL_MS: '50',
    NOTIFY_RETRY_BASE_MS: '50',
    NOTIFY_MAX_ATTEMPTS: '100',
    NOTIFY_PAUSE_AFTER: '1000',
    NOTIFY_LEASE_MS: '3000',
    SITE_URL: `http://127.0.0.1:${port}`,
    MONITORS: 'false',
  };
}

async function api(server: ServerProcess, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}/admin/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: () => JSON.parse(text) };
}

interface Delivery {
  state: string;
  type: string;
  payload: string;
  tries: unknown[];
}

const deliveries = async (server: ServerProcess, channel: number): Promise<Delivery[]> =>
  (await api(server, 'GET', `/channels/${channel}/deliveries?limit=500`)).json().deliveries;

for (const backend of BACKENDS) {
  describe(`incident notifications across a crash (${backend})`, () => {
    it('kill -9 after incident updates and before their notifications: each arrives once, as recorded', async () => {
      const db = await freshDatabaseUrl(backend);
      const port = await freePort();
      let server = await startServerProcess(db.url, env(port));
      let receiver: Awaited<ReturnType<typeof startHttpReceiver>> | undefined;
      try {
        for (const name of ['API', 'Website'])
          assert.equal((await api(server, 'POST', '/services', { name, description: name })).status, 201);
        const channels: number[] = [];
        for (const [name, kind, format] of [
          ['hook', 'webhook', 'stashboard'],
          ['sp', 'webhook', 'statuspage'],
          ['slack', 'slack', 'stashboard'],
        ] as const) {
          const res = await api(server, 'POST', '/channels', {
            name,
            kind,
            format,
            url: `http://127.0.0.1:${port}/${name}`,
          });
          assert.equal(res.status, 201);
          channels.push(res.json().id);
        }
        // The receiver is not listening: every delivery fails once and waits.
        const open = await api(server, 'POST', '/incidents', {
          name: 'Outage',
          body: 'Investigating.',
          components: { api: 'down', website: 'warning' },
        });
        assert.equal(open.status, 201);
        const id = open.json().id;
        for (const [status, body] of [
          ['identified', 'Found.'],
          ['monitoring', 'Fixed, watching.'],
        ])
          assert.equal((await api(server, 'POST', `/incidents/${id}/updates`, { status, body })).status, 201);
        assert.equal(
          (
            await api(server, 'POST', `/incidents/${id}/updates`, {
              status: 'resolved',
              body: 'Done.',
              return_to_default: true,
            })
          ).status,
          201,
        );
        // Stashboard hook: 4 incident notices + 4 events; Statuspage: 4 incident notices + 4
        // component changes (API and Website down, then back up); Slack: 4 (not the events).
        const expected = [8, 8, 4];
        await waitFor('every delivery tried once', async () => {
          for (const [i, channel] of channels.entries()) {
            const d = await deliveries(server, channel);
            if (d.length !== expected[i] || !d.every((x) => x.state === 'pending' && x.tries.length >= 1)) return;
          }
          return true;
        });
        await server.kill();

        receiver = await startHttpReceiver(port);
        server = await startServerProcess(db.url, env(port));
        await waitFor(
          'every notice delivered',
          async () => {
            for (const channel of channels)
              if (!(await deliveries(server, channel)).every((x) => x.state === 'delivered')) return;
            return true;
          },
          30_000,
        );
        const keys = receiver.arrivals.map((a) => a.headers['idempotency-key']);
        assert.equal(keys.length, 20, 'each notice arrived once');
        assert.equal(new Set(keys).size, 20);
        for (const [i, name] of ['hook', 'sp', 'slack'].entries()) {
          const arrived = receiver.arrivals
            .filter((a) => a.path === `/${name}`)
            .map((a) => a.body)
            .sort();
          const recorded = (await deliveries(server, channels[i]!)).map((d) => d.payload).sort();
          assert.deepEqual(arrived, recorded, `${name}: what arrived is what each delivery recorded`);
        }
        const stages = receiver.arrivals
          .filter((a) => a.path === '/sp' && a.body.includes('"incident"'))
          .map((a) => JSON.parse(a.body).incident.incident_updates[0].status)
          .sort();
        assert.deepEqual(stages, ['identified', 'investigating', 'monitoring', 'resolved']);
        const moves = receiver.arrivals
          .filter((a) => a.path === '/sp' && a.body.includes('"component_update"'))
          .map((a) => JSON.parse(a.body))
          .map((b) => `${b.component.name}: ${b.component_update.old_status} → ${b.component_update.new_status}`)
          .sort();
        assert.deepEqual(moves, [
          'API: major_outage → operational',
          'API: operational → major_outage',
          'Website: degraded_performance → operational',
          'Website: operational → degraded_performance',
        ]);
      } finally {
        await server.kill();
        await receiver?.close();
        await db.drop();
      }
    });
  });
}
