// `npm run bench`: in one run,
//  - every public cached endpoint under wrk, against a bare node:http server sending the same
//    bytes and headers (the ratio is what Stashboard costs per request);
//  - the server's resident memory idle and after that load;
//  - live fan-out: 10,000 Server-Sent Events connections, one event posted, p99 until each has it;
//  - the event ingest rate on SQLite (each answer waits for its fsync): after a warm-up, one writer, then
//    16 writers (wrk posting).
//
// Requires wrk (Debian: `apt-get install wrk`) and, for meaningful numbers, taskset and two CPUs:
// the servers run on CPU 0, wrk and this script on CPU 1. The server is started as `npm start`
// starts it (`bin/stashboard.js serve`), with request logging at the default level.
//
// On a machine shared with other work, throughput swings with whatever else runs, even between
// the two runs of a pair. Two more ratios are steadier: requests per second of the server's own
// CPU time (from /proc), and "same moment": both servers loaded at once (both on CPU 0, one wrk
// each on CPU 1), so that they share the core and whatever slows the machine slows both alike.
//
// BENCH_RUN_SECONDS (default 3): each endpoint run; BENCH_REPEAT (default 6): runs per endpoint and
// server, in pairs, the median is reported; BENCH_SAME_REPEAT (default 4): runs of both servers at
// the same moment per endpoint; BENCH_PROCESSES (default 3): processes of each server
// the pairs rotate through; BENCH_SECONDS (default 5): each ingest load;
// BENCH_CONNECTIONS (default 50); BENCH_LIVE (default 10000):
// live connections; BENCH_ONLY: comma-separated parts to run (endpoints,live,ingest); BENCH_PATHS:
// comma-separated endpoints to measure (default: all).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, availableParallelism } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import net from 'node:net';
import { connect } from '../src/db/connect.ts';
import { ChangeBus } from '../src/changes/bus.ts';
import { prepareDatabase } from '../src/services/setup.ts';
import { systemIds } from '../src/services/system.ts';
import type { Context } from '../src/services/context.ts';
import { createService } from '../src/services/services.ts';
import { createServiceList } from '../src/services/service-lists.ts';
import { insertEvents, type NewEvent } from '../src/db/repositories/events.ts';
import { allStatuses } from '../src/db/repositories/statuses.ts';
import { npmStartFlags } from './npm-start.ts';

/** Seconds of each ingest load. */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** Seconds of each endpoint run; each endpoint gets BENCH_REPEAT runs on each server. */
const RUN_SECONDS = Number(process.env.BENCH_RUN_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 6);
/** Runs per endpoint with both servers loaded at the same moment. */
const SAME_REPEAT = Number(process.env.BENCH_SAME_REPEAT ?? 4);
/**
 * Processes of each server the pairs rotate through. On this kind of machine one process can run
 * 20% faster or slower than another for its whole life; rotating keeps one from setting the result.
 */
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 3);
const LIVE = Number(process.env.BENCH_LIVE ?? 10_000);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'endpoints,live,ingest').split(','));
const PATHS = process.env.BENCH_PATHS ? new Set(process.env.BENCH_PATHS.split(',')) : undefined;
const TOKEN = 'bench-admin-token-0123456789abcdef';
const ADMIN = { kind: 'cli', name: 'bench', scope: 'admin' } as const;
const DAY = 86_400_000;
const ENCODING = 'br, gzip';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pinning = availableParallelism() >= 2 && has('taskset', ['-V']);

