// `npm run bench`: Stashboard's cached endpoints (pages, v1 and the Statuspage v2 JSON) against
// a bare node:http server sending the same bytes, p99 while events are posted 10/s, the first
// uncached render of `/` with 200 services x 90 days, and the first uncached 90-day uptime of
// 200 services with 100,000 events. The server runs on CPU 0, this load generator on CPU 1 (taskset).
//
// BENCH_SECONDS (default 8) sets each measurement's length; BENCH_CONNECTIONS (default 32).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import http from 'node:http';
// @ts-expect-error autocannon ships no type declarations
import autocannon from 'autocannon';
import { connect } from '../src/db/connect.ts';
import { ChangeBus } from '../src/changes/bus.ts';
import { prepareDatabase } from '../src/services/setup.ts';
import { systemIds } from '../src/services/system.ts';
import type { Context } from '../src/services/context.ts';
import { createService } from '../src/services/services.ts';
import { createServiceList } from '../src/services/service-lists.ts';
import { insertEvent } from '../src/db/repositories/events.ts';
import { allStatuses } from '../src/db/repositories/statuses.ts';
import { statuspageUptime } from '../src/services/uptime.ts';
import { getSiteSettings } from '../src/services/site-settings.ts';
import { listServices } from '../src/services/services.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TOKEN = 'bench-admin-token-0123456789abcdef';
const ADMIN = { kind: 'cli', name: 'bench', scope: 'admin' } as const;
const DAY = 86_400_000;
const ENCODING = 'br, gzip';
const pinning = availableParallelism() >= 2 && hasTaskset();

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Seeds a database: `services` services in 4 lists, events spread over `days` days. */
async function seed(file: string, services: number, days: number): Promise<void> {
  const now = Date.now();
  const ctx: Context = {
    database: connect(file),
    clock: { now: () => now },
    ids: systemIds(),
    changes: new ChangeBus(),
  };
  await prepareDatabase(ctx);
  for (const name of ['Core', 'Edge', 'Data'])
    await createServiceList(ctx, ADMIN, { name, description: `${name} services` });
  const created: Array<{ id: number; name: string }> = [];
  for (let i = 0; i < services; i += 1) {
    created.push(
      await createService(ctx, ADMIN, {
        name: `Service ${String(i).padStart(3, '0')}`,
        description: `Service number ${i}`,
        list: ['core', 'edge', 'data', ''][i % 4],
      }),
    );
  }
  const statuses = new Map((await allStatuses(ctx.database.db)).map((s) => [s.slug, s.id]));
  await ctx.database.db.transaction().execute(async (trx) => {
    for (const [i, service] of created.entries()) {
      // An event every day or two, some incidents and notes: a busy but plausible history.
      for (let d = days + 5; d >= 0; d -= 1 + ((i + d) % 2)) {
        const status = d % 23 === i % 23 ? 'down' : d % 7 === i % 7 ? 'warning' : 'up';
        await insertEvent(trx, {
          sid: ctx.ids.eventSid(),
          serviceId: service.id,
          statusId: statuses.get(status)!,
          message: `Check ${d} of ${service.name}`,
          informational: d % 13 === 0,
          timestamp: now - d * DAY - (i % 24) * 3_600_000,
          author: 'cli:bench',
        });
      }
    }
  });
  await ctx.database.close();
}

/** `services` services with `events` events spread evenly over `days` days, statuses cycling through up/warning/down. */
async function seedDense(file: string, services: number, events: number, days: number): Promise<void> {
  const now = Date.now();
  const ctx: Context = {
    database: connect(file),
    clock: { now: () => now },
    ids: systemIds(),
    changes: new ChangeBus(),
  };
  await prepareDatabase(ctx);
  const created: Array<{ id: number }> = [];
  for (let i = 0; i < services; i += 1)
    created.push(
      await createService(ctx, ADMIN, { name: `Service ${String(i).padStart(3, '0')}`, description: `Service ${i}` }),
    );
  const statuses = new Map((await allStatuses(ctx.database.db)).map((s) => [s.slug, s.id]));
  const perService = Math.floor(events / services);
  const step = Math.floor((days * DAY) / perService);
  await ctx.database.db.transaction().execute(async (trx) => {
    for (const [i, service] of created.entries()) {
      for (let k = 0; k < perService; k += 1) {
        const status = k % 11 === 0 ? 'down' : k % 5 === 0 ? 'warning' : 'up';
        await insertEvent(trx, {
          sid: ctx.ids.eventSid(),
          serviceId: service.id,
          statusId: statuses.get(status)!,
          message: `Check ${k}`,
          informational: false,
          timestamp: now - days * DAY + k * step + i * 1000,
          author: 'cli:bench',
        });
      }
    }
  });
  await ctx.database.close();
}

