// `npm run bench:uptime`: the first uncached 90-day uptime computation for 200 services with
// 100,000 events (the use case the uptime routes call), on SQLite and, when BENCH_DATABASE_URL
// or TEST_DATABASE_URL names a PostgreSQL server, on a new database there. Each figure is the
// median of RUNS: "first" is the first computation on a newly opened connection, "warm" the
// median of five more; the CPU time is the process's own (less sensitive to a busy machine than
// the wall clock; on PostgreSQL the server's work is not in it); "from events" is the same
// answer computed from every event in the window (what the stored uptime days avoid).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect } from '../src/db/connect.ts';
import { ChangeBus } from '../src/changes/bus.ts';
import { prepareDatabase } from '../src/services/setup.ts';
import { systemIds } from '../src/services/system.ts';
import type { Context } from '../src/services/context.ts';
import { createService } from '../src/services/services.ts';
import { insertEvents, type NewEvent } from '../src/db/repositories/events.ts';
import { allStatuses } from '../src/db/repositories/statuses.ts';
import { statuspageUptime, uptimeFromEvents } from '../src/services/uptime.ts';
import { getSiteSettings } from '../src/services/site-settings.ts';
import { listServices } from '../src/services/services.ts';
import { lastDays } from '../src/domain/calendar.ts';

const ADMIN = { kind: 'cli', name: 'bench', scope: 'admin' } as const;
const DAY = 86_400_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function context(url: string, now: () => number): Context {
  return { database: connect(url), clock: { now }, ids: systemIds(), changes: new ChangeBus() };
}

/** `services` services with `events` events spread evenly over `days` days, statuses cycling through up/warning/down. */
async function seedDense(url: string, services: number, events: number, days: number): Promise<void> {
  const now = Date.now();
  const ctx = context(url, () => now);
  await prepareDatabase(ctx);
  const created: Array<{ id: number }> = [];
  for (let i = 0; i < services; i += 1)
    created.push(
      await createService(ctx, ADMIN, { name: `Service ${String(i).padStart(3, '0')}`, description: `Service ${i}` }),
    );
  const statuses = new Map((await allStatuses(ctx.database.db)).map((s) => [s.slug, s.id]));
  const perService = Math.floor(events / services);
  const step = Math.floor((days * DAY) / perService);
  const rows: NewEvent[] = [];
  for (const [i, service] of created.entries()) {
    for (let k = 0; k < perService; k += 1) {
      const status = k % 11 === 0 ? 'down' : k % 5 === 0 ? 'warning' : 'up';
      rows.push({
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
  await ctx.database.db.transaction().execute((trx) => insertEvents(trx, rows));
  await ctx.database.close();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Times the uptime computation itself (the use case the route calls): first on a new connection, then warm. */
async function measure(url: string): Promise<{ first: number; firstCpu: number; warm: number; fromEvents: number }> {
  const firsts: number[] = [];
  const firstCpus: number[] = [];
  const warms: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const ctx = context(url, () => Date.now());
    const settings = await getSiteSettings(ctx);
    const services = await listServices(ctx);
    const once = async () => {
      const started = performance.now();
      await statuspageUptime(ctx, settings, services, 90);
      return performance.now() - started;
    };
    const cpu = process.cpuUsage();
    firsts.push(await once());
    const used = process.cpuUsage(cpu);
    firstCpus.push((used.user + used.system) / 1000);
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) times.push(await once());
    warms.push(median(times));
    await ctx.database.close();
  }
  const ctx = context(url, () => Date.now());
  const services = await listServices(ctx);
  const now = Date.now();
  const started = performance.now();
  await uptimeFromEvents(ctx.database.db, services, lastDays(now, 90, 'UTC'), now);
  const fromEvents = performance.now() - started;
  await ctx.database.close();
  return { first: median(firsts), firstCpu: median(firstCpus), warm: median(warms), fromEvents };
}

async function report(label: string, url: string): Promise<void> {
  await seedDense(url, 200, 100_000, 90);
  const { first, firstCpu, warm, fromEvents } = await measure(url);
  console.log(
    `${label}: 90-day uptime, 200 services, 100,000 events: first ${first.toFixed(0)} ms ` +
      `(${firstCpu.toFixed(0)} ms CPU in this process), warm ${warm.toFixed(0)} ms (medians of ${RUNS}); ` +
      `from events ${fromEvents.toFixed(0)} ms`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'stashboard-bench-uptime-'));
try {
  await report('SQLite', join(dir, 'dense.db'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const server = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (server) {
  const name = `sb_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  try {
    await report('PostgreSQL', url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
