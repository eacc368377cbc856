import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BACKENDS, freshDatabaseUrl } from './support/harness.ts';
import { startServerProcess, waitFor, type ServerProcess } from './support/server-process.ts';

const TOKEN = 'graceful-test-admin-token-0123456789';

async function api(server: ServerProcess, path: string, form: Record<string, string>) {
  return fetch(`${server.url}/admin/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
    body: new URLSearchParams(form),
  });
}

/** Resolves with the exit code once the process has ended. */
function exited(server: ServerProcess): Promise<number | null> {
  const child = server.child;
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** A webhook receiver that takes `delayMs` to answer each request, recording what arrived. */
async function slowReceiver(delayMs: number) {
  const arrivals: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (c: Buffer) => (body += c.toString()));
    request.on('end', () => {
      setTimeout(() => {
        arrivals.push({ headers: request.headers, body });
        response.writeHead(200).end('ok');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

for (const backend of BACKENDS) {
  describe(`graceful shutdown on SIGTERM (${backend})`, () => {
    it('under load: every request that got an answer got all of it, live streams get a retry hint, exit 0', async () => {
      const db = await freshDatabaseUrl(backend);
      // The compiled build, as a production deployment runs it.
      const server = await startServerProcess(db.url, {
        STASHBOARD_ADMIN_TOKEN: TOKEN,
        MONITORS: 'false',
        STASHBOARD_FROM_SOURCE: '0',
        LOG_LEVEL: 'info',
      });
      try {
        assert.equal((await api(server, '/services', { name: 'API', description: 'The API' })).status, 201);
        const expected = await (await fetch(`${server.url}/api/v1/services`)).text();

        // A live subscriber: it must be told to reconnect (elsewhere) when the instance leaves.
        const live = await fetch(`${server.url}/api/v1/live`);
        const liveText = (async () => {
          let text = '';
          const decoder = new TextDecoder();
          for await (const chunk of live.body!) text += decoder.decode(chunk as Uint8Array);
          return text;
        })();

        const outcome = { complete: 0, refused: 0, lost: [] as string[] };
        let running = true;
        const exit = exited(server);
        void exit.then(() => (running = false));
        const client = async () => {
          while (running) {
            let res: Response;
            try {
              res = await fetch(`${server.url}/api/v1/services`);
            } catch {
              // No answer at all (connection refused or closed before a response): a load
              // balancer retries these on another instance.
              outcome.refused += 1;
              await new Promise((r) => setTimeout(r, 5));
              continue;
            }
            try {
              const body = await res.text();
              if (res.status === 200 && body === expected) outcome.complete += 1;
              else outcome.lost.push(`${res.status} ${body.slice(0, 80)}`);
            } catch (error) {
              outcome.lost.push(`truncated: ${String(error)}`);
            }
          }
        };
        const clients = Array.from({ length: 8 }, client);
        await waitFor('some load', async () => outcome.complete >= 50 || undefined);
        const atSignal = outcome.complete;
        server.child.kill('SIGTERM');
        assert.equal(await exit, 0, 'exit code 0');
        await Promise.all(clients);

        assert.deepEqual(outcome.lost, [], 'no answer was cut short or replaced by an error');
        assert.ok(outcome.complete >= atSignal);
        const text = await liveText;
        assert.match(text, /"topic":"hello"/);
        assert.match(text, /retry: \d+\n\n$/, 'the stream ends with a retry hint');
        const log = server.output();
        assert.match(log, /"msg":"shutting down"/);
        assert.match(log, /"msg":"shut down cleanly"/, 'the last line was flushed before exit');
        const lastLine = log.trim().split('\n').at(-1)!;
        assert.match(lastLine, /shut down cleanly/);
      } finally {
        await server.kill();
        await db.drop();
      }
    });

    it('during a delivery batch: sends in flight finish, the rest is handed back, nothing lost or sent twice', async () => {
      const N = 12;
      const db = await freshDatabaseUrl(backend);
      const receiver = await slowReceiver(300);
      const env = {
        STASHBOARD_ADMIN_TOKEN: TOKEN,
        MONITORS: 'false',
        OUTBOUND_ALLOW: '127.0.0.1',
        NOTIFY_POLL_MS: '50',
        // Long leases: a batch that was not handed back would wait two minutes.
        NOTIFY_LEASE_MS: '120000',
      };
      let server = await startServerProcess(db.url, env);
      try {
        assert.equal((await api(server, '/services', { name: 'API', description: 'The API' })).status, 201);
        const hook = await api(server, '/channels', { kind: 'webhook', name: 'Slow', url: `${receiver.url}/in` });
        assert.equal(hook.status, 201);
        for (let i = 0; i < N; i += 1) {
          const res = await api(server, '/services/api/events', { status: i % 2 ? 'up' : 'down', message: `n${i}` });
          assert.equal(res.status, 201);
        }
        // One channel's deliveries go one after another: stop while the batch is under way.
        await waitFor('the batch under way', async () => receiver.arrivals.length >= 2 || undefined);
        const exit = exited(server);
        server.child.kill('SIGTERM');
        assert.equal(await exit, 0);
        const beforeRestart = receiver.arrivals.length;
        assert.ok(beforeRestart < N, 'the batch was interrupted');

        server = await startServerProcess(db.url, env);
        await waitFor('every notice delivered', async () => receiver.arrivals.length >= N || undefined, 30_000);
        // Give a duplicate the chance to show up.
        await new Promise((r) => setTimeout(r, 1000));
        const keys = receiver.arrivals.map((a) => a.headers['idempotency-key']);
        assert.equal(keys.length, N, 'each notice arrived once');
        assert.equal(new Set(keys).size, N);
        const messages = receiver.arrivals.map(
          (a) => (JSON.parse(a.body) as { event: { message: string } }).event.message,
        );
        assert.deepEqual(messages.sort(), Array.from({ length: N }, (_, i) => `n${i}`).sort());
      } finally {
        await server.kill();
        await receiver.close();
        await db.drop();
      }
    });
  });
}
