// `npm run bench:abuse`: can anonymous clients make the server do unbounded work?
// Seeds 100,000 events on one service, then 50 concurrent anonymous wrk connections hit public
// URLs with cache-busting query strings, the events list (default page, large pages, cursors)
// and JSONP callbacks, while this process measures /healthz latency and the server's peak RSS.
// Goal (issue 11): /healthz p99 under 100 ms and the server under 300 MB throughout.
// The server runs on CPU 0, wrk and this process on CPU 1 (taskset), wrk at nice 10 so the probe
// is not measuring its wait for the load generator's CPU.
//
// BENCH_SECONDS (default 20), BENCH_EVENTS (default 100000), BENCH_CONNECTIONS (default 50);
// BENCH_DB=file keeps the seeded database there and reuses it on the next run.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import http from 'node:http';
import { connect } from '../src/db/connect.ts';
import { ChangeBus } from '../src/changes/bus.ts';
import { prepareDatabase } from '../src/services/setup.ts';
import { systemIds } from '../src/services/system.ts';
import type { Context } from '../src/services/context.ts';
import { createService } from '../src/services/services.ts';
import { insertEvents, type NewEvent } from '../src/db/repositories/events.ts';
import { allStatuses } from '../src/db/repositories/statuses.ts';
import { npmStartFlags } from './npm-start.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ADMIN = { kind: 'cli', name: 'bench', scope: 'admin' } as const;
const pinning = availableParallelism() >= 2 && hasTaskset();

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** One service with `EVENTS` events a minute apart, and a few quiet ones. Returns some sids for cursors. */
async function seed(file: string): Promise<string[]> {
  const now = Date.now();
  const ctx: Context = {
    database: connect(file),
    clock: { now: () => now },
    ids: systemIds(),
    changes: new ChangeBus(),
  };
  await prepareDatabase(ctx);
  const api = await createService(ctx, ADMIN, { name: 'API', description: 'The busy one' });
  for (const name of ['Web', 'Mail', 'DNS']) await createService(ctx, ADMIN, { name, description: name });
  const statuses = new Map((await allStatuses(ctx.database.db)).map((s) => [s.slug, s.id]));
  const cursors: string[] = [];
  // In bulk: one insert per chunk, the uptime days counted once at the end.
  const rows: NewEvent[] = [];
  for (let i = 0; i < EVENTS; i += 1) {
    const sid = ctx.ids.eventSid();
    if (i % 997 === 0) cursors.push(sid);
    rows.push({
      sid,
      serviceId: api.id,
      statusId: statuses.get(i % 11 === 0 ? 'down' : 'up')!,
      message: `Event ${i}: ${'a fairly long status message with details '.repeat(6)}`,
      informational: false,
      timestamp: now - (EVENTS - i) * 60_000,
      author: 'cli:bench',
    });
  }
  await ctx.database.db.transaction().execute((trx) => insertEvents(trx, rows));
  await ctx.database.close();
  return cursors;
}

