import { sql } from 'kysely';
import {
  historyNeighbours,
  lockServiceHistory,
  rebuildUptimeDays,
  refreshUptimeDays,
  servicesWithEventsAt,
  spanBetween,
  uptimeAfterInsert,
} from './uptime-days.ts';
import type { Db } from '../connect.ts';
import { prepared } from '../prepared.ts';
import type { EventRow } from '../schema.ts';
import type { Status, StatusEvent } from '../../domain/resources.ts';
import { allStatuses } from './statuses.ts';
import { isScope } from '../../domain/permissions.ts';

type EventRowWithService = EventRow & {
  service_slug: string;
  incident_name?: string | null;
  incident_kind?: string | null;
};

function toEvent(row: EventRowWithService, statuses: Map<number, Status>): StatusEvent {
  const status = statuses.get(row.status_id);
  if (!status) throw new Error(`event ${row.sid} refers to missing status ${row.status_id}`);
  return {
    id: row.id,
    sid: row.sid,
    serviceId: row.service_id,
    serviceSlug: row.service_slug,
    message: row.message,
    informational: Number(row.informational) === 1,
    timestamp: Number(row.timestamp),
    status,
    author: row.author,
    authorScope: isScope(row.author_scope) ? row.author_scope : null,
    incident:
      row.incident_id && row.incident_name
        ? {
            id: row.incident_id,
            name: row.incident_name,
            kind: row.incident_kind === 'maintenance' ? 'maintenance' : 'incident',
          }
        : null,
  };
}

export async function statusesById(db: Db): Promise<Map<number, Status>> {
  return new Map((await allStatuses(db)).map((s) => [s.id, s]));
}

function eventsWithService(db: Db) {
  return db
    .selectFrom('events')
    .innerJoin('services', 'services.id', 'events.service_id')
    .leftJoin('incidents', 'incidents.id', 'events.incident_id')
    .selectAll('events')
    .select(['services.slug as service_slug', 'incidents.name as incident_name', 'incidents.kind as incident_kind']);
}

export interface EventQuery {
  serviceId?: number;
  serviceIds?: number[];
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
  /** Only events after this one in newest-first order (a page's cursor). */
  before?: { timestamp: number; id: number };
}

/** Events newest first (by timestamp, then creation order). */
export async function findEvents(db: Db, query: EventQuery, statuses?: Map<number, Status>): Promise<StatusEvent[]> {
  let q = eventsWithService(db);
  if (query.serviceId !== undefined) q = q.where('events.service_id', '=', query.serviceId);
  if (query.serviceIds !== undefined) {
    if (query.serviceIds.length === 0) return [];
    q = q.where('events.service_id', 'in', query.serviceIds);
  }
  if (query.from !== undefined) q = q.where('events.timestamp', '>=', query.from);
  if (query.to !== undefined) q = q.where('events.timestamp', '<=', query.to);
  const before = query.before;
  if (before !== undefined) {
    // A row-value comparison: both dialects answer it with a range scan of the index.
    q = q.where(sql<boolean>`(events.timestamp, events.id) < (${before.timestamp}, ${before.id})`);
  }
  q = q.orderBy('events.timestamp', 'desc').orderBy('events.id', 'desc');
  if (query.limit !== undefined) q = q.limit(query.limit);
  if (query.offset !== undefined) q = q.offset(query.offset);
  const rows = await q.execute();
  const byId = statuses ?? (await statusesById(db));
  return rows.map((r) => toEvent(r, byId));
}

export async function findEventBySid(db: Db, sid: string): Promise<StatusEvent | undefined> {
  const row = await eventsWithService(db).where('events.sid', '=', sid).executeTakeFirst();
  return row && toEvent(row, await statusesById(db));
}

/** The newest event of each service that has one, keyed by service id. */
export async function currentEvents(db: Db, serviceIds?: number[]): Promise<Map<number, StatusEvent>> {
  if (serviceIds && serviceIds.length === 0) return new Map();
  const rows =
    serviceIds?.length === 1
      ? await currentEventOfOne.all(db, { serviceId: serviceIds[0]! })
      : await currentEventsQuery(db, { ids: serviceIds }).execute();
  const statuses = await statusesById(db);
  return new Map(rows.map((r) => [r.service_id, toEvent(r, statuses)]));
}

function currentEventsQuery(db: Db, services: { ids?: readonly number[]; id?: number }) {
  // The services are chosen inside the subquery: an outer `service_id in (...)` lets SQLite
  // scan every event of those services (100,000s) instead of looking up one id each.
  return eventsWithService(db).where('events.id', 'in', (eb) => {
    let chosen = eb.selectFrom('services as s');
    if (services.ids) chosen = chosen.where('s.id', 'in', services.ids);
    if (services.id !== undefined) chosen = chosen.where('s.id', '=', services.id);
    return chosen.select((inner) =>
      inner
        .selectFrom('events as e2')
        .select('e2.id')
        .whereRef('e2.service_id', '=', 's.id')
        .orderBy('e2.timestamp', 'desc')
        .orderBy('e2.id', 'desc')
        .limit(1)
        .as('current_id'),
    );
  });
}

