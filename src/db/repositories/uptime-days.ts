import { sql } from 'kysely';
import type { Db } from '../connect.ts';
import { dialectOf, prepared } from '../prepared.ts';
import { daysCovering, type ZonedDay } from '../../domain/calendar.ts';
import type { ComponentStatus } from '../../domain/component-status.ts';
import { closedUptimeDays, type StoredUptimeDay, type UptimeEvent } from '../../domain/uptime.ts';

/**
 * The stored uptime days (docs/architecture.md, "Uptime"): per service and day of one time
 * zone, the totals of the service's closed intervals. Every write of the events table goes
 * through events.ts, which keeps them in the same transaction; a rebuild recomputes them
 * from the events (time-zone change, a status's component_status change, import).
 */

const STATE_ID = 1;
/** Rows inserted per statement (7 parameters each). */
const CHUNK = 500;

function onPostgres(db: Db): boolean {
  return dialectOf(db) === 'postgres';
}

function zoneQuery(db: Db, lock: 'share' | 'update' | 'none') {
  let q = db.selectFrom('uptime_state').select('time_zone').where('id', '=', STATE_ID);
  if (onPostgres(db) && lock === 'share') q = q.forShare();
  if (onPostgres(db) && lock === 'update') q = q.forUpdate();
  return q;
}

/** Asked before every event written. */
const zoneForShare = prepared((db) => zoneQuery(db, 'share'));

/** The zone the stored days are counted in (`lock`: PostgreSQL row lock on it, else none). */
async function storedZone(db: Db, lock: 'share' | 'update' | 'none' = 'none'): Promise<string> {
  const row = lock === 'share' ? await zoneForShare.first(db, {}) : await zoneQuery(db, lock).executeTakeFirst();
  if (!row) throw new Error('uptime_state has no row');
  return row.time_zone;
}

const lockService = prepared((db, v: { serviceId: number }) =>
  db.selectFrom('services').select('id').where('id', '=', v.serviceId).forNoKeyUpdate(),
);

/**
 * Called before an event of the service is written or deleted; returns the stored days' zone.
 * On PostgreSQL it serializes the writers of one service's history (a lock on the service
 * row) and keeps a rebuild out until the transaction ends (a shared lock on the zone row).
 * SQLite serializes every writer anyway.
 */
export async function lockServiceHistory(db: Db, serviceId: number): Promise<string> {
  const zone = await storedZone(db, 'share');
  if (onPostgres(db)) {
    await lockService.run(db, { serviceId });
  }
  return zone;
}

/** The service's events oldest first (ties in creation order) with their component status, optionally in [from, to). */
async function uptimeEvents(db: Db, serviceId: number, from?: number, to?: number): Promise<UptimeEvent[]> {
  let q = db
    .selectFrom('events as e')
    .innerJoin('statuses as s', 's.id', 'e.status_id')
    .select(['e.timestamp', 's.component_status'])
    .where('e.service_id', '=', serviceId);
  if (from !== undefined) q = q.where('e.timestamp', '>=', from);
  if (to !== undefined) q = q.where('e.timestamp', '<', to);
  const rows = await q.orderBy('e.timestamp', 'asc').orderBy('e.id', 'asc').execute();
  return rows.map((r) => ({ timestamp: Number(r.timestamp), componentStatus: r.component_status as ComponentStatus }));
}