/** The server as `npm start` runs it (the compiled build), request logging at the default level. */
async function startStashboard(database: string, port: number): Promise<ChildProcess> {
  const args = [...npmStartFlags(), 'bin/stashboard.js', 'serve'];
  const command = pinning ? 'taskset' : process.execPath;
  const argv = pinning ? ['-c', '0', process.execPath, ...args] : args;
  const child = spawn(command, argv, {
    cwd: new URL('..', import.meta.url),
    env: { ...process.env, DATABASE_URL: database, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i += 1) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('stashboard did not start');
}

/** The Lua script wrk runs: every request a random public URL, most of them never seen before. */
function wrkScript(cursors: string[]): string {
  const templates = [
    '/?x=RAND',
    '/?utm_source=RAND',
    '/services/api?cb=RAND',
    '/services/api?page=1&x=RAND',
    '/service-lists?RAND',
    '/summary?RAND',
    '/rss?x=RAND',
    '/atom?x=RAND',
    '/badge.svg?RAND',
    '/services/api/badge.svg?RAND',
    '/api/v1/services?RAND',
    '/api/v1/services?callback=cbRAND',
    '/api/v1/services/api/events',
    '/api/v1/services/api/events?x=RAND',
    '/api/v1/services/api/events?callback=cbRAND',
    '/api/v1/services/api/events?limit=1000',
    '/api/v1/services/api/events?limit=LIMIT',
    '/api/v1/services/api/events?limit=1000&before=CURSOR',
    '/api/v1/services/api/events?start=2000-01-01&end=2100-01-01&x=RAND',
  ];
  return `
math.randomseed(os.time())
local templates = { ${templates.map((t) => JSON.stringify(t)).join(', ')} }
local cursors = { ${cursors.map((c) => JSON.stringify(c)).join(', ')} }
request = function()
  local path = templates[math.random(#templates)]
  path = path:gsub("RAND", tostring(math.random(1, 1000000000)))
  path = path:gsub("LIMIT", tostring(math.random(1, 1000)))
  path = path:gsub("CURSOR", cursors[math.random(#cursors)])
  return wrk.format("GET", path, { ["Accept-Encoding"] = "br, gzip" })
end
`;
}

function timedGet(url: string): Promise<{ ms: number; status: number }> {
  const start = performance.now();
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, timeout: 30_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - start, status: res.statusCode ?? 0 }));
    });
    request.on('error', () => resolve({ ms: performance.now() - start, status: 0 }));
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Resident set size now and at its peak (VmHWM), in MB. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function main(): Promise<void> {
  if (pinning) execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'stashboard-abuse-'));
  let server: ChildProcess | undefined;
  try {
    process.stdout.write(
      `Abuse bench: ${EVENTS} events on one service, ${CONNECTIONS} anonymous connections for ${SECONDS} s, ` +
        `${pinning ? 'server on CPU 0, wrk and the /healthz probe on CPU 1' : 'NOT pinned'}\n`,
    );
    const file = process.env.BENCH_DB ?? join(dir, 'abuse.db');
    const seeding = performance.now();
    const cursorFile = `${file}.cursors.json`;
    const cursors = existsSync(cursorFile)
      ? (JSON.parse(readFileSync(cursorFile, 'utf8')) as string[])
      : await seed(file);
    writeFileSync(cursorFile, JSON.stringify(cursors));
    process.stdout.write(`seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s\n`);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    server = await startStashboard(file, port);
    const base = `http://127.0.0.1:${port}`;
    // Warm the cache as production traffic keeps it: the first render of a page over 100,000
    // events is a one-off (then cached until the next change) that no anonymous URL can repeat.
    for (const path of [
      '/',
      '/services/api',
      '/service-lists',
      '/summary',
      '/rss',
      '/atom',
      '/badge.svg',
      '/services/api/badge.svg',
      '/api/v1/services',
      '/api/v1/services/api/events',
    ]) {
      await timedGet(`${base}${path}`);
    }
    const idle = [];
    for (let i = 0; i < 20; i += 1) idle.push((await timedGet(`${base}/healthz`)).ms);
    const before = memory(server.pid!);
    process.stdout.write(`idle: /healthz p99 ${percentile(idle, 99).toFixed(1)} ms, RSS ${before.rss.toFixed(0)} MB\n`);

    const script = join(dir, 'abuse.lua');
    writeFileSync(script, wrkScript(cursors));
    const wrkArgs = ['-t', '2', '-c', String(CONNECTIONS), '-d', `${SECONDS}s`, '--timeout', '30s', '-s', script, base];
    // wrk at a lower priority than this process: the /healthz probe stands for a load balancer
    // elsewhere, so its timing must not wait for the attacker's CPU (they share CPU 1).
    const wrkCommand = pinning ? ['taskset', '-c', '1', 'wrk', ...wrkArgs] : ['wrk', ...wrkArgs];
    const wrk = spawn('nice', ['-n', '10', ...wrkCommand], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let wrkOutput = '';
    wrk.stdout!.on('data', (d: Buffer) => (wrkOutput += d.toString()));
    // 'close', not 'exit': wrk may have exited before all it printed has been read.
    const done = once(wrk, 'close');
    const running = () => wrk.exitCode === null && wrk.signalCode === null;

    // While wrk runs: /healthz every 50 ms, and the server's memory.
    const health: number[] = [];
    let failures = 0;
    let peakRss = before.rss;
    await new Promise((r) => setTimeout(r, 500));
    while (running()) {
      const probe = await timedGet(`${base}/healthz`);
      // A probe that outlasted the load is not a measurement under load.
      if (running()) {
        health.push(probe.ms);
        if (probe.status !== 200) failures += 1;
      }
      peakRss = Math.max(peakRss, memory(server.pid!).rss);
      await new Promise((r) => setTimeout(r, 50));
    }
    await done;
    const after = memory(server.pid!);
    process.stdout.write(`\n${wrkOutput.trim()}\n\n`);
    process.stdout.write(
      `/healthz under load: ${health.length} probes, p50 ${percentile(health, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(health, 99).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms, ${failures} not 200\n`,
    );
    process.stdout.write(
      `server memory: RSS peak ${Math.max(peakRss, after.peak).toFixed(0)} MB (VmHWM ${after.peak.toFixed(0)} MB), ` +
        `now ${after.rss.toFixed(0)} MB\n`,
    );
    const p99 = percentile(health, 99);
    const ok = p99 < 100 && after.peak < 300;
    process.stdout.write(`goal (p99 < 100 ms, peak < 300 MB): ${ok ? 'met' : 'NOT met'}\n`);
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
