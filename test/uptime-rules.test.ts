import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lastDays, zonedDay } from '../src/domain/calendar.ts';
import {
  formatDuration,
  formatUptime,
  sumTotals,
  uptimeDays,
  uptimePercent,
  type UptimeEvent,
} from '../src/domain/uptime.ts';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const ev = (iso: string, componentStatus: UptimeEvent['componentStatus']): UptimeEvent => ({
  timestamp: at(iso),
  componentStatus,
});

describe('uptime rules (contract §8)', () => {
  it('reproduces the contract example (Europe/Berlin, today partial, partial outage weighs 0.3)', () => {
    const now = at('2026-03-05T10:42:07.318Z');
    const days = lastDays(now, 90, 'Europe/Berlin');
    const api = uptimeDays(days, now, 'operational', [ev('2026-03-05T09:12:03.118Z', 'partial_outage')]);
    const today = api[api.length - 1]!;
    assert.equal(today.key, '2026-03-05');
    assert.equal(Math.floor(today.counted / 1000), 42127);
    assert.equal(Math.floor(today.partial / 1000), 5404);
    assert.equal(uptimePercent(today), 96.1515);
    assert.equal(uptimePercent(sumTotals(api.slice(-30))), 99.9363);
    assert.equal(uptimePercent(sumTotals(api)), 99.979);
    const website = uptimeDays(days, now, 'operational', []);
    const email = uptimeDays(days, now, 'operational', []);
    assert.equal(
      uptimePercent(sumTotals([...api, ...website, ...email].filter((d) => d.key >= '2026-02-04'))),
      99.9787,
    );
  });

  it('UTC: days before the first event are no data; the first day counts from the event on', () => {
    const now = at('2026-06-10T12:00:00.000Z');
    const days = lastDays(now, 5, 'UTC');
    const out = uptimeDays(days, now, undefined, [
      ev('2026-06-08T06:00:00.000Z', 'operational'),
      ev('2026-06-09T00:00:00.000Z', 'major_outage'),
      ev('2026-06-09T01:00:00.000Z', 'degraded_performance'),
      ev('2026-06-09T03:00:00.000Z', 'operational'),
    ]);
    assert.deepEqual(
      out.map((d) => [d.key, d.counted / H, d.major / H, d.degraded / H, uptimePercent(d)]),
      [
        ['2026-06-06', 0, 0, 0, null],
        ['2026-06-07', 0, 0, 0, null],
        ['2026-06-08', 18, 0, 0, 100],
        ['2026-06-09', 24, 1, 2, 95.8333],
        ['2026-06-10', 12, 0, 0, 100],
      ],
    );
  });

  it('never reads 100 when there was downtime: one second of partial outage in 90 days', () => {
    const now = at('2026-06-10T00:00:00.000Z');
    const days = lastDays(now, 90, 'UTC');
    const out = uptimeDays(days, now, 'operational', [
      ev('2026-05-01T00:00:00.000Z', 'partial_outage'),
      ev('2026-05-01T00:00:01.000Z', 'operational'),
    ]);
    const total = uptimePercent(sumTotals(out))!;
    assert.ok(total < 100);
    assert.equal(total, 99.9999);
    assert.equal(formatUptime(total), '99.99');
    assert.equal(formatUptime(100), '100.00');
    assert.equal(formatUptime(99.9787), '99.97');
    assert.equal(formatUptime(0), '0.00');
  });

  it('America/New_York: DST days last 23 and 25 hours', () => {
    const zone = 'America/New_York';
    const spring = zonedDay({ year: 2026, month: 3, day: 8 }, zone);
    const autumn = zonedDay({ year: 2026, month: 11, day: 1 }, zone);
    const now = at('2026-12-01T00:00:00.000Z');
    const [s] = uptimeDays([spring], now, 'major_outage', []);
    const [a] = uptimeDays([autumn], now, 'partial_outage', []);
    assert.equal(s!.counted, 23 * H);
    assert.equal(s!.major, 23 * H);
    assert.equal(uptimePercent(s!), 0);
    assert.equal(a!.counted, 25 * H);
    assert.equal(uptimePercent(a!), 70);
    // An outage across the spring jump: 01:30 to 03:30 local is one hour of real time.
    const [jump] = uptimeDays([spring], now, 'operational', [
      ev('2026-03-08T06:30:00.000Z', 'major_outage'),
      ev('2026-03-08T07:30:00.000Z', 'operational'),
    ]);
    assert.equal(jump!.major, H);
    assert.equal(uptimePercent(jump!), Math.floor((1_000_000 * 22) / 23) / 10_000);
  });

  it('Pacific/Kiritimati (UTC+14): days start the previous UTC day; an event late in UTC falls on the next date', () => {
    const zone = 'Pacific/Kiritimati';
    const now = at('2026-06-10T12:00:00.000Z'); // 2026-06-11 02:00 local
    const days = lastDays(now, 2, zone);
    assert.deepEqual(
      days.map((d) => d.key),
      ['2026-06-10', '2026-06-11'],
    );
    const out = uptimeDays(days, now, undefined, [ev('2026-06-10T11:00:00.000Z', 'partial_outage')]);
    // 11:00Z is 01:00 local on the 11th: the 10th is no data; the 11th counts one hour, all partial.
    assert.deepEqual(
      out.map((d) => [d.key, d.counted / H, d.partial / H, uptimePercent(d)]),
      [
        ['2026-06-10', 0, 0, null],
        ['2026-06-11', 1, 1, 70],
      ],
    );
  });

  it('events at the same instant: the last written wins; future days count nothing', () => {
    const now = at('2026-06-10T12:00:00.000Z');
    const days = [...lastDays(now, 1, 'UTC'), zonedDay({ year: 2026, month: 6, day: 11 }, 'UTC')];
    const out = uptimeDays(days, now, 'operational', [
      ev('2026-06-10T06:00:00.000Z', 'major_outage'),
      ev('2026-06-10T06:00:00.000Z', 'partial_outage'),
    ]);
    assert.equal(out[0]!.major, 0);
    assert.equal(out[0]!.partial, 6 * H);
    assert.equal(out[1]!.counted, 0);
    assert.equal(uptimePercent(out[1]!), null);
  });

  it('formats durations for day labels', () => {
    assert.equal(formatDuration(42 * 60_000 + 5_000), '42 min');
    assert.equal(formatDuration(65 * 60_000), '1 h 5 min');
    assert.equal(formatDuration(2 * H), '2 h');
    assert.equal(formatDuration(30_000), 'under 1 min');
  });
});