/** The component status in force just before `at` (the service's last event before it). */
async function componentStatusBefore(db: Db, serviceId: number, at: number): Promise<ComponentStatus | undefined> {
  const row = await db
    .selectFrom('events as e')
    .innerJoin('statuses as s', 's.id', 'e.status_id')
    .select('s.component_status')
    .where('e.service_id', '=', serviceId)
    .where('e.timestamp', '<', at)
    .orderBy('e.timestamp', 'desc')
    .orderBy('e.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.component_status as ComponentStatus | undefined;
}

async function latestEventAt(db: Db, serviceId: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('events')
    .select('timestamp')
    .where('service_id', '=', serviceId)
    .orderBy('timestamp', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.timestamp);
}

type HistoryPoint = { serviceId: number; timestamp: number; id: number };

// Row-value comparisons: both dialects answer them with one range of the (service, time, id) index.
const eventBefore = prepared((db, v: HistoryPoint) =>
  db
    .selectFrom('events as e')
    .innerJoin('statuses as s', 's.id', 'e.status_id')
    .select(['e.timestamp', 's.component_status'])
    .where('e.service_id', '=', v.serviceId)
    .where(sql<boolean>`(e.timestamp, e.id) < (${v.timestamp}, ${v.id})`)
    .orderBy('e.timestamp', 'desc')
    .orderBy('e.id', 'desc')
    .limit(1),
);

const eventAfter = prepared((db, v: HistoryPoint) =>
  db
    .selectFrom('events')
    .select('timestamp')
    .where('service_id', '=', v.serviceId)
    .where(sql<boolean>`(events.timestamp, events.id) > (${v.timestamp}, ${v.id})`)
    .orderBy('timestamp', 'asc')
    .orderBy('id', 'asc')
    .limit(1),
);

/** The events just before and just after one of the service's (by timestamp, then id). */
export async function historyNeighbours(
  db: Db,
  serviceId: number,
  event: { timestamp: number; id: number },
): Promise<{ previous?: UptimeEvent; next?: number }> {
  const previous = await eventBefore.first(db, { serviceId, ...event });
  const next = await eventAfter.first(db, { serviceId, ...event });
  return {
    ...(previous && {
      previous: {
        timestamp: Number(previous.timestamp),
        componentStatus: previous.component_status as ComponentStatus,
      },
    }),
    ...(next && { next: Number(next.timestamp) }),
  };
}

/** The span whose intervals change when an event between these neighbours is added or removed. */
export function spanBetween(
  around: { previous?: UptimeEvent; next?: number },
  at: number,
): { from: number; to: number } {
  return { from: around.previous?.timestamp ?? at, to: around.next ?? at };
}

/**
 * After an event was added (the service locked, see lockServiceHistory). The usual case, a
 * new latest event, closes the interval of the one before it: its time is added to the days
 * it spans, whatever else they hold. An event with a later one after it counts the days
 * between its neighbours again.
 */
export async function uptimeAfterInsert(
  db: Db,
  zone: string,
  serviceId: number,
  event: { timestamp: number; id: number },
): Promise<void> {
  const around = await historyNeighbours(db, serviceId, event);
  if (around.next !== undefined) return refreshUptimeDays(db, zone, serviceId, spanBetween(around, event.timestamp));
  if (!around.previous) return;
  const added = closedUptimeDays(
    daysCovering(around.previous.timestamp, event.timestamp, zone),
    event.timestamp,
    undefined,
    [around.previous],
  );
  if (added.length === 0) return;
  // One statement adds the interval to the stored days, creating the days not stored yet.
  let written = 0;
  if (added.length === 1) {
    written = (await addToOneDay.all(db, { serviceId, ...added[0]! })).length;
  } else {
    for (let i = 0; i < added.length; i += CHUNK) {
      written += (
        await addToDays(
          db,
          added.slice(i, i + CHUNK).map((d) => dayRow(serviceId, d)),
        ).execute()
      ).length;
    }
  }
  // A stored day with other bounds (time-zone rules changed since) was left alone: count the days again.
  if (written < added.length) {
    await refreshUptimeDays(db, zone, serviceId, { from: around.previous.timestamp, to: event.timestamp });
  }
}

/** Adds closed intervals to stored days, inserting the days not stored yet; returns the days written. */
function addToDays(db: Db, rows: ReturnType<typeof dayRow>[]) {
  return db
    .insertInto('uptime_days')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['service_id', 'day_start'])
        .doUpdateSet((eb) => ({
          counted: eb('uptime_days.counted', '+', eb.ref('excluded.counted')),
          major: eb('uptime_days.major', '+', eb.ref('excluded.major')),
          partial: eb('uptime_days.partial', '+', eb.ref('excluded.partial')),
          degraded: eb('uptime_days.degraded', '+', eb.ref('excluded.degraded')),
        }))
        .where((eb) => eb('uptime_days.day_end', '=', eb.ref('excluded.day_end'))),
    )
    .returning('day_start');
}

/** An event usually closes an interval within one day. */
const addToOneDay = prepared((db, v: StoredUptimeDay & { serviceId: number }) =>
  addToDays(db, [dayRow(v.serviceId, v)]),
);

/** A stored day as its table row. */
function dayRow(serviceId: number, d: StoredUptimeDay) {
  return {
    service_id: serviceId,
    day_start: d.start,
    day_end: d.end,
    counted: d.counted,
    major: d.major,
    partial: d.partial,
    degraded: d.degraded,
  };
}

async function insertDays(db: Db, serviceId: number, days: readonly StoredUptimeDay[]): Promise<void> {
  for (let i = 0; i < days.length; i += CHUNK) {
    await db
      .insertInto('uptime_days')
      .values(days.slice(i, i + CHUNK).map((d) => dayRow(serviceId, d)))
      .execute();
  }
}

/** Recomputes the service's stored days that overlap [from, to) from its events (after a write). */
export async function refreshUptimeDays(
  db: Db,
  zone: string,
  serviceId: number,
  span: { from: number; to: number },
): Promise<void> {
  const days = daysCovering(span.from, span.to, zone);
  if (days.length === 0) return;
  const start = days[0]!.start;
  const end = days[days.length - 1]!.end;
  await db
    .deleteFrom('uptime_days')
    .where('service_id', '=', serviceId)
    .where('day_start', '>=', start)
    .where('day_start', '<', end)
    .execute();
  const latest = await latestEventAt(db, serviceId);
  if (latest === undefined) return;
  const before = await componentStatusBefore(db, serviceId, start);
  const events = await uptimeEvents(db, serviceId, start, end);
  await insertDays(db, serviceId, closedUptimeDays(days, latest, before, events));
}

/** The services with at least one event at the status. */
export async function servicesWithEventsAt(db: Db, statusId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('events')
    .select('service_id')
    .distinct()
    .where('status_id', '=', statusId)
    .execute();
  return rows.map((r) => r.service_id);
}

