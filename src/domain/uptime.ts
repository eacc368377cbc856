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
