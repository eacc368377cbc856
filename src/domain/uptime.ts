import type { ComponentStatus } from './component-status.ts';
import type { ZonedDay } from './calendar.ts';

/**
 * Uptime as Statuspage computes it (contract §8): downtime = major-outage time + 0.3 ×
 * partial-outage time; degraded performance and maintenance are not downtime. Only time at
 * or after a service's first event counts; days are calendar days of the site's zone.
 */

/** A status change of one service: the component status in force from `timestamp` on. */
export interface UptimeEvent {
  timestamp: number;
  componentStatus: ComponentStatus;
}

/** Milliseconds of one day (or a sum of days): counted, and in each non-operational state. */
export interface UptimeTotals {
  counted: number;
  major: number;
  partial: number;
  degraded: number;
}

export interface DayUptime extends UptimeTotals {
  key: string;
}

export const NO_TIME: Readonly<UptimeTotals> = Object.freeze({ counted: 0, major: 0, partial: 0, degraded: 0 });

/**
 * Each day's totals for one service. `before` is the component status in force at the first
 * day's start (undefined: no event yet, so no data until the first event); `events` are the
 * service's events oldest first (ties in creation order), which may start before the first day.
 * Time from `now` on is not counted (today is partial; future days count nothing).
 */
export function uptimeDays(
  days: readonly ZonedDay[],
  now: number,
  before: ComponentStatus | undefined,
  events: readonly UptimeEvent[],
): DayUptime[] {
  const out: DayUptime[] = [];
  let inForce: ComponentStatus | undefined = before;
  let i = 0;
  const add = (day: DayUptime, status: ComponentStatus | undefined, ms: number) => {
    if (status === undefined || ms <= 0) return;
    day.counted += ms;
    if (status === 'major_outage') day.major += ms;
    else if (status === 'partial_outage') day.partial += ms;
    else if (status === 'degraded_performance') day.degraded += ms;
  };
  for (const zoned of days) {
    const day: DayUptime = { key: zoned.key, counted: 0, major: 0, partial: 0, degraded: 0 };
    const end = Math.min(zoned.end, now);
    let t = zoned.start;
    while (i < events.length && events[i]!.timestamp < end) {
      const event = events[i++]!;
      if (event.timestamp > t) {
        add(day, inForce, event.timestamp - t);
        t = event.timestamp;
      }
      inForce = event.componentStatus;
    }
    if (end > t) add(day, inForce, end - t);
    out.push(day);
  }
  return out;
}

export function sumTotals(parts: Iterable<UptimeTotals>): UptimeTotals {
  const sum = { counted: 0, major: 0, partial: 0, degraded: 0 };
  for (const p of parts) {
    sum.counted += p.counted;
    sum.major += p.major;
    sum.partial += p.partial;
    sum.degraded += p.degraded;
  }
  return sum;
}

/**
 * Uptime in percent, floored to 4 decimals with exact integer arithmetic
 * (`floor(10^6 × (10C − 10M − 3P) / (10C)) / 10^4`); null when nothing was counted.
 */
export function uptimePercent(totals: UptimeTotals): number | null {
  if (totals.counted <= 0) return null;
  const c = BigInt(totals.counted);
  const good = 10n * c - 10n * BigInt(totals.major) - 3n * BigInt(totals.partial);
  return Number((1_000_000n * good) / (10n * c)) / 10_000;
}

/** For HTML: 2 decimals, floored, so downtime never reads as 100.00 %. */
export function formatUptime(percent: number): string {
  const hundredths = Math.floor(Math.round(percent * 10_000) / 100);
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

/** A duration as `1 h 5 min`, `42 min` or `under 1 min`. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 0) return 'under 1 min';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/**
 * One stored day of one service (src/db/repositories/uptime-days.ts): the totals of its
 * *closed* intervals only, from each event to the next one of the same service. The time
 * from the service's latest event on is not stored: it grows with the clock.
 */
export interface StoredUptimeDay extends UptimeTotals {
  start: number;
  end: number;
}

/**
 * What is stored for one service over some days: `uptimeDays` up to its latest event (the
 * closed intervals), without the days that count nothing. `events` are all the service's
 * events inside the days, oldest first; `before` the status in force at the first day's start.
 */
export function closedUptimeDays(
  days: readonly ZonedDay[],
  latest: number,
  before: ComponentStatus | undefined,
  events: readonly UptimeEvent[],
): StoredUptimeDay[] {
  const totals = uptimeDays(days, latest, before, events);
  const out: StoredUptimeDay[] = [];
  for (const [i, day] of totals.entries()) {
    if (day.counted <= 0) continue;
    const { counted, major, partial, degraded } = day;
    out.push({ start: days[i]!.start, end: days[i]!.end, counted, major, partial, degraded });
  }
  return out;
}

const dayIndexes = new WeakMap<readonly ZonedDay[], Map<number, number>>();

/** Each day's position by its start (kept per days array: every service of a report shares it). */
function dayIndex(days: readonly ZonedDay[]): Map<number, number> {
  let index = dayIndexes.get(days);
  if (!index) {
    index = new Map(days.map((day, i) => [day.start, i]));
    dayIndexes.set(days, index);
  }
  return index;
}

/**
 * A service's uptime days from what is stored and its latest event: the same figures as
 * `uptimeDays` over all its events. Undefined when the stored days cannot be used as they
 * are: a stored day that overlaps `days` without being one of them (counted in another zone
 * or by other zone rules), or a latest event after `now` (stored intervals may then run past
 * `now`). Stored days outside `days` are ignored.
 */
export function uptimeDaysFromStored(
  days: readonly ZonedDay[],
  now: number,
  stored: readonly StoredUptimeDay[],
  latest: UptimeEvent | undefined,
): DayUptime[] | undefined {
  if (latest && latest.timestamp > now) return undefined;
  // The open interval, from the latest event to now.
  const out = uptimeDays(days, now, undefined, latest ? [latest] : []);
  if (stored.length === 0) return out;
  const byStart = dayIndex(days);
  const from = days[0]?.start ?? 0;
  const to = days[days.length - 1]?.end ?? 0;
  for (const s of stored) {
    if (s.end <= from || s.start >= to) continue;
    const i = byStart.get(s.start);
    if (i === undefined || days[i]!.end !== s.end) return undefined;
    const day = out[i]!;
    day.counted += s.counted;
    day.major += s.major;
    day.partial += s.partial;
    day.degraded += s.degraded;
  }
  return out;
}
