import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { BACKENDS, TestClock, freshDatabaseUrl, startTestApp, type TestApp } from './support/harness.ts';
import { daysCovering, lastDays, type ZonedDay } from '../src/domain/calendar.ts';
import {
  closedUptimeDays,
  uptimeDays,
  uptimeDaysFromStored,
  type DayUptime,
  type UptimeEvent,
} from '../src/domain/uptime.ts';
import type { ComponentStatus } from '../src/domain/component-status.ts';
import { connect, type Db } from '../src/db/connect.ts';
import { migrateTo, migrateToLatest } from '../src/db/migrate.ts';
import { rebuildUptimeDays } from '../src/db/repositories/uptime-days.ts';
import { uptimeFromEvents, uptimeFromStore, uptimeReport } from '../src/services/uptime.ts';
import { listServices } from '../src/services/services.ts';
import { getSiteSettings, updateSiteSettings } from '../src/services/site-settings.ts';
import { exportData, importData } from '../src/services/transfer.ts';
import { ChangeBus } from '../src/changes/bus.ts';
import { systemIds } from '../src/services/system.ts';
import type { Context } from '../src/services/context.ts';
import { prepareDatabase } from '../src/services/setup.ts';
import { SITE_DEFAULTS } from '../src/domain/site-settings.ts';

const H = 3_600_000;
const DAY = 24 * H;
const ADMIN = { kind: 'cli', name: 'test', scope: 'admin' } as const;
const STATUSES: ComponentStatus[] = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'];
/** UTC, one with DST, one far east with a 45-minute offset, one with a half-hour offset and DST. */
const ZONES = ['UTC', 'Europe/Berlin', 'Asia/Kathmandu', 'America/St_Johns'];

