import { civilDateOf, lastDays, type ZonedDay } from '../domain/calendar.ts';
import { groupByService, type HistoryEvent } from '../domain/day-history.ts';
import { sumTotals, uptimeDays, uptimeDaysFromStored, type DayUptime, type UptimeTotals } from '../domain/uptime.ts';
import type { Service } from '../domain/resources.ts';
import { historyWindow } from '../db/repositories/history.ts';
import { statusesById } from '../db/repositories/events.ts';
import { uptimeSnapshot } from '../db/repositories/uptime-days.ts';
import type { Db } from '../db/connect.ts';
import type { SiteSettings } from '../domain/site-settings.ts';
import type { Context } from './context.ts';

/** One service's uptime: N days (oldest first) and the 30- and 90-day windows ending today. */
export interface ServiceUptime {
  service: Service;
  days: DayUptime[];
  last30: UptimeTotals;
  last90: UptimeTotals;
}

export interface UptimeReport {
  days: ZonedDay[];
  services: ServiceUptime[];
  /** Summed over every service. */
  last30: UptimeTotals;
  last90: UptimeTotals;
}

/** A service's uptime days from its events in a window and the one in force before it. */
export function serviceUptimeDays(
  days: readonly ZonedDay[],
  now: number,
  before: HistoryEvent | undefined,
  inside: readonly HistoryEvent[],
): DayUptime[] {
  return uptimeDays(
    days,
    now,
    before?.status.componentStatus,
    inside.map((e) => ({ timestamp: e.timestamp, componentStatus: e.status.componentStatus })),
  );
}

/** Each service's uptime days, computed from its events in the days and the one in force before them. */
export async function uptimeFromEvents(
  db: Db,
  services: readonly Service[],
  days: readonly ZonedDay[],
  now: number,
): Promise<Map<number, DayUptime[]>> {
  const statuses = await statusesById(db);
  const window = await historyWindow(db, days[0]!.start, days[days.length - 1]!.end, statuses);
  const grouped = groupByService(window.inside);
  return new Map(
    services.map((s) => [s.id, serviceUptimeDays(days, now, window.before.get(s.id), grouped.get(s.id) ?? [])]),
  );
}

/**
 * The same figures from the stored uptime days and each service's latest event, without
 * reading the events in the days; undefined when the store cannot answer as it is (days
 * stored in another zone, a latest event after `now`): then the events answer.
 */
export async function uptimeFromStore(
  db: Db,
  services: readonly Service[],
  days: readonly ZonedDay[],
  now: number,
  timeZone: string,
): Promise<Map<number, DayUptime[]> | undefined> {
  const out = new Map<number, DayUptime[]>();
  if (services.length === 0) return out;
  const from = days[0]!.start;
  // From two days earlier: a stored day overlapping the first one under other zone rules is seen.
  const snapshot = await uptimeSnapshot(
    db,
    services.map((s) => s.id),
    from - 2 * 86_400_000,
    days[days.length - 1]!.end,
  );
  if (snapshot.zone !== timeZone) return undefined;
  for (const service of services) {
    const stored = snapshot.services.get(service.id);
    const computed = uptimeDaysFromStored(days, now, stored?.days ?? [], stored?.latest);
    if (!computed) return undefined;
    out.set(service.id, computed);
  }
  return out;
}

/**
 * Uptime of the given services over the last `count` days and the 30/90-day windows, in the
 * zone (contract §8): from the stored uptime days (uptimeFromStore), else from the events.
 */
export async function uptimeReport(
  db: Db,
  services: readonly Service[],
  now: number,
  timeZone: string,
  count: number,
): Promise<UptimeReport> {
  const span = Math.max(count, 90);
  const all = lastDays(now, span, timeZone);
  const perService =
    (await uptimeFromStore(db, services, all, now, timeZone)) ?? (await uptimeFromEvents(db, services, all, now));
  const rows = services.map((service) => {
    const every = perService.get(service.id)!;
    return {
      service,
      days: every.slice(span - count),
      last30: sumTotals(every.slice(span - 30)),
      last90: sumTotals(every.slice(span - 90)),
    };
  });
  return {
    days: all.slice(span - count),
    services: rows,
    last30: sumTotals(rows.map((r) => r.last30)),
    last90: sumTotals(rows.map((r) => r.last90)),
  };
}

/** Uptime of the given services (or all) over `count` days (contract §8), now, in the site's zone. */
export async function statuspageUptime(
  ctx: Context,
  settings: SiteSettings,
  services: readonly Service[],
  count: number,
): Promise<UptimeReport> {
  return uptimeReport(ctx.database.db, services, ctx.clock.now(), settings.timeZone, count);
}

/** One calendar month of the /uptime page. */
export interface UptimeMonth {
  year: number;
  month: number;
  /** Its days up to today, oldest first. */
  days: ZonedDay[];
}

/** What /uptime shows (contract §10): the page's and each service's 30/90-day uptime and the last three months. */
export interface UptimePage {
  settings: SiteSettings;
  now: number;
  months: UptimeMonth[];
  last30: UptimeTotals;
  last90: UptimeTotals;
  /** Services in display order, each with its days over the three months (keyed by date). */
  services: Array<{ service: Service; last30: UptimeTotals; last90: UptimeTotals; days: Map<string, DayUptime> }>;
}

export async function uptimePage(
  ctx: Context,
  settings: SiteSettings,
  services: readonly Service[],
): Promise<UptimePage> {
  const now = ctx.clock.now();
  const today = civilDateOf(now, settings.timeZone);
  const firstMonth =
    today.month > 2 ? { year: today.year, month: today.month - 2 } : { year: today.year - 1, month: today.month + 10 };
  const first = { ...firstMonth, day: 1 };
  const count =
    Math.round(
      (Date.UTC(today.year, today.month - 1, today.day) - Date.UTC(first.year, first.month - 1, 1)) / 86_400_000,
    ) + 1;
  const report = await statuspageUptime(ctx, settings, services, count);
  const months: UptimeMonth[] = [];
  for (const day of report.days) {
    let month = months[months.length - 1];
    if (!month || month.month !== day.month) months.push((month = { year: day.year, month: day.month, days: [] }));
    month.days.push(day);
  }
  return {
    settings,
    now,
    months,
    last30: report.last30,
    last90: report.last90,
    services: report.services.map((s) => ({
      service: s.service,
      last30: s.last30,
      last90: s.last90,
      days: new Map(s.days.map((d) => [d.key, d])),
    })),
  };
}