function has(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk -v exits 1 after printing its version.
    return (error as { code?: string }).code !== 'ENOENT';
  }
}

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
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
  // In bulk: one insert per chunk, the uptime days counted once at the end.
  const rows: NewEvent[] = [];
  for (const [i, service] of created.entries()) {
    // An event every day or two, some incidents and notes: a busy but plausible history.
    for (let d = days + 5; d >= 0; d -= 1 + ((i + d) % 2)) {
      const status = d % 23 === i % 23 ? 'down' : d % 7 === i % 7 ? 'warning' : 'up';
      rows.push({
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
  await ctx.database.db.transaction().execute((trx) => insertEvents(trx, rows));
  await ctx.database.close();
}

/**
 * Starts a process on CPU 0 and waits for `ready` in its output. With `logFile`, standard output
 * goes to that file, as a deployment's log would: read back by this script, which shares CPU 1
 * with wrk, it would be taken slower than a busy server writes it.
 */
async function startProcess(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  logFile?: string,
): Promise<ChildProcess> {
  const command = pinning ? 'taskset' : process.execPath;
  const argv = pinning ? ['-c', '0', process.execPath, ...args] : args;
  const out = logFile === undefined ? 'pipe' : openSync(logFile, 'w');
  const child = spawn(command, argv, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', out, 'pipe'] });
  if (typeof out === 'number') closeSync(out);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (ready.test(output) || (logFile !== undefined && ready.test(readFileSync(logFile, 'utf8')))) {
        clearInterval(poll);
        resolve();
      }
    };
    const poll = setInterval(check, 50);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      check();
    };
    child.stdout?.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`process exited (${code}): ${output}`));
    });
  });
  // Keep draining its output so the pipe never blocks it.
  child.stdout?.resume();
  child.stderr!.resume();
  return child;
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The node flags `npm start` passes, so the server runs exactly as started in production (BENCH_NODE_FLAGS replaces them). */
function startFlags(): string[] {
  if (process.env.BENCH_NODE_FLAGS !== undefined) return process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean);
  return npmStartFlags();
}

async function startStashboard(database: string, port: number, logFile: string): Promise<ChildProcess> {
  const child = await startProcess(
    [...startFlags(), 'bin/stashboard.js', 'serve'],
    {
      DATABASE_URL: database,
      PORT: String(port),
      HOST: '127.0.0.1',
      // The default level: one line per request.
      LOG_LEVEL: 'info',
      STASHBOARD_ADMIN_TOKEN: TOKEN,
      ADMIN_RATE_LIMIT: '1000000',
      // Every live connection comes from this one address.
      LIVE_STREAMS_PER_ADDRESS: String(LIVE + 100),
      MONITORS: 'false',
    },
    /stashboard is serving/,
    logFile,
  );
  for (let i = 0; i < 100; i += 1) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  throw new Error('stashboard did not start');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

interface WrkResult {
  rps: number;
  p99: number;
  errors: number;
  /** Requests answered per second of the server's own CPU time (user + system). */
  perCpuSecond: number;
}

/** The CPU time a process has used, in seconds (from /proc; clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime: fields 14 and 15 of stat, 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** wrk's latency as milliseconds ("1.23ms", "850.00us", "1.02s"). */
function ms(text: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) return NaN;
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60_000 }[m[2] as 'us' | 'ms' | 's' | 'm'];
  return Number(m[1]) * factor;
}

/** What one wrk run reports, and the CPU time the server used meanwhile. */
interface WrkRun {
  out: string;
  requests: number;
  rps: number;
  non2xx: number;
  cpuSeconds: number;
}