/** A small deterministic generator (mulberry32): a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('stored uptime days: the rules (domain)', () => {
  it('daysCovering: the zone days overlapping [from, to), 23 and 25 hours on DST days', () => {
    const berlin = daysCovering(
      Date.parse('2026-03-28T12:00:00Z'),
      Date.parse('2026-03-29T22:00:00Z'),
      'Europe/Berlin',
    );
    assert.deepEqual(
      berlin.map((d) => [d.key, (d.end - d.start) / H]),
      [
        ['2026-03-28', 24],
        ['2026-03-29', 23],
      ],
    );
    assert.equal(berlin[0]!.start, Date.parse('2026-03-27T23:00:00Z'));
    const autumn = daysCovering(
      Date.parse('2026-10-25T00:00:00Z'),
      Date.parse('2026-10-25T00:00:00.001Z'),
      'Europe/Berlin',
    );
    assert.deepEqual(
      autumn.map((d) => [d.key, (d.end - d.start) / H]),
      [['2026-10-25', 25]],
    );
    assert.deepEqual(daysCovering(5, 5, 'UTC'), []);
    const kathmandu = daysCovering(
      Date.parse('2026-01-01T18:15:00Z'),
      Date.parse('2026-01-01T18:15:00.001Z'),
      'Asia/Kathmandu',
    );
    assert.deepEqual(
      kathmandu.map((d) => [d.key, new Date(d.start).toISOString()]),
      [['2026-01-02', '2026-01-01T18:15:00.000Z']],
    );
  });

  it('stored closed intervals plus the open one give exactly uptimeDays, on random histories in four zones', () => {
    for (let seed = 1; seed <= 400; seed += 1) {
      const next = random(seed);
      const zone = ZONES[seed % ZONES.length]!;
      // Around the spring DST change of Berlin and St John's (8 and 29 March 2026).
      const base = Date.parse('2026-02-20T00:00:00Z') + Math.floor(next() * 20 * DAY);
      const events: UptimeEvent[] = [];
      let t = base;
      const count = 1 + Math.floor(next() * 40);
      for (let i = 0; i < count; i += 1) {
        // Some events share an instant; some land exactly on a day boundary of UTC.
        t += next() < 0.1 ? 0 : next() < 0.1 ? DAY - (t % DAY) : Math.floor(next() * 3 * DAY);
        events.push({ timestamp: t, componentStatus: STATUSES[Math.floor(next() * 4)]! });
      }
      const latest = events[events.length - 1]!;
      const now = latest.timestamp + Math.floor(next() * 3 * DAY);
      const days = lastDays(now, 60, zone);
      const stored = closedUptimeDays(
        daysCovering(events[0]!.timestamp, latest.timestamp, zone),
        latest.timestamp,
        undefined,
        events,
      );
      const expected = uptimeDays(days, now, undefined, events);
      assert.deepEqual(uptimeDaysFromStored(days, now, stored, latest), expected, `seed ${seed} (${zone})`);
    }
  });

  it('refuses what it cannot use: a day stored in another zone, a latest event after now', () => {
    const now = Date.parse('2026-06-10T12:00:00Z');
    const days = lastDays(now, 5, 'Europe/Berlin');
    const latest: UptimeEvent = { timestamp: now - DAY, componentStatus: 'operational' };
    const utcDay = { start: Date.parse('2026-06-08T00:00:00Z'), end: Date.parse('2026-06-09T00:00:00Z') };
    const totals = { counted: H, major: H, partial: 0, degraded: 0 };
    assert.equal(uptimeDaysFromStored(days, now, [{ ...utcDay, ...totals }], latest), undefined);
    assert.equal(uptimeDaysFromStored(days, now, [], { ...latest, timestamp: now + 1 }), undefined);
    const berlinDay = { start: days[2]!.start, end: days[2]!.end };
    const out = uptimeDaysFromStored(days, now, [{ ...berlinDay, ...totals }], latest)!;
    assert.equal(out[2]!.major, H);
    // Stored days outside the asked ones are ignored.
    const older = { start: days[0]!.start - DAY, end: days[0]!.start };
    assert.deepEqual(
      uptimeDaysFromStored(days, now, [{ ...older, ...totals }], latest),
      uptimeDays(days, now, undefined, [latest]),
    );
  });
});

type Row = Record<string, number>;

async function storedRows(db: Db): Promise<Row[]> {
  const rows = await db.selectFrom('uptime_days').selectAll().orderBy('service_id').orderBy('day_start').execute();
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])));
}

/** The store answers (it must), and exactly as the events do; the rows equal a full recount. */
async function assertStoreMatches(t: Pick<TestApp, 'ctx'>, label: string, count = 100): Promise<void> {
  const db = t.ctx.database.db;
  const { timeZone } = await getSiteSettings(t.ctx);
  const services = await listServices(t.ctx);
  const now = t.ctx.clock.now();
  const days: ZonedDay[] = lastDays(now, count, timeZone);
  const fromStore = await uptimeFromStore(db, services, days, now, timeZone);
  assert.ok(fromStore, `${label}: the stored days answer`);
  const fromEvents = await uptimeFromEvents(db, services, days, now);
  for (const s of services) {
    assert.deepEqual(fromStore.get(s.id), fromEvents.get(s.id), `${label}: service ${s.slug} in ${timeZone}`);
  }
  const kept = await storedRows(db);
  await db.transaction().execute((trx) => rebuildUptimeDays(trx));
  assert.deepEqual(kept, await storedRows(db), `${label}: rows kept by the writes equal a full recount`);
}

