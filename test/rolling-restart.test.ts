import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http, { createServer, type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { BACKENDS, freshDatabaseUrl } from './support/harness.ts';
import { startServerProcess, waitFor, type ServerProcess } from './support/server-process.ts';

const TOKEN = 'rolling-test-admin-token-0123456789ab';

/** Resolves with the exit code once the process has ended. */
function exited(server: ServerProcess): Promise<number | null> {
  const child = server.child;
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

type Outcome =
  | { kind: 'answered'; status: number; body: string }
  /** No byte of an answer arrived (refused, or reset before any): a load balancer retries these. */
  | { kind: 'retryable'; error: string }
  /** An answer started and was cut: nobody may retry it (it was lost). */
  | { kind: 'cut'; error: string };

/** One request on its own connection, reporting how it ended as a load balancer would see it. */
function attempt(base: string, method: string, path: string, form?: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    let started = false;
    const req = http.request(
      `${base}${path}`,
      {
        method,
        agent: false,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
      },
      (res) => {
        started = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ kind: 'answered', status: res.statusCode ?? 0, body: text }));
        res.on('error', (error) => resolve({ kind: 'cut', error: String(error) }));
        res.on('aborted', () => resolve({ kind: 'cut', error: 'aborted' }));
      },
    );
    req.on('error', (error) =>
      resolve(started ? { kind: 'cut', error: String(error) } : { kind: 'retryable', error: String(error) }),
    );
    req.end(body);
  });
}

