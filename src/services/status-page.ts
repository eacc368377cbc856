import { NotFound } from '../domain/errors.ts';
import { requireService } from './lookups.ts';
import { lastDays, neighbours, period, type Period, type ZonedDay } from '../domain/calendar.ts';
import { dayHistory, groupByService, type DaySummary } from '../domain/day-history.ts';
import type { Service, ServiceList, Status, StatusEvent } from '../domain/resources.ts';
import type { SiteSettings } from '../domain/site-settings.ts';
import { allServices } from '../db/repositories/services.ts';
import { allLists, findListBySlug } from '../db/repositories/lists.ts';
import { findEvents, firstEventAt, statusesById } from '../db/repositories/events.ts';
import { historyWindow } from '../db/repositories/history.ts';
import type { Context } from './context.ts';
import { getSiteSettings } from './site-settings.ts';
import { hasResponseTimes } from './response-times.ts';
import { serviceUptimeDays } from './uptime.ts';
import type { DayUptime } from '../domain/uptime.ts';

/** A service with its day-history strip and each day's uptime (contract §8). */
export interface ServiceRow {
  service: Service;
  history: DaySummary[];
  uptime: DayUptime[];
}

/** Whether uptime figures shown would change with the clock alone (downtime in the window). */
function hasDowntime(days: readonly DayUptime[]): boolean {
  return days.some((d) => d.major > 0 || d.partial > 0);
}

/** How long a page showing these uptime days may be cached without a change notice. */
export function uptimeExpiry(now: number, dayEnd: number, uptimes: ReadonlyArray<readonly DayUptime[]>): number {
  return uptimes.some(hasDowntime) ? Math.min(dayEnd, now + 60_000) : dayEnd;
}

/** Everything the front page (and its filtered variants) shows. */
export interface StatusBoard {
  settings: SiteSettings;
  now: number;
  days: ZonedDay[];
  lists: ServiceList[];
  statuses: Status[];
  /** Every service, for the overall banner and summaries. */
  all: Service[];
  /** The services shown (after filtering), with their history, in display order. */
  rows: ServiceRow[];
  /** What a service without events shows: the default status. */
  defaultStatus: Status | null;
}

export interface BoardFilter {
  /** List slugs: keep services in any of them. */
  lists?: string[];
  /** Status slugs: keep services whose current status is any of them. */
  statuses?: string[];
}

function matches(service: Service, filter: BoardFilter): boolean {
  if (filter.lists && filter.lists.length > 0 && !filter.lists.includes(service.list?.slug ?? '')) return false;
  if (
    filter.statuses &&
    filter.statuses.length > 0 &&
    !filter.statuses.includes(service.currentEvent?.status.slug ?? '')
  )
    return false;
  return true;
}

/** The front page's data: services, lists, statuses and each shown service's day history. */
export async function statusBoard(ctx: Context, filter: BoardFilter = {}): Promise<StatusBoard> {
  const settings = await getSiteSettings(ctx);
  const now = ctx.clock.now();
  const days = lastDays(now, settings.historyDays, settings.timeZone);
  const db = ctx.database.db;
  const statusMap = await statusesById(db);
  const [all, lists] = await Promise.all([allServices(db), allLists(db)]);
  const shown = all.filter((s) => matches(s, filter));
  const window = await historyWindow(db, days[0]!.start, days[days.length - 1]!.end, statusMap);
  const grouped = groupByService(window.inside);
  return {
    settings,
    now,
    days,
    lists,
    all,
    statuses: [...statusMap.values()],
    defaultStatus: [...statusMap.values()].find((s) => s.isDefault) ?? null,
    rows: shown.map((service) => ({
      service,
      history: dayHistory(days, window.before.get(service.id), grouped.get(service.id) ?? [], now),
      uptime: serviceUptimeDays(days, now, window.before.get(service.id), grouped.get(service.id) ?? []),
    })),
  };
}

export async function listBoard(ctx: Context, listSlug: string): Promise<StatusBoard & { list: ServiceList }> {
  const list = await findListBySlug(ctx.database.db, listSlug);
  if (!list) throw new NotFound(`Service list ${listSlug} does not exist`);
  return { ...(await statusBoard(ctx, { lists: [list.slug] })), list };
}