/** The days of `all` (oldest first, contiguous) that overlap [from, to). */
function overlapping(all: readonly ZonedDay[], from: number, to: number): ZonedDay[] {
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (all[mid]!.end <= from) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < all.length && all[end]!.start < to) end += 1;
  return all.slice(lo, end);
}

/**
 * Recomputes stored days from the events: those of the given services, or of every service
 * when no list is given or when `zone` differs from the stored one (then every day is
 * counted again in `zone`, which becomes the stored zone).
 */
export async function rebuildUptimeDays(
  db: Db,
  options: { zone?: string; serviceIds?: readonly number[] } = {},
): Promise<void> {
  const current = await storedZone(db, 'update');
  const zone = options.zone ?? current;
  const every = zone !== current || options.serviceIds === undefined;
  if (zone !== current)
    await db.updateTable('uptime_state').set({ time_zone: zone }).where('id', '=', STATE_ID).execute();
  const ids = every
    ? (await db.selectFrom('services').select('id').orderBy('id').execute()).map((r) => r.id)
    : [...new Set(options.serviceIds)];
  if (every) await db.deleteFrom('uptime_days').execute();
  else if (ids.length > 0) await db.deleteFrom('uptime_days').where('service_id', 'in', ids).execute();
  if (ids.length === 0) return;
  let range = db
    .selectFrom('events')
    .select((eb) => [
      eb.fn.min<number | null>('timestamp').as('first'),
      eb.fn.max<number | null>('timestamp').as('last'),
    ]);
  if (!every) range = range.where('service_id', 'in', ids);
  const bounds = await range.executeTakeFirstOrThrow();
  if (bounds.first === null || bounds.last === null) return;
  // Counted once for all services: the zone's days are the costly part.
  const all = daysCovering(Number(bounds.first), Number(bounds.last), zone);
  for (const id of ids) {
    const events = await uptimeEvents(db, id);
    if (events.length === 0) continue;
    const latest = events[events.length - 1]!.timestamp;
    const days = overlapping(all, events[0]!.timestamp, latest);
    await insertDays(db, id, closedUptimeDays(days, latest, undefined, events));
  }
}

/** Makes `zone` the stored days' zone, counting them again if it was another one. Returns whether it did. */
export async function ensureUptimeZone(db: Db, zone: string): Promise<boolean> {
  if ((await storedZone(db)) === zone) return false;
  await rebuildUptimeDays(db, { zone });
  return true;
}

/** What one service's uptime needs from the store. */
export interface StoredServiceUptime {
  /** Its stored days starting in the asked range. */
  days: StoredUptimeDay[];
  /** Its latest event (the interval from it to now is not stored). */
  latest?: UptimeEvent;
}

/**
 * In one statement (one snapshot): the stored zone and, per service, its stored days that
 * start in [from, to) and its latest event. The days of a service come packed in one text
 * column, a JSON array `[start, end, counted, major, partial, degraded, ...]`: one row per
 * service crosses the driver instead of one per service and day, which is most of the cost.
 */
export async function uptimeSnapshot(
  db: Db,
  serviceIds: readonly number[],
  from: number,
  to: number,
): Promise<{ zone: string | undefined; services: Map<number, StoredServiceUptime> }> {
  const services = new Map<number, StoredServiceUptime>();
  if (serviceIds.length === 0) return { zone: undefined, services };
  // format(): one call per day, in both dialects (cheaper than casts joined with ||).
  const packed = sql`format('%s,%s,%s,%s,%s,%s', u.day_start, u.day_end, u.counted, u.major, u.partial, u.degraded)`;
  const result = await sql<{
    id: number;
    zone: string;
    latest_at: number | string | null;
    latest_status: string | null;
    days: string | null;
  }>`select s.id,
      (select z.time_zone from uptime_state z where z.id = ${STATE_ID}) as zone,
      (select e.timestamp from events e where e.service_id = s.id order by e.timestamp desc, e.id desc limit 1) as latest_at,
      (select st.component_status from statuses st where st.id = (
        select e.status_id from events e where e.service_id = s.id order by e.timestamp desc, e.id desc limit 1
      )) as latest_status,
      (select '[' || string_agg(${packed}, ',') || ']' from uptime_days u
        where u.service_id = s.id and u.day_start >= ${from} and u.day_start < ${to}) as days
    from services s where s.id in (${sql.join(serviceIds)})`.execute(db);
  let zone: string | undefined;
  for (const row of result.rows) {
    zone = row.zone;
    const days: StoredUptimeDay[] = [];
    if (row.days) {
      const n = JSON.parse(row.days) as number[];
      for (let i = 0; i + 5 < n.length; i += 6) {
        days.push({
          start: n[i]!,
          end: n[i + 1]!,
          counted: n[i + 2]!,
          major: n[i + 3]!,
          partial: n[i + 4]!,
          degraded: n[i + 5]!,
        });
      }
    }
    const latest =
      row.latest_at === null || row.latest_status === null
        ? undefined
        : { timestamp: Number(row.latest_at), componentStatus: row.latest_status as ComponentStatus };
    services.set(Number(row.id), latest ? { days, latest } : { days });
  }
  return { zone, services };
}
