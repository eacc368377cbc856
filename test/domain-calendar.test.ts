import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDays,
  civilDateOf,
  lastDays,
  neighbours,
  period,
  startOfCivilDay,
  zoneOffset,
  zonedDay,
} from '../src/domain/calendar.ts';
import { dayHistory, groupByService, type HistoryEvent } from '../src/domain/day-history.ts';
import type { Status } from '../src/domain/resources.ts';

const HOUR = 3_600_000;
const utc = (iso: string) => Date.parse(iso);

describe('calendar days in a time zone', () => {
  const lengths: Array<[string, string, string, string, number]> = [
    // zone, date, first instant (UTC), first instant of the next day (UTC), hours
    ['Europe/Berlin', '2026-03-29', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', 23],
    ['Europe/Berlin', '2026-10-25', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', 25],
    ['Europe/Berlin', '2026-07-01', '2026-06-30T22:00:00Z', '2026-07-01T22:00:00Z', 24],
    ['America/New_York', '2026-03-08', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z', 23],
    ['America/New_York', '2026-11-01', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z', 25],
    ['UTC', '2026-03-29', '2026-03-29T00:00:00Z', '2026-03-30T00:00:00Z', 24],
    // Midnight does not exist (the clock jumps from 00:00 to 01:00): the day starts at 01:00.
    ['America/Havana', '2026-03-08', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z', 23],
    ['America/Santiago', '2026-09-06', '2026-09-06T04:00:00Z', '2026-09-07T03:00:00Z', 23],
  ];
  for (const [zone, date, start, end, hours] of lengths) {
    it(`${date} in ${zone} runs from ${start} for ${hours} hours`, () => {
      const [year, month, day] = date.split('-').map(Number) as [number, number, number];
      const z = zonedDay({ year, month, day }, zone);
      assert.equal(z.key, date);
      assert.equal(new Date(z.start).toISOString(), new Date(utc(start)).toISOString());
      assert.equal(new Date(z.end).toISOString(), new Date(utc(end)).toISOString());
      assert.equal((z.end - z.start) / HOUR, hours);
      // The last instant of the day is still that day; its end is already the next.
      assert.deepEqual(civilDateOf(z.end - 1, zone), { year, month, day });
      assert.deepEqual(civilDateOf(z.end, zone), addDays({ year, month, day }, 1));
      assert.deepEqual(civilDateOf(z.start - 1, zone), addDays({ year, month, day }, -1));
    });
  }

  it('knows the zone offset on either side of a change', () => {
    assert.equal(zoneOffset(utc('2026-03-29T00:59:59Z'), 'Europe/Berlin'), 1 * HOUR);
    assert.equal(zoneOffset(utc('2026-03-29T01:00:00Z'), 'Europe/Berlin'), 2 * HOUR);
    assert.equal(zoneOffset(utc('2026-11-01T05:59:59Z'), 'America/New_York'), -4 * HOUR);
    assert.equal(zoneOffset(utc('2026-11-01T06:00:00Z'), 'America/New_York'), -5 * HOUR);
  });

  it('counts the last days back from now, each ending where the next begins, across a change', () => {
    const now = utc('2026-03-30T10:00:00Z');
    const days = lastDays(now, 4, 'Europe/Berlin');
    assert.deepEqual(
      days.map((d) => d.key),
      ['2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30'],
    );
    for (let i = 1; i < days.length; i += 1) assert.equal(days[i]!.start, days[i - 1]!.end);
    assert.deepEqual(
      days.map((d) => (d.end - d.start) / HOUR),
      [24, 24, 23, 24],
    );
    assert.ok(days[3]!.start <= now && now < days[3]!.end);
  });

  it('puts a late-evening instant on the local day, not the UTC one', () => {
    // 23:30 in New York is already the next day in UTC.
    const late = utc('2026-06-02T03:30:00Z');
    assert.deepEqual(civilDateOf(late, 'America/New_York'), { year: 2026, month: 6, day: 1 });
    assert.equal(lastDays(late, 1, 'America/New_York')[0]!.key, '2026-06-01');
    assert.equal(lastDays(late, 1, 'UTC')[0]!.key, '2026-06-02');
  });

  it('gives archive periods with their lengths and neighbours, and none for dates that do not exist', () => {
    const march = period('Europe/Berlin', 2026, 3)!;
    assert.equal((march.end - march.start) / HOUR, 31 * 24 - 1);
    const year = period('America/New_York', 2026)!;
    assert.equal((year.end - year.start) / HOUR, 365 * 24);
    assert.equal(period('UTC', 2026, 2, 29), undefined);
    assert.equal(period('UTC', 2026, 13), undefined);
    assert.equal(period('UTC', 1969), undefined);
    assert.ok(period('UTC', 2028, 2, 29));
    const { previous, next } = neighbours(period('Europe/Berlin', 2026, 1, 1)!, 'Europe/Berlin');
    assert.deepEqual([previous?.year, previous?.month, previous?.day], [2025, 12, 31]);
    assert.deepEqual([next?.year, next?.month, next?.day], [2026, 1, 2]);
    const around = neighbours(period('UTC', 2026, 12)!, 'UTC');
    assert.deepEqual([around.previous?.month, around.next?.year, around.next?.month], [11, 2027, 1]);
    assert.equal(startOfCivilDay({ year: 2026, month: 1, day: 1 }, 'UTC'), utc('2026-01-01T00:00:00Z'));
  });
});

const status = (slug: string, level: Status['level']): Status => ({
  id: slug.length,
  slug,
  name: slug,
  description: slug,
  level,
  image: 'tick-circle',
  isDefault: false,
  componentStatus: level === 'NORMAL' ? 'operational' : 'major_outage',
  componentStatusAt: 0,
});
const up = status('up', 'NORMAL');
const warning = status('warning', 'WARNING');
const down = status('down', 'ERROR');

const event = (iso: string, s: Status, informational = false): HistoryEvent => ({
  serviceId: 1,
  timestamp: utc(iso),
  status: s,
  informational,
});

describe('day history', () => {
  const days = lastDays(utc('2026-03-30T12:00:00Z'), 4, 'Europe/Berlin'); // 27th to 30th, the 29th is 23 hours long

  it('is empty for no days, and has no status before the first event', () => {
    assert.deepEqual(dayHistory([], undefined, []), []);
    assert.deepEqual(
      dayHistory(days, undefined, []).map((d) => [d.key, d.worst, d.events, d.notes]),
      days.map((d) => [d.key, null, 0, 0]),
    );
  });

  it('carries the status in force through empty days', () => {
    const history = dayHistory(days, event('2026-01-01T00:00:00Z', warning), []);
    assert.deepEqual(
      history.map((d) => d.worst?.slug),
      ['warning', 'warning', 'warning', 'warning'],
    );
    assert.deepEqual(
      history.map((d) => d.events),
      [0, 0, 0, 0],
    );
  });

  it('takes the worst status in force at any moment of the day, including what held at its start', () => {
    const history = dayHistory(days, event('2026-01-01T00:00:00Z', up), [
      // 23:30 on the 28th in Berlin (22:30 UTC): the 28th, not the 29th.
      event('2026-03-28T22:30:00Z', down),
      // Recovery on the 29th: the 29th was down at its start.
      event('2026-03-29T08:00:00Z', up),
      event('2026-03-29T09:00:00Z', up, true),
    ]);
    assert.deepEqual(
      history.map((d) => [d.key, d.worst?.slug, d.events, d.notes]),
      [
        ['2026-03-27', 'up', 0, 0],
        ['2026-03-28', 'down', 1, 0],
        ['2026-03-29', 'down', 2, 1],
        ['2026-03-30', 'up', 0, 0],
      ],
    );
  });

  it('counts an event at a day boundary for the day that begins there', () => {
    const boundary = days[2]!.start; // local midnight that starts the 29th
    const history = dayHistory(days, undefined, [
      { serviceId: 1, timestamp: boundary - 1, status: warning, informational: false },
      { serviceId: 1, timestamp: boundary, status: down, informational: false },
    ]);
    assert.deepEqual(
      history.map((d) => [d.worst?.slug ?? null, d.events]),
      [
        [null, 0],
        ['warning', 1],
        ['down', 1],
        ['down', 0],
      ],
    );
  });

  it('lets events before the window only set what is in force', () => {
    const history = dayHistory(days, undefined, [event('2026-03-20T00:00:00Z', down)]);
    assert.deepEqual(
      history.map((d) => [d.worst?.slug, d.events]),
      days.map(() => ['down', 0]),
    );
  });

  it('groups events by service, keeping their order', () => {
    const a1 = { serviceId: 1, n: 1 };
    const b1 = { serviceId: 2, n: 2 };
    const a2 = { serviceId: 1, n: 3 };
    assert.deepEqual(
      [...groupByService([a1, b1, a2]).entries()],
      [
        [1, [a1, a2]],
        [2, [b1]],
      ],
    );
  });
});

describe('calendar: UTC', () => {
  it('reads UTC days and offsets as the time-zone database does', () => {
    // 'Etc/Universal' is the same zone, read through Intl like any other zone
    for (let i = 0; i < 2000; i++) {
      const ms = Date.UTC(1971, 0, 1) + Math.floor(Math.random() * 100 * 365 * 86_400_000);
      assert.deepEqual(civilDateOf(ms, 'UTC'), civilDateOf(ms, 'Etc/Universal'), new Date(ms).toISOString());
      assert.equal(zoneOffset(ms, 'UTC'), 0);
      assert.equal(zoneOffset(ms, 'Etc/UTC'), zoneOffset(ms, 'Etc/Universal'));
    }
    assert.deepEqual(civilDateOf(Date.parse('2026-12-31T23:59:59.999Z'), 'UTC'), { year: 2026, month: 12, day: 31 });
  });
});