for (const backend of BACKENDS) {
  describe(`stored uptime days (${backend})`, () => {
    it('equal the computation from events through random histories: past timestamps, deletions, notes, component_status edits, services created mid-window, zone changes', async () => {
      const clock = new TestClock(Date.parse('2026-02-01T09:30:00Z'));
      const t = await startTestApp(backend, { clock, env: { SITE_TIME_ZONE: 'Europe/Berlin' } });
      try {
        const next = random(backend === 'sqlite' ? 12 : 21);
        const post = async (path: string, form: Record<string, string>) => {
          const res = await t.post(path, form);
          assert.ok(res.statusCode < 300, `${path}: ${res.statusCode} ${res.body}`);
          return res.json() as { sid?: string };
        };
        await post('/statuses', {
          name: 'Partial',
          description: 'Some requests fail',
          image: 'exclamation',
          level: 'ERROR',
          component_status: 'partial_outage',
        });
        const slugs = ['api', 'web'];
        for (const name of slugs) await post('/services', { name, description: name });
        const sids: Array<[string, string]> = [];
        const statuses = ['up', 'down', 'warning', 'partial'];
        const zones = ['Asia/Kathmandu', 'America/St_Johns', 'UTC', 'Europe/Berlin'];
        for (let op = 0; op < 90; op += 1) {
          const r = next();
          const service = slugs[Math.floor(next() * slugs.length)]!;
          const status = statuses[Math.floor(next() * statuses.length)]!;
          if (r < 0.35) {
            clock.advance(Math.floor(next() * 30 * H));
            const e = await post(`/services/${service}/events`, { status, message: 'now' });
            sids.push([service, e.sid!]);
          } else if (r < 0.6) {
            const at = new Date(clock.now() - Math.floor(next() * 40 * DAY)).toISOString();
            const e = await post(`/services/${service}/events`, { status, message: 'past', timestamp: at });
            sids.push([service, e.sid!]);
          } else if (r < 0.67) {
            const e = await post(`/services/${service}/events`, { status, message: 'note', informational: 'true' });
            sids.push([service, e.sid!]);
          } else if (r < 0.8 && sids.length > 0) {
            const [owner, sid] = sids.splice(Math.floor(next() * sids.length), 1)[0]!;
            const res = await t.del(`/services/${owner}/events/${sid}`);
            assert.equal(res.statusCode, 200, res.body);
          } else if (r < 0.87) {
            const meaning = STATUSES[Math.floor(next() * 4)]!;
            // The pair must be allowed for the level; a refused one changes nothing.
            await t.post('/statuses/partial', { component_status: meaning });
          } else if (r < 0.92) {
            const name = `svc${op}`;
            await post('/services', { name, description: 'created mid-window' });
            slugs.push(name);
          } else {
            const timeZone = zones[Math.floor(next() * zones.length)]!;
            await updateSiteSettings(t.ctx, ADMIN, { timeZone });
          }
          if (op % 6 === 5) await assertStoreMatches(t, `op ${op}`);
        }
        await assertStoreMatches(t, 'end, 366 days', 366);
        clock.advance(3 * DAY + 5 * H);
        await assertStoreMatches(t, 'three days later');

        // A clock behind the newest event: the store declines, the report still equals the events.
        const services = await listServices(t.ctx);
        const { timeZone } = await getSiteSettings(t.ctx);
        const earlier = clock.now() - 4 * DAY;
        const days = lastDays(earlier, 90, timeZone);
        assert.equal(await uptimeFromStore(t.ctx.database.db, services, days, earlier, timeZone), undefined);
        const report = await uptimeReport(t.ctx.database.db, services, earlier, timeZone, 90);
        const expected = await uptimeFromEvents(t.ctx.database.db, services, days, earlier);
        assert.deepEqual(
          report.services.map((s) => s.days),
          services.map((s) => expected.get(s.id)),
        );

        // Another configured zone than the stored one (a restart with other flags): the events answer.
        assert.equal(await uptimeFromStore(t.ctx.database.db, services, days, earlier, 'Asia/Tokyo'), undefined);

        // A deleted service takes its days along.
        const res = await t.del(`/services/${slugs[0]}`);
        assert.equal(res.statusCode, 200, res.body);
        await assertStoreMatches(t, 'after deleting a service');

        // An export imported into a new database counts its days again, in the imported zone.
        const exported = await exportData(t.ctx);
        const location = await freshDatabaseUrl(backend);
        const copy: Context = {
          database: connect(location.url),
          clock: new TestClock(clock.now()),
          ids: systemIds(),
          changes: new ChangeBus(),
          site: { ...SITE_DEFAULTS, timeZone: 'UTC' },
        };
        try {
          await prepareDatabase(copy);
          await importData(copy, ADMIN, exported);
          assert.equal((await getSiteSettings(copy)).timeZone, timeZone);
          await assertStoreMatches({ ctx: copy }, 'imported');
        } finally {
          await copy.database.close();
          await location.drop();
        }
      } finally {
        await t.close();
      }
    });

    it('a stored day whose bounds no longer match the zone (its rules changed) is counted again, not added to', async () => {
      const clock = new TestClock(Date.parse('2026-05-01T00:00:00Z'));
      const t = await startTestApp(backend, { clock });
      try {
        await t.post('/services', { name: 'api', description: 'api' });
        clock.advance(2 * H);
        assert.equal((await t.post('/services/api/events', { status: 'down', message: 'down' })).statusCode, 201);
        clock.advance(3 * H);
        assert.equal((await t.post('/services/api/events', { status: 'up', message: 'up' })).statusCode, 201);
        await assertStoreMatches(t, 'before');
        // As if the zone's rules had moved the day's end since it was stored.
        await t.ctx.database.db
          .updateTable('uptime_days')
          .set((eb) => ({ day_end: eb('day_end', '+', H), counted: 1, major: 1 }))
          .execute();
        clock.advance(4 * H);
        assert.equal((await t.post('/services/api/events', { status: 'down', message: 'again' })).statusCode, 201);
        await assertStoreMatches(t, 'after an event closing an interval over the mismatched day');
      } finally {
        await t.close();
      }
    });

    it('a deleted status takes its events and their time along', async () => {
      const clock = new TestClock(Date.parse('2026-05-01T00:00:00Z'));
      const t = await startTestApp(backend, { clock });
      try {
        await t.post('/statuses', { name: 'Gone', description: 'x', image: 'exclamation', level: 'ERROR' });
        await t.post('/services', { name: 'api', description: 'api' });
        for (const [status, hours] of [
          ['up', 5],
          ['gone', 7],
          ['up', 3],
          ['gone', 2],
        ] as const) {
          clock.advance(hours * H);
          assert.equal((await t.post('/services/api/events', { status, message: status })).statusCode, 201);
        }
        await assertStoreMatches(t, 'before');
        const res = await t.del('/statuses/gone?force=true');
        assert.equal(res.statusCode, 200, res.body);
        await assertStoreMatches(t, 'after deleting the status');
      } finally {
        await t.close();
      }
    });

    it('the migration counts the days of an existing database (back-fill, in the stored zone)', async () => {
      const location = await freshDatabaseUrl(backend);
      const ctx: Context = {
        database: connect(location.url),
        clock: new TestClock(Date.parse('2026-04-02T10:00:00Z')),
        ids: systemIds(),
        changes: new ChangeBus(),
      };
      try {
        const db = ctx.database.db;
        await migrateTo(ctx.database, '2026-11-27-07-maintenance');
        await db
          .insertInto('settings')
          .values({ key: 'site', value: JSON.stringify({ timeZone: 'Asia/Kathmandu' }) })
          .execute();
        const status = async (slug: string, componentStatus: ComponentStatus) =>
          (
            await db
              .insertInto('statuses')
              .values({
                slug,
                name: slug,
                description: slug,
                level: 'ERROR',
                image: 'cross-circle',
                is_default: 0,
                created_at: 0,
                component_status: componentStatus,
                component_status_at: 0,
              })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id;
        const ids = {
          up: await status('up', 'operational'),
          down: await status('down', 'major_outage'),
          part: await status('part', 'partial_outage'),
        };
        const next = random(7);
        for (const slug of ['a', 'b', 'c']) {
          const service = await db
            .insertInto('services')
            .values({
              slug,
              name: slug,
              description: slug,
              list_id: null,
              created_at: 0,
              component_id: `${slug}00000000000`,
              updated_at: 0,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          let at = Date.parse('2026-01-15T00:00:00Z') + Math.floor(next() * 30 * DAY);
          for (let i = 0; i < 40; i += 1) {
            at += Math.floor(next() * 2 * DAY);
            await db
              .insertInto('events')
              .values({
                sid: `${slug}-${i}`,
                service_id: service.id,
                status_id: [ids.up, ids.down, ids.part][Math.floor(next() * 3)]!,
                message: 'm',
                informational: 0,
                timestamp: Math.min(at, ctx.clock.now()),
                author: 'test',
              })
              .execute();
          }
        }
        await migrateToLatest(ctx.database);
        const zone = await sql<{ time_zone: string }>`select time_zone from uptime_state`.execute(db);
        assert.equal(zone.rows[0]!.time_zone, 'Asia/Kathmandu');
        const services = await listServices(ctx);
        const now = ctx.clock.now();
        const days = lastDays(now, 120, 'Asia/Kathmandu');
        const fromStore = await uptimeFromStore(db, services, days, now, 'Asia/Kathmandu');
        assert.ok(fromStore);
        const fromEvents = await uptimeFromEvents(db, services, days, now);
        assert.ok([...fromEvents.values()].some((d: DayUptime[]) => d.some((x) => x.major > 0 && x.partial > 0)));
        assert.deepEqual(fromStore, fromEvents);
      } finally {
        await ctx.database.close();
        await location.drop();
      }
    });
  });
}