/** Times the uptime computation itself (the use case the route calls), first and warm. */
async function uptimeInProcess(file: string): Promise<{ first: number; median: number }> {
  const ctx: Context = {
    database: connect(file),
    clock: { now: () => Date.now() },
    ids: systemIds(),
    changes: new ChangeBus(),
  };
  const settings = await getSiteSettings(ctx);
  const services = await listServices(ctx);
  const run = async () => {
    const started = performance.now();
    await statuspageUptime(ctx, settings, services, 90);
    return performance.now() - started;
  };
  const first = await run();
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) times.push(await run());
  times.sort((a, b) => a - b);
  await ctx.database.close();
  return { first, median: times[2]! };
}

async function startProcess(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; output: string }> {
  const command = pinning ? 'taskset' : process.execPath;
  const argv = pinning ? ['-c', '0', process.execPath, ...args] : args;
  const child = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const seen = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`process exited (${code}): ${output}`)));
  });
  await seen;
  return { child, output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

async function startStashboard(database: string, port: number): Promise<ChildProcess> {
  const { child } = await startProcess(
    ['--import', 'tsx', 'src/main.ts'],
    {
      DATABASE_URL: database,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      STASHBOARD_ADMIN_TOKEN: TOKEN,
      ADMIN_RATE_LIMIT: '100000',
    },
    /stashboard is serving|listening|No user exists yet/,
  );
  // Wait until it answers.
  for (let i = 0; i < 100; i += 1) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('stashboard did not start');
}

async function load(
  url: string,
  seconds = SECONDS,
): Promise<{ rps: number; p99: number; p50: number; errors: number; non2xx: number }> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'accept-encoding': ENCODING },
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    p50: result.latency.p50,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** A GET that keeps the body as sent (fetch would decompress it). */
function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

function freePort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}