/** A service's page: its strip and a page of events, newest first. */
export interface ServicePage {
  settings: SiteSettings;
  now: number;
  service: Service;
  days: ZonedDay[];
  history: DaySummary[];
  uptime: DayUptime[];
  events: StatusEvent[];
  page: number;
  hasNext: boolean;
  /** The archive period shown, when this is an archive page. */
  period?: Period;
  previous?: Period;
  next?: Period;
  /** Whether the service has checks whose response times the page graphs (docs/monitoring.md). */
  responseTimes: boolean;
  /** What the service shows while it has no events: the default status. */
  defaultStatus: Status | null;
}

export const EVENTS_PER_PAGE = 25;

export async function servicePage(
  ctx: Context,
  slug: string,
  options: { page?: number; archive?: { year: number; month?: number; day?: number } } = {},
): Promise<ServicePage> {
  const settings = await getSiteSettings(ctx);
  const now = ctx.clock.now();
  let shownPeriod: Period | undefined;
  if (options.archive) {
    const { year, month, day } = options.archive;
    shownPeriod = period(settings.timeZone, year, month, day);
    if (!shownPeriod)
      throw new NotFound(`There is no such date: ${[year, month, day].filter((n) => n !== undefined).join('-')}`);
  }
  const service = await requireService(ctx.database.db, slug);
  // Archives exist from the period of the service's first event up to the present one.
  const first = shownPeriod ? await firstEventAt(ctx.database.db, service.id) : null;
  const starts = Math.min(first ?? now, now);
  const inRange = (p: Period) => p.start <= now && p.end > starts;
  if (shownPeriod && !inRange(shownPeriod))
    throw new NotFound(
      shownPeriod.start > now
        ? 'That date is in the future'
        : `${service.name} has no history that early: its first update came later`,
    );
  const page = Math.max(1, options.page ?? 1);
  const days = lastDays(now, settings.historyDays, settings.timeZone);
  const responseTimes = await hasResponseTimes(ctx, service.id);
  const db = ctx.database.db;
  const statusMap = await statusesById(db);
  const found = await findEvents(
    db,
    {
      serviceId: service.id,
      from: shownPeriod?.start,
      to: shownPeriod ? shownPeriod.end - 1 : undefined,
      limit: EVENTS_PER_PAGE + 1,
      offset: (page - 1) * EVENTS_PER_PAGE,
    },
    statusMap,
  );
  const window = await historyWindow(db, days[0]!.start, days[days.length - 1]!.end, statusMap, service.id);
  const mine = window.inside;
  const defaultStatus = [...statusMap.values()].find((s) => s.isDefault) ?? null;
  const around = shownPeriod ? neighbours(shownPeriod, settings.timeZone) : {};
  return {
    settings,
    now,
    service,
    days,
    history: dayHistory(days, window.before.get(service.id), mine, now),
    uptime: serviceUptimeDays(days, now, window.before.get(service.id), mine),
    events: found.slice(0, EVENTS_PER_PAGE),
    page,
    hasNext: found.length > EVENTS_PER_PAGE,
    period: shownPeriod,
    previous: around.previous && inRange(around.previous) ? around.previous : undefined,
    next: around.next && inRange(around.next) ? around.next : undefined,
    responseTimes,
    defaultStatus,
  };
}

/** Lists and services with their current events, without history (lists page, summary). */
export async function servicesAndLists(
  ctx: Context,
): Promise<{ settings: SiteSettings; lists: ServiceList[]; all: Service[]; defaultStatus: Status | null }> {
  const settings = await getSiteSettings(ctx);
  const [all, lists, statusMap] = await Promise.all([
    allServices(ctx.database.db),
    allLists(ctx.database.db),
    statusesById(ctx.database.db),
  ]);
  return { settings, lists, all, defaultStatus: [...statusMap.values()].find((s) => s.isDefault) ?? null };
}

/** What every public page's title and favicon say: every service's current status, and the default status. */
export async function siteState(ctx: Context): Promise<{ all: Service[]; defaultStatus: Status | null }> {
  const [all, statusMap] = await Promise.all([allServices(ctx.database.db), statusesById(ctx.database.db)]);
  return { all, defaultStatus: [...statusMap.values()].find((s) => s.isDefault) ?? null };
}