/** A webhook receiver that records what arrived. */
async function receiver() {
  const arrivals: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (c: Buffer) => (body += c.toString()));
    request.on('end', () => {
      arrivals.push({ headers: request.headers, body });
      response.writeHead(200).end('ok');
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

describe('graceful shutdown: the in-flight wait is bounded', () => {
  it('a request that never finishes does not hold the exit past SHUTDOWN_TIMEOUT; exit 0, logs flushed', async () => {
    const db = await freshDatabaseUrl('sqlite');
    const server = await startServerProcess(db.url, {
      STASHBOARD_ADMIN_TOKEN: TOKEN,
      MONITORS: 'false',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT: '2',
    });
    const stuck = new net.Socket();
    try {
      // A request whose body never arrives: in flight for as long as the connection lasts.
      const port = Number(new URL(server.url).port);
      await new Promise<void>((resolve, reject) => {
        stuck.once('error', reject);
        stuck.connect(port, '127.0.0.1', () => resolve());
      });
      stuck.on('error', () => {});
      stuck.write(
        'POST /admin/api/v1/services HTTP/1.1\r\nHost: x\r\n' +
          `Authorization: Bearer ${TOKEN}\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
          'Content-Length: 1000\r\n\r\nname=Never',
      );
      const closed = new Promise<void>((resolve) => stuck.once('close', () => resolve()));
      // Its log line says it is under way only once it ends; wait until the server has it.
      await new Promise((r) => setTimeout(r, 300));
      const exit = exited(server);
      const signalledAt = Date.now();
      server.child.kill('SIGTERM');
      assert.equal(await exit, 0, 'exit code 0');
      const took = Date.now() - signalledAt;
      assert.ok(took >= 1_900, `waited for the request up to the bound (${took} ms)`);
      assert.ok(took < 9_000, `but not much longer (${took} ms)`);
      await closed;
      const log = server.output();
      assert.match(log, /"msg":"shutdown timeout: closing the remaining connections"/);
      assert.match(log.trim().split('\n').at(-1)!, /"msg":"shut down cleanly"/, 'the last line was flushed');
    } finally {
      stuck.destroy();
      await server.kill();
      await db.drop();
    }
  });
});

describe(
  'a rolling restart of two instances on PostgreSQL under load',
  { skip: !BACKENDS.includes('postgres') && 'no TEST_DATABASE_URL' },
  () => {
    it('loses no request a load balancer would not retry, and no notification; none is sent twice', async (t) => {
      const db = await freshDatabaseUrl('postgres');
      const hook = await receiver();
      const env = {
        STASHBOARD_ADMIN_TOKEN: TOKEN,
        MONITORS: 'false',
        OUTBOUND_ALLOW: '127.0.0.1',
        NOTIFY_POLL_MS: '50',
        SHUTDOWN_TIMEOUT: '5',
        // Every write drops the caches, and all requests come from one address: not what is tested here.
        RENDER_LIMIT: '1000000',
      };
      const instances: ServerProcess[] = [];
      try {
        instances.push(await startServerProcess(db.url, env), await startServerProcess(db.url, env));
        const [first] = instances as [ServerProcess];
        const setup = (path: string, form: Record<string, string>) =>
          attempt(first.url, 'POST', `/admin/api/v1${path}`, form);
        assert.equal(
          ((await setup('/services', { name: 'API', description: 'The API' })) as { status: number }).status,
          201,
        );
        const channel = await setup('/channels', { kind: 'webhook', name: 'Hook', url: `${hook.url}/in` });
        assert.equal((channel as { status: number }).status, 201);

        // The load balancer: round robin over the instances up, retrying on the next one what
        // never got a byte of an answer.
        let next = 0;
        const stats = { retried: 0, answered: 0 };
        const lost: string[] = [];
        const balanced = async (method: string, path: string, form?: Record<string, string>) => {
          for (let tries = 0; tries < 50; tries += 1) {
            const up = instances.filter((s) => s.child.exitCode === null);
            const target = up[next++ % Math.max(up.length, 1)] ?? instances[0]!;
            const outcome = await attempt(target.url, method, path, form);
            if (outcome.kind === 'retryable') {
              stats.retried += 1;
              await new Promise((r) => setTimeout(r, 5));
              continue;
            }
            if (outcome.kind === 'cut') lost.push(`${method} ${path}: cut (${outcome.error})`);
            else stats.answered += 1;
            return outcome;
          }
          lost.push(`${method} ${path}: no instance answered`);
          return undefined;
        };

        const posted: string[] = [];
        let running = true;
        let n = 0;
        const writer = async () => {
          while (running) {
            const message = `rolling ${n++}`;
            const outcome = await balanced('POST', '/admin/api/v1/services/api/events', {
              status: n % 2 ? 'down' : 'up',
              message,
            });
            if (outcome?.kind !== 'answered') continue;
            if (outcome.status === 201) posted.push(message);
            else lost.push(`POST ${message}: ${outcome.status} ${outcome.body.slice(0, 120)}`);
          }
        };
        const reader = async () => {
          while (running) {
            const outcome = await balanced('GET', '/api/v1/services');
            if (outcome?.kind === 'answered' && outcome.status !== 200) {
              lost.push(`GET: ${outcome.status} ${outcome.body.slice(0, 120)}`);
            }
          }
        };
        const load = [writer(), writer(), reader(), reader(), reader()];

        const roll = async (index: number) => {
          const before = posted.length;
          await waitFor('load before the restart', async () => posted.length >= before + 10 || undefined, 30_000);
          const old = instances[index]!;
          const exit = exited(old);
          old.child.kill('SIGTERM');
          assert.equal(await exit, 0, `instance ${index} exits 0`);
          instances[index] = await startServerProcess(db.url, env);
        };
        await roll(0);
        await roll(1);
        const settled = posted.length;
        await waitFor('load after the restarts', async () => posted.length >= settled + 10 || undefined, 30_000);
        running = false;
        await Promise.all(load);

        t.diagnostic(`answered ${stats.answered}, retried ${stats.retried}, events posted ${posted.length}`);
        assert.deepEqual(lost, [], 'every request was answered in full or retried before any byte');
        assert.ok(posted.length >= 30, `events posted under load: ${posted.length}`);
        await waitFor(
          'every notification delivered',
          async () => hook.arrivals.length >= posted.length || undefined,
          60_000,
        );
        // Time for a duplicate to show up.
        await new Promise((r) => setTimeout(r, 1_000));
        const keys = hook.arrivals.map((a) => a.headers['idempotency-key']);
        assert.equal(new Set(keys).size, keys.length, 'no notification sent twice');
        const delivered = hook.arrivals.map(
          (a) => (JSON.parse(a.body) as { event: { message: string } }).event.message,
        );
        assert.deepEqual([...delivered].sort(), [...posted].sort(), 'one notification per posted event');
      } finally {
        await Promise.all(instances.map((s) => s.kill()));
        await hook.close();
        await db.drop();
      }
    });
  },
);
