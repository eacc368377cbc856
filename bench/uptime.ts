// `npm run bench:uptime`: the first uncached 90-day uptime computation for 200 services with
// 100,000 events (the use case the uptime routes call), then the median of five warm runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../src/db/connect.ts';
import { ChangeBus } from '../src/changes/bus.ts';
import { prepareDatabase } from '../src/services/setup.ts';
import { systemIds } from '../src/services/system.ts';
import type { Context } from '../src/services/context.ts';
import { createService } from '../src/services/services.ts';
import { insertEvent } from '../src/db/repositories/events.ts';
import { allStatuses } from '../src/db/repositories/statuses.ts';
import { statuspageUptime } from '../src/services/uptime.ts';
import { getSiteSettings } from '../src/services/site-settings.ts';
import { listServices } from '../src/services/services.ts';

const ADMIN = { kind: 'cli', name: 'bench', scope: 'admin' } as const;
const DAY = 86_400_000;

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

const dir = mkdtempSync(join(tmpdir(), 'stashboard-bench-uptime-'));
try {
  const file = join(dir, 'dense.db');
  await seedDense(file, 200, 100_000, 90);
  const { first, median } = await uptimeInProcess(file);
  console.log(
    `90-day uptime, 200 services, 100,000 events: first ${first.toFixed(0)} ms, warm median ${median.toFixed(0)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
