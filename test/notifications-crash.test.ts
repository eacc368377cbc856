import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, freshDatabaseUrl } from './support/harness.ts';
import { freePort, startServerProcess, waitFor, type ServerProcess } from './support/server-process.ts';
import { startHttpReceiver } from './support/receivers.ts';

const TOKEN = 'crash-test-admin-token-0123456789';
const N = 20;

function env(port: number): Record<string, string> {
  return {
    STASHBOARD_ADMIN_TOKEN: TOKEN,
    OUTBOUND_ALLOW: '127.0.0.1',
    NOTIFY_POLL_MS: '50',
    NOTIFY_RETRY_BASE_MS: '50',
    NOTIFY_MAX_ATTEMPTS: '100',
    NOTIFY_PAUSE_AFTER: '1000',
    // The killed instance may hold a claim; a short lease lets the restarted one take it over.
    NOTIFY_LEASE_MS: '3000',
    SITE_URL: `http://127.0.0.1:${port}`,
    MONITORS: 'false',
  };
}

async function api(server: ServerProcess, method: string, path: string, form?: Record<string, string>) {
  const res = await fetch(`${server.url}/admin/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: () => JSON.parse(text) };
}

interface History {
  state: string;
  tries: unknown[];
}

async function history(server: ServerProcess, channel: number): Promise<History[]> {
  return (await api(server, 'GET', `/channels/${channel}/deliveries?limit=500`)).json().deliveries;
}

for (const backend of BACKENDS) {
  describe(`delivery across a crash (${backend})`, () => {
    it('kill -9 with notices pending, restart: every notice arrives exactly once', async () => {
      const db = await freshDatabaseUrl(backend);
      const receiverPort = await freePort();
      let server = await startServerProcess(db.url, env(receiverPort));
      let receiver: Awaited<ReturnType<typeof startHttpReceiver>> | undefined;
      try {
        assert.equal((await api(server, 'POST', '/services', { name: 'API', description: 'The API' })).status, 201);
        const hook = await api(server, 'POST', '/channels', {
          kind: 'webhook',
          name: 'Receiver',
          url: `http://127.0.0.1:${receiverPort}/in`,
          notes: 'true',
        });
        assert.equal(hook.status, 201);
        const channel = hook.json().id as number;
        for (let i = 0; i < N; i += 1) {
          assert.equal(
            (
              await api(server, 'POST', '/services/api/events', {
                message: `notice ${i}`,
                status: i % 2 ? 'up' : 'down',
              })
            ).status,
            201,
          );
        }
        // The receiver is not listening yet: every delivery fails and waits for its next attempt.
        await waitFor('every delivery tried once', async () => {
          const h = await history(server, channel);
          return h.length === N && h.every((d) => d.state === 'pending' && d.tries.length >= 1);
        });
        await server.kill();

        receiver = await startHttpReceiver(receiverPort);
        server = await startServerProcess(db.url, env(receiverPort));
        await waitFor(
          'every notice delivered',
          async () => {
            const h = await history(server, channel);
            return h.length === N && h.every((d) => d.state === 'delivered');
          },
          30_000,
        );
        const keys = receiver.arrivals.map((a) => a.headers['idempotency-key']);
        assert.equal(keys.length, N, 'each notice arrived once');
        assert.equal(new Set(keys).size, N);
        const messages = receiver.arrivals.map((a) => JSON.parse(a.body).event.message).sort();
        assert.deepEqual(messages, Array.from({ length: N }, (_, i) => `notice ${i}`).sort());
      } finally {
        await server.kill();
        await receiver?.close();
        await db.drop();
      }
    });

    if (backend === 'postgres') {
      it('two instances on one database deliver each notice once', async () => {
        const db = await freshDatabaseUrl(backend);
        const receiver = await startHttpReceiver();
        const first = await startServerProcess(db.url, env(receiver.port));
        const second = await startServerProcess(db.url, env(receiver.port));
        try {
          await api(first, 'POST', '/services', { name: 'API', description: 'The API' });
          const channel = (
            await api(first, 'POST', '/channels', { kind: 'webhook', name: 'Both', url: `${receiver.url}/in` })
          ).json().id as number;
          for (let i = 0; i < N; i += 1) {
            await api(i % 2 ? first : second, 'POST', '/services/api/events', {
              message: `m${i}`,
              status: i % 3 ? 'up' : 'down',
            });
          }
          await waitFor(
            'every notice delivered',
            async () => {
              const h = await history(second, channel);
              return h.length === N && h.every((d) => d.state === 'delivered');
            },
            30_000,
          );
          const keys = receiver.arrivals.map((a) => a.headers['idempotency-key']);
          assert.equal(keys.length, N);
          assert.equal(new Set(keys).size, N);
        } finally {
          await first.kill();
          await second.kill();
          await receiver.close();
          await db.drop();
        }
      });
    }
  });
}