async function main(): Promise<void> {
  if (pinning) execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'stashboard-bench-'));
  const children: ChildProcess[] = [];
  try {
    process.stdout.write(
      `Stashboard bench: ${SECONDS} s per run, ${CONNECTIONS} connections, accept-encoding "${ENCODING}", ${pinning ? 'server on CPU 0, load generator on CPU 1' : 'NOT pinned (taskset or a second CPU missing)'}\n\n`,
    );
    const small = join(dir, 'small.db');
    await seed(small, 20, 90);
    const port = freePort();
    const server = await startStashboard(small, port);
    children.push(server);
    const base = `http://127.0.0.1:${port}`;
    const paths = ['/', '/api/v1/services', '/rss', '/api/v2/summary.json', '/api/v2/uptime.json'];

    // Capture the exact bytes and headers Stashboard sends, for the bare server.
    const fixtures = [];
    for (const path of paths) {
      const res = await rawGet(`${base}${path}`, { 'accept-encoding': ENCODING });
      const body = res.body;
      const headers: Record<string, string> = {};
      for (const name of [
        'content-type',
        'content-encoding',
        'etag',
        'cache-control',
        'vary',
        'content-security-policy',
        'x-content-type-options',
        'access-control-allow-origin',
      ]) {
        const value = res.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const bodyFile = join(dir, `fixture-${fixtures.length}`);
      writeFileSync(bodyFile, body);
      fixtures.push({ path, headers, bodyFile, bytes: body.length });
    }
    const fixtureFile = join(dir, 'fixtures.json');
    writeFileSync(fixtureFile, JSON.stringify(fixtures));

    const stash: Record<string, Awaited<ReturnType<typeof load>>> = {};
    for (const path of paths) {
      await load(`${base}${path}`, 2); // warm-up (JIT)
      stash[path] = await load(`${base}${path}`);
    }
    await stop(server);

    const barePort = freePort();
    const bare = await startProcess(
      ['--import', 'tsx', 'bench/bare.ts', fixtureFile, String(barePort)],
      {},
      /listening/,
    );
    children.push(bare.child);
    const bareResults: Record<string, Awaited<ReturnType<typeof load>>> = {};
    for (const path of paths) {
      await load(`http://127.0.0.1:${barePort}${path}`, 2);
      bareResults[path] = await load(`http://127.0.0.1:${barePort}${path}`);
    }
    await stop(bare.child);

    process.stdout.write(
      'endpoint (20 services x 90 days)   bytes   stashboard req/s   bare node req/s   ratio   p99 ms (stash/bare)\n',
    );
    for (const [i, path] of paths.entries()) {
      const s = stash[path]!;
      const b = bareResults[path]!;
      process.stdout.write(
        `${path.padEnd(34)} ${String(fixtures[i]!.bytes).padStart(6)}   ${s.rps.toFixed(0).padStart(16)}   ${b.rps.toFixed(0).padStart(15)}   ${(s.rps / b.rps).toFixed(2).padStart(5)}   ${s.p99}/${b.p99}${s.non2xx || s.errors ? `  (errors ${s.errors}, non-2xx ${s.non2xx})` : ''}\n`,
      );
    }

    // p99 under writes: events posted 10 times a second while `/` and the API are loaded.
    const writer = await startStashboard(small, port);
    children.push(writer);
    await load(`${base}/`, 1);
    let posted = 0;
    let failed = 0;
    const statuses = ['up', 'warning', 'down', 'up'];
    const ticker = setInterval(() => {
      const n = posted + failed;
      fetch(`${base}/admin/api/v1/services/service-${String(n % 20).padStart(3, '0')}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ status: statuses[n % 4]!, message: `Bench write ${n}` }),
      }).then(
        (r) => {
          if (r.status === 201) posted += 1;
          else failed += 1;
        },
        () => {
          failed += 1;
        },
      );
    }, 100);
    const underWrites = await load(`${base}/`);
    const apiUnderWrites = await load(`${base}/api/v1/services`);
    clearInterval(ticker);
    process.stdout.write(`\nwhile posting 10 events/s (${posted} posted, ${failed} failed):\n`);
    process.stdout.write(
      `  /                 p99 ${underWrites.p99} ms, p50 ${underWrites.p50} ms, ${underWrites.rps.toFixed(0)} req/s (without writes: p99 ${stash['/']!.p99} ms)\n`,
    );
    process.stdout.write(
      `  /api/v1/services  p99 ${apiUnderWrites.p99} ms, p50 ${apiUnderWrites.p50} ms, ${apiUnderWrites.rps.toFixed(0)} req/s (without writes: p99 ${stash['/api/v1/services']!.p99} ms)\n`,
    );
    await stop(writer);

    // The first, uncached render of `/` with 200 services x 90 days.
    const big = join(dir, 'big.db');
    const seedStart = performance.now();
    await seed(big, 200, 90);
    const seeded = performance.now() - seedStart;
    const bigServer = await startStashboard(big, port);
    children.push(bigServer);
    const time = async (headers: Record<string, string> = { 'accept-encoding': ENCODING }) => {
      const started = performance.now();
      const res = await rawGet(`${base}/`, headers);
      return { ms: performance.now() - started, bytes: res.body.length, status: res.status };
    };
    const first = await time();
    const cached = await time();
    const renders: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await fetch(`${base}/admin/api/v1/services/service-000/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ message: `Invalidate ${i}` }),
      });
      renders.push((await time()).ms);
    }
    const identity = await time({});
    renders.sort((a, b) => a - b);
    process.stdout.write(`\n/ with 200 services x 90 days (seeded in ${(seeded / 1000).toFixed(1)} s):\n`);
    process.stdout.write(
      `  first uncached render (cold process): ${first.ms.toFixed(0)} ms, ${first.bytes} B brotli, ${identity.bytes} B uncompressed\n`,
    );
    process.stdout.write(
      `  re-render after a write (median of 5, warm): ${renders[2]!.toFixed(0)} ms; cached hit: ${cached.ms.toFixed(1)} ms\n`,
    );
    await stop(bigServer);

    // Uptime over 90 days for 200 services with 100,000 events (contract §8), uncached.
    const dense = join(dir, 'dense.db');
    await seedDense(dense, 200, 100_000, 90);
    const denseServer = await startStashboard(dense, port);
    children.push(denseServer);
    const uptimeUrl = `${base}/api/v2/uptime.json?days=90`;
    const timeUptime = async () => {
      const started = performance.now();
      const res = await rawGet(uptimeUrl, { 'accept-encoding': ENCODING });
      if (res.status !== 200) throw new Error(`uptime.json answered ${res.status}`);
      return { ms: performance.now() - started, bytes: res.body.length };
    };
    const firstUptime = await timeUptime();
    const uptimeRenders: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await fetch(`${base}/admin/api/v1/services/service-000/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ message: `Invalidate ${i}` }),
      });
      uptimeRenders.push((await timeUptime()).ms);
    }
    uptimeRenders.sort((a, b) => a - b);
    await stop(denseServer);
    const computed = await uptimeInProcess(dense);
    process.stdout.write(`
/api/v2/uptime.json?days=90 with 200 services and 100,000 events:
`);
    process.stdout.write(
      `  first uncached answer (cold process, over HTTP): ${firstUptime.ms.toFixed(0)} ms, ${firstUptime.bytes} B brotli
`,
    );
    process.stdout.write(
      `  uncached answer after a write (median of 5, warm): ${uptimeRenders[2]!.toFixed(0)} ms
`,
    );
    process.stdout.write(
      `  the computation alone, in process: first ${computed.first.toFixed(0)} ms, then median ${computed.median.toFixed(0)} ms (target < 100 ms)
`,
    );
  } finally {
    for (const child of children) await stop(child).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