/** One service's current event: every event written asks for it. */
const currentEventOfOne = prepared((db, v: { serviceId: number }) => currentEventsQuery(db, { id: v.serviceId }));

export interface NewEvent {
  sid: string;
  serviceId: number;
  statusId: number;
  message: string;
  informational: boolean;
  timestamp: number;
  author: string;
  /** The actor's scope (domain/permissions.ts); absent or null: unknown. */
  authorScope?: string | null;
}

/** An event as its table row. */
function eventRow(event: NewEvent) {
  return {
    sid: event.sid,
    service_id: event.serviceId,
    status_id: event.statusId,
    message: event.message,
    informational: event.informational ? 1 : 0,
    timestamp: event.timestamp,
    author: event.author,
    author_scope: event.authorScope ?? null,
  };
}

const insertEventRow = prepared((db, v: ReturnType<typeof eventRow>) =>
  db
    .insertInto('events')
    .values({
      sid: v.sid,
      service_id: v.service_id,
      status_id: v.status_id,
      message: v.message,
      informational: v.informational,
      timestamp: v.timestamp,
      author: v.author,
      author_scope: v.author_scope,
    })
    .returning('id'),
);

export async function insertEvent(db: Db, event: NewEvent): Promise<number> {
  // The stored uptime days change with the service's history, in the same transaction.
  const zone = await lockServiceHistory(db, event.serviceId);
  const row = await insertEventRow.first(db, eventRow(event));
  if (!row) throw new Error('the inserted event returned no id');
  await uptimeAfterInsert(db, zone, event.serviceId, { timestamp: event.timestamp, id: row.id });
  return row.id;
}

/**
 * Many events at once (seeding a benchmark or a test): inserted in chunks, then the uptime
 * days of the services they touch are counted again once, instead of once per event.
 */
export async function insertEvents(db: Db, events: readonly NewEvent[]): Promise<void> {
  const CHUNK = 500;
  for (let i = 0; i < events.length; i += CHUNK) {
    await db
      .insertInto('events')
      .values(events.slice(i, i + CHUNK).map(eventRow))
      .execute();
  }
  if (events.length > 0) await rebuildUptimeDays(db, { serviceIds: events.map((e) => e.serviceId) });
}

export async function deleteEvent(db: Db, id: number): Promise<void> {
  const event = await db
    .selectFrom('events')
    .select(['service_id', 'timestamp'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!event) return;
  const zone = await lockServiceHistory(db, event.service_id);
  const around = await historyNeighbours(db, event.service_id, { timestamp: Number(event.timestamp), id });
  await db.deleteFrom('events').where('id', '=', id).execute();
  await refreshUptimeDays(db, zone, event.service_id, spanBetween(around, Number(event.timestamp)));
}

export async function countEventsWithStatus(db: Db, statusId: number): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status_id', '=', statusId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteEventsWithStatus(db: Db, statusId: number): Promise<void> {
  const affected = await servicesWithEventsAt(db, statusId);
  await db.deleteFrom('events').where('status_id', '=', statusId).execute();
  if (affected.length > 0) await rebuildUptimeDays(db, { serviceIds: affected });
}

export async function countEventsOfService(db: Db, serviceId: number): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('service_id', '=', serviceId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The instant of a service's first event, or null when it has none. */
export async function firstEventAt(db: Db, serviceId: number): Promise<number | null> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.min<number | null>('timestamp').as('first'))
    .where('service_id', '=', serviceId)
    .executeTakeFirst();
  const first = row?.first ?? null;
  return first === null ? null : Number(first);
}

/**
 * The event that began a service's current status: the first event after the newest one with
 * another status (notes carry the status in force, so they never begin a status on their own
 * unless nothing came before them).
 */
export async function currentStatusStart(
  db: Db,
  serviceId: number,
  statusId: number,
): Promise<{ timestamp: number; author: string } | undefined> {
  const other = await db
    .selectFrom('events')
    .select(['timestamp', 'id'])
    .where('service_id', '=', serviceId)
    .where('status_id', '!=', statusId)
    .orderBy('timestamp', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  let q = db
    .selectFrom('events')
    .select(['timestamp', 'author', 'informational'])
    .where('service_id', '=', serviceId)
    .where('status_id', '=', statusId);
  if (other) {
    const at = Number(other.timestamp);
    q = q.where((eb) => eb.or([eb('timestamp', '>', at), eb.and([eb('timestamp', '=', at), eb('id', '>', other.id)])]));
  }
  const rows = await q.orderBy('timestamp').orderBy('id').limit(50).execute();
  const first = rows.find((r) => Number(r.informational) === 0) ?? rows[0];
  return first && { timestamp: Number(first.timestamp), author: first.author };
}

/** Each service's first event time (by timestamp), keyed by service id; services without events are absent. */
export async function firstEventTimes(db: Db): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('events')
    .select(['service_id', (eb) => eb.fn.min<number>('timestamp').as('first')])
    .groupBy('service_id')
    .execute();
  return new Map(rows.map((r) => [r.service_id, Number(r.first)]));
}