/** Runs wrk (on CPU 1) with these arguments while measuring the server's CPU time. */
async function runWrk(args: string[], pid: number): Promise<WrkRun> {
  const cpuBefore = cpuSeconds(pid);
  const child = spawn(pinning ? 'taskset' : 'wrk', pinning ? ['-c', '1', 'wrk', ...args] : args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  // 'close', not 'exit': wrk may have exited before all it printed has been read.
  await once(child, 'close');
  return {
    out,
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
    cpuSeconds: cpuSeconds(pid) - cpuBefore,
  };
}

function wrkArgs(url: string, seconds: number): string[] {
  return ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-H', `accept-encoding: ${ENCODING}`, url];
}

async function wrk(url: string, pid: number, seconds = RUN_SECONDS): Promise<WrkResult> {
  const run = await runWrk(wrkArgs(url, seconds), pid);
  const p99 = ms(/\s99%\s+(\S+)/.exec(run.out)?.[1] ?? '');
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(run.out);
  const errors = run.non2xx + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  return { rps: run.rps, p99, errors, perCpuSecond: run.requests / run.cpuSeconds };
}

/** A GET that keeps the body as sent (fetch would decompress it). */
function rawGet(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  // An even count has two middle values: their mean (not the upper one, which reads high).
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const SKIP_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** A server process under measurement: where it answers and its pid (for its CPU time). */
interface Measured {
  base: string;
  pid: number;
}

/** Measures every endpoint; returns the largest resident memory of the Stashboard processes after the load. */
async function endpoints(base: string, dir: string, server: ChildProcess, database: string): Promise<number> {
  const paths = [
    '/',
    '/services/service-001',
    '/api/v1/services',
    '/api/v1/services/service-001/events',
    '/api/v1/statuses',
    '/api/v2/summary.json',
    '/api/v2/status.json',
    '/api/v2/uptime.json',
    '/rss',
    '/atom',
    '/badge.svg',
    '/services/service-001/badge.svg',
    '/widget.js',
  ];
  // Capture the exact bytes and headers Stashboard sends, for the bare server.
  const fixtures = [];
  for (const path of PATHS ? paths.filter((p) => PATHS.has(p)) : paths) {
    const res = await rawGet(`${base}${path}`, { 'accept-encoding': ENCODING });
    if (res.status !== 200) continue; // e.g. no /api/v2 in this version
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (!SKIP_HEADERS.has(name) && typeof value === 'string') headers[name] = value;
    }
    const bodyFile = join(dir, `fixture-${fixtures.length}`);
    writeFileSync(bodyFile, res.body);
    fixtures.push({ path, headers, bodyFile, bytes: res.body.length });
  }
  const fixtureFile = join(dir, 'fixtures.json');
  writeFileSync(fixtureFile, JSON.stringify(fixtures));
  const started: ChildProcess[] = [];
  const stash: Measured[] = [{ base, pid: server.pid! }];
  const bare: Measured[] = [];
  try {
    for (let i = 1; i < PROCESSES; i += 1) {
      const port = await freePort();
      const child = await startStashboard(database, port, join(dir, `stashboard-${i}.log`));
      started.push(child);
      stash.push({ base: `http://127.0.0.1:${port}`, pid: child.pid! });
    }
    for (let i = 0; i < PROCESSES; i += 1) {
      const port = await freePort();
      const child = await startProcess(
        ['--import', 'tsx', 'bench/bare.ts', fixtureFile, String(port)],
        {},
        /listening/,
      );
      started.push(child);
      bare.push({ base: `http://127.0.0.1:${port}`, pid: child.pid! });
    }
    // Like the first process, every process gets its first 30 s to settle (start-up work, V8's
    // compilation and memory reducer) before it is measured.
    await sleep(30_000);
    print(
      `endpoint (20 services x 90 days)       bytes  stashboard req/s  bare node req/s  ratio (median of ${REPEAT})  req per CPU-s stash/bare = ratio  same moment (median of ${SAME_REPEAT})  p99 ms stash/bare`,
    );
    for (const fixture of fixtures) {
      // Warm up every process (JIT, caches).
      for (const target of [...stash, ...bare]) await wrk(`${target.base}${fixture.path}`, target.pid, 1);
      const ratios: number[] = [];
      const s: WrkResult[] = [];
      const b: WrkResult[] = [];
      // Pairs of runs back to back, which server goes first alternating, so that a slow spell of
      // the machine falls on both sides of a pair and drift cancels out; each pair on the next processes.
      for (let i = 0; i < REPEAT; i += 1) {
        const ours = stash[i % stash.length]!;
        const theirs = bare[i % bare.length]!;
        if (i % 2 === 0) {
          s.push(await wrk(`${ours.base}${fixture.path}`, ours.pid));
          b.push(await wrk(`${theirs.base}${fixture.path}`, theirs.pid));
        } else {
          b.push(await wrk(`${theirs.base}${fixture.path}`, theirs.pid));
          s.push(await wrk(`${ours.base}${fixture.path}`, ours.pid));
        }
        ratios.push(s[i]!.rps / b[i]!.rps);
      }
      // Both servers at the same moment, sharing CPU 0: the ratio of their throughputs is the
      // ratio of their costs per request, measured under the very same conditions.
      const same: number[] = [];
      for (let i = 0; i < SAME_REPEAT; i += 1) {
        const ours = stash[i % stash.length]!;
        const theirs = bare[i % bare.length]!;
        const [o, t] = await Promise.all([
          runWrk(wrkArgs(`${ours.base}${fixture.path}`, RUN_SECONDS), ours.pid),
          runWrk(wrkArgs(`${theirs.base}${fixture.path}`, RUN_SECONDS), theirs.pid),
        ]);
        same.push(o.rps / t.rps);
      }
      const sCpu = median(s.map((r) => r.perCpuSecond));
      const bCpu = median(b.map((r) => r.perCpuSecond));
      const errors = s.reduce((n, r) => n + r.errors, 0);
      print(
        `${fixture.path.padEnd(36)} ${String(fixture.bytes).padStart(7)}  ${median(s.map((r) => r.rps))
          .toFixed(0)
          .padStart(16)}  ${median(b.map((r) => r.rps))
          .toFixed(0)
          .padStart(
            15,
          )}  ${median(ratios).toFixed(2).padStart(5)} (${ratios.map((r) => r.toFixed(2)).join(' ')})  ${sCpu.toFixed(0)}/${bCpu.toFixed(0)} = ${(sCpu / bCpu).toFixed(2)}  ${
          same.length > 0 ? `${median(same).toFixed(2)} (${same.map((r) => r.toFixed(2)).join(' ')})` : '-'
        }  ${median(s.map((r) => r.p99)).toFixed(
          1,
        )}/${median(b.map((r) => r.p99)).toFixed(1)}${errors ? `  ERRORS ${errors}` : ''}`,
      );
    }
    print(`\nbare node: ${Math.max(...bare.map((p) => rssMb(p.pid))).toFixed(0)} MB resident after the load`);
    return Math.max(...stash.map((p) => rssMb(p.pid)));
  } finally {
    for (const child of started) await stop(child);
  }
}

/** Opens `count` SSE connections, posts one event, and measures until each connection has it. */
async function liveFanOut(base: string, port: number, count: number): Promise<void> {
  const sockets: net.Socket[] = [];
  const arrivals: number[] = [];
  let greeted = 0;
  let postedAt = 0;
  const request = `GET /api/v1/live HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`;
  const opening: Array<Promise<void>> = [];
  for (let i = 0; i < count; i += 1) {
    opening.push(
      new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        let text = '';
        let hello = false;
        let done = false;
        socket.setEncoding('utf8');
        socket.on('connect', () => socket.write(request));
        socket.on('data', (chunk: string) => {
          text += chunk;
          if (!hello && /^HTTP\/1\.1 [^2]/.test(text)) {
            reject(new Error(`live stream refused: ${text.split('\r\n')[0]}`));
          } else if (!hello && text.includes('"topic":"hello"')) {
            hello = true;
            greeted += 1;
            text = '';
            resolve();
          } else if (hello && !done && text.includes('event: change')) {
            done = true;
            arrivals.push(performance.now() - postedAt);
          }
        });
        socket.on('error', reject);
        sockets.push(socket);
      }),
    );
    // Open in batches so the accept queue is not overrun.
    if (i % 500 === 499) await Promise.all(opening.slice(-500));
  }
  await Promise.all(opening);
  await sleep(500);
  postedAt = performance.now();
  const res = await fetch(`${base}/admin/api/v1/services/service-002/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ status: 'down', message: 'Live fan-out' }),
  });
  const deadline = Date.now() + 30_000;
  while (arrivals.length < count && Date.now() < deadline) await sleep(20);
  print(
    `live fan-out: ${greeted} connections, post ${res.status}, ${arrivals.length} received the event; p50 ${percentile(arrivals, 50).toFixed(0)} ms, p99 ${percentile(arrivals, 99).toFixed(0)} ms, max ${Math.max(...arrivals).toFixed(0)} ms`,
  );
  for (const socket of sockets) socket.destroy();
}

/** wrk's request script for the ingest: POSTs events, turn by turn on 20 services and 4 statuses. */
const INGEST_LUA = `
local n = 0
local statuses = { "up", "warning", "down", "up" }
request = function()
  n = n + 1
  local path = string.format("/admin/api/v1/services/service-%03d/events", n % 20)
  local body = "status=" .. statuses[(n % 4) + 1] .. "&message=Ingest+" .. n
  return wrk.format("POST", path, {
    ["authorization"] = "Bearer ${TOKEN}",
    ["content-type"] = "application/x-www-form-urlencoded",
  }, body)
end
`;

/**
 * Posts events for `seconds` with `writers` concurrent connections (wrk and its Lua script, on
 * the other CPU); returns events per second and the requests that were not answered 201.
 */
async function ingest(
  base: string,
  dir: string,
  pid: number,
  writers: number,
  seconds: number,
): Promise<{ rate: number; failed: number; cpuMsPerEvent: number }> {
  const script = join(dir, 'ingest.lua');
  writeFileSync(script, INGEST_LUA);
  const run = await runWrk(['-t1', `-c${writers}`, `-d${seconds}s`, '-s', script, base], pid);
  return {
    rate: run.non2xx > 0 ? (run.rps * (run.requests - run.non2xx)) / run.requests : run.rps,
    failed: run.non2xx,
    cpuMsPerEvent: (run.cpuSeconds * 1000) / run.requests,
  };
}

async function main(): Promise<void> {
  if (!has('wrk', ['-v'])) throw new Error('wrk is required: apt-get install wrk');
  if (pinning) execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'stashboard-bench-'));
  const children: ChildProcess[] = [];
  try {
    print(
      `Stashboard bench: wrk ${RUN_SECONDS} s x ${REPEAT} per endpoint and server, in pairs rotating over ${PROCESSES} processes of each, ${CONNECTIONS} connections, accept-encoding "${ENCODING}", ${pinning ? 'servers on CPU 0, wrk and this script on CPU 1' : 'NOT pinned (taskset or a second CPU missing)'}\n`,
    );
    const small = join(dir, 'small.db');
    await seed(small, 20, 90);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = await startStashboard(small, port, join(dir, 'stashboard.log'));
    children.push(server);
    await sleep(2000);
    const started = rssMb(server.pid!);
    // Left alone, V8's memory reducer gives back the start-up garbage after some 15 s.
    await sleep(28_000);
    const idle = rssMb(server.pid!);
    const afterLoad = ONLY.has('endpoints') ? await endpoints(base, dir, server, small) : rssMb(server.pid!);
    print(
      `\nstashboard resident memory: ${started.toFixed(0)} MB 2 s after start, ${idle.toFixed(0)} MB idle (30 s after start), ${afterLoad.toFixed(0)} MB after the load`,
    );
    if (ONLY.has('live')) await liveFanOut(base, port, LIVE);
    if (ONLY.has('ingest')) {
      // V8 compiles the write path while it runs: a first load warms it up, as on a running server.
      await ingest(base, dir, server.pid!, 16, SECONDS);
      const one = await ingest(base, dir, server.pid!, 1, SECONDS);
      const many = await ingest(base, dir, server.pid!, 16, SECONDS);
      print(
        `event ingest (SQLite, durable: each answer after its fsync, wrk, after ${SECONDS} s of warm-up): ${one.rate.toFixed(0)} events/s with 1 writer (${one.cpuMsPerEvent.toFixed(1)} ms of server CPU each), ${many.rate.toFixed(0)} events/s with 16 writers (${many.cpuMsPerEvent.toFixed(1)} ms each)${one.failed + many.failed ? ` (${one.failed + many.failed} not answered 201)` : ''}`,
      );
    }
    print(`stashboard resident memory at the end: ${rssMb(server.pid!).toFixed(0)} MB`);
    const code = await stop(server);
    print(`stashboard exited with ${code} on SIGTERM`);
    const log = readdirSync(dir)
      .filter((name) => /^stashboard(-\d+)?\.log$/.test(name))
      .flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n'));
    const dropped = log
      .filter((line) => line.includes('log lines dropped'))
      .reduce((sum, line) => sum + ((JSON.parse(line) as { dropped?: number }).dropped ?? 0), 0);
    print(
      `request log: ${log.filter((line) => line.includes('"msg":"request"')).length} lines written, ${dropped} dropped`,
    );
  } finally {
    for (const child of children) await stop(child).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
