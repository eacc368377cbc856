import type { Db } from '../connect.ts';
import type { IncidentsTable, IncidentUpdatesTable } from '../schema-incidents.ts';
import type {
  AffectedComponent,
  Impact,
  Incident,
  IncidentKind,
  IncidentStatus,
  IncidentTemplate,
  IncidentUpdate,
} from '../../domain/incidents.ts';
import type { Selectable } from 'kysely';

type IncidentRow = Selectable<IncidentsTable>;
type UpdateRow = Selectable<IncidentUpdatesTable>;

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function toIncident(row: IncidentRow, serviceIds: number[]): Incident {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    status: row.status as IncidentStatus,
    impactOverride: row.impact_override as Impact | null,
    startedAt: Number(row.started_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    monitoringAt: num(row.monitoring_at),
    resolvedAt: num(row.resolved_at),
    backfilled: Number(row.backfilled) === 1,
    postmortemBody: row.postmortem_body,
    postmortemPublishedAt: num(row.postmortem_published_at),
    serviceIds,
  };
}

function toUpdate(row: UpdateRow): IncidentUpdate {
  return {
    seq: row.seq,
    id: row.id,
    incidentId: row.incident_id,
    status: row.status as IncidentStatus,
    body: row.body,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    displayAt: Number(row.display_at),
    affectedComponents:
      row.affected_components === null ? null : (JSON.parse(row.affected_components) as AffectedComponent[]),
    deliverNotifications: Number(row.deliver_notifications) === 1,
    author: row.author,
    events: JSON.parse(row.events) as IncidentUpdate['events'],
  };
}

async function serviceIdsOf(db: Db, ids: string[]): Promise<Map<string, number[]>> {
  const map = new Map<string, number[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom('incident_services')
    .select(['incident_id', 'service_id'])
    .where('incident_id', 'in', ids)
    .execute();
  for (const r of rows) map.get(r.incident_id)?.push(r.service_id);
  return map;
}

async function hydrate(db: Db, rows: IncidentRow[]): Promise<Incident[]> {
  const services = await serviceIdsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toIncident(r, services.get(r.id) ?? []));
}

export async function findIncident(db: Db, id: string, kind?: IncidentKind): Promise<Incident | undefined> {
  let q = db.selectFrom('incidents').selectAll().where('id', '=', id);
  if (kind) q = q.where('kind', '=', kind);
  const row = await q.executeTakeFirst();
  return row ? (await hydrate(db, [row]))[0] : undefined;
}

export interface IncidentQuery {
  kind: IncidentKind;
  statuses?: readonly IncidentStatus[];
  limit?: number;
  offset?: number;
  /** started_at within [from, to). */
  startedFrom?: number;
  startedTo?: number;
  /** Only incidents with activity (updated_at) at or after. */
  updatedSince?: number;
}

/** Newest first: started_at descending, ties created_at descending, then id (§4). */
export async function listIncidents(db: Db, query: IncidentQuery): Promise<Incident[]> {
  let q = db.selectFrom('incidents').selectAll().where('kind', '=', query.kind);
  if (query.statuses) q = q.where('status', 'in', [...query.statuses]);
  if (query.startedFrom !== undefined) q = q.where('started_at', '>=', query.startedFrom);
  if (query.startedTo !== undefined) q = q.where('started_at', '<', query.startedTo);
  if (query.updatedSince !== undefined) q = q.where('updated_at', '>=', query.updatedSince);
  q = q.orderBy('started_at', 'desc').orderBy('created_at', 'desc').orderBy('id');
  if (query.limit !== undefined) q = q.limit(query.limit);
  if (query.offset !== undefined) q = q.offset(query.offset);
  return hydrate(db, await q.execute());
}

/** Latest activity first (for feeds). */
export async function listByActivity(db: Db, limit: number): Promise<Incident[]> {
  const rows = await db
    .selectFrom('incidents')
    .selectAll()
    .where('status', '!=', 'scheduled')
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return hydrate(db, rows);
}

/** Unresolved incidents that affect a service, by service id. */
export async function unresolvedServiceIds(db: Db): Promise<Set<number>> {
  const rows = await db
    .selectFrom('incident_services')
    .innerJoin('incidents', 'incidents.id', 'incident_services.incident_id')
    .select('incident_services.service_id')
    .where('incidents.kind', '=', 'incident')
    .where('incidents.status', 'in', ['investigating', 'identified', 'monitoring'])
    .execute();
  return new Set(rows.map((r) => r.service_id));
}

export async function insertIncident(
  db: Db,
  incident: Omit<Incident, 'serviceIds' | 'postmortemBody' | 'postmortemPublishedAt'>,
): Promise<void> {
  await db
    .insertInto('incidents')
    .values({
      id: incident.id,
      kind: incident.kind,
      name: incident.name,
      status: incident.status,
      impact_override: incident.impactOverride,
      started_at: incident.startedAt,
      created_at: incident.createdAt,
      updated_at: incident.updatedAt,
      monitoring_at: incident.monitoringAt,
      resolved_at: incident.resolvedAt,
      backfilled: incident.backfilled ? 1 : 0,
    })
    .execute();
}

export async function updateIncident(
  db: Db,
  id: string,
  fields: Partial<
    Pick<
      Incident,
      | 'name'
      | 'status'
      | 'impactOverride'
      | 'startedAt'
      | 'updatedAt'
      | 'monitoringAt'
      | 'resolvedAt'
      | 'postmortemBody'
      | 'postmortemPublishedAt'
    >
  >,
): Promise<void> {
  const set: Partial<IncidentRow> = {};
  if (fields.name !== undefined) set.name = fields.name;
  if (fields.status !== undefined) set.status = fields.status;
  if (fields.impactOverride !== undefined) set.impact_override = fields.impactOverride;
  if (fields.startedAt !== undefined) set.started_at = fields.startedAt;
  if (fields.updatedAt !== undefined) set.updated_at = fields.updatedAt;
  if (fields.monitoringAt !== undefined) set.monitoring_at = fields.monitoringAt;
  if (fields.resolvedAt !== undefined) set.resolved_at = fields.resolvedAt;
  if (fields.postmortemBody !== undefined) set.postmortem_body = fields.postmortemBody;
  if (fields.postmortemPublishedAt !== undefined) set.postmortem_published_at = fields.postmortemPublishedAt;
  if (Object.keys(set).length === 0) return;
  await db.updateTable('incidents').set(set).where('id', '=', id).execute();
}

/** Deletes an incident and its updates; the events it posted stay, unlinked. */
export async function deleteIncident(db: Db, id: string): Promise<void> {
  // Explicit, not only ON DELETE: the rule holds whatever the foreign-key setting.
  await db.updateTable('events').set({ incident_id: null }).where('incident_id', '=', id).execute();
  await db.deleteFrom('incident_updates').where('incident_id', '=', id).execute();
  await db.deleteFrom('incident_services').where('incident_id', '=', id).execute();
  await db.deleteFrom('incidents').where('id', '=', id).execute();
}

export async function addIncidentServices(db: Db, id: string, serviceIds: number[]): Promise<void> {
  const existing = new Set((await serviceIdsOf(db, [id])).get(id));
  const fresh = [...new Set(serviceIds)].filter((s) => !existing.has(s));
  if (fresh.length === 0) return;
  await db
    .insertInto('incident_services')
    .values(fresh.map((service_id) => ({ incident_id: id, service_id })))
    .execute();
}

export async function replaceIncidentServices(db: Db, id: string, serviceIds: number[]): Promise<void> {
  await db.deleteFrom('incident_services').where('incident_id', '=', id).execute();
  await addIncidentServices(db, id, serviceIds);
}

export async function insertUpdate(db: Db, update: Omit<IncidentUpdate, 'seq'>): Promise<number> {
  const row = await db
    .insertInto('incident_updates')
    .values({
      id: update.id,
      incident_id: update.incidentId,
      status: update.status,
      body: update.body,
      created_at: update.createdAt,
      updated_at: update.updatedAt,
      display_at: update.displayAt,
      affected_components: update.affectedComponents === null ? null : JSON.stringify(update.affectedComponents),
      deliver_notifications: update.deliverNotifications ? 1 : 0,
      author: update.author,
      events: JSON.stringify(update.events),
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return row.seq;
}

export async function editUpdate(
  db: Db,
  id: string,
  fields: { body?: string; displayAt?: number; updatedAt: number },
): Promise<void> {
  const set: Partial<UpdateRow> = { updated_at: fields.updatedAt };
  if (fields.body !== undefined) set.body = fields.body;
  if (fields.displayAt !== undefined) set.display_at = fields.displayAt;
  await db.updateTable('incident_updates').set(set).where('id', '=', id).execute();
}

export async function findUpdates(db: Db, incidentIds: string[]): Promise<Map<string, IncidentUpdate[]>> {
  const map = new Map<string, IncidentUpdate[]>(incidentIds.map((id) => [id, []]));
  if (incidentIds.length === 0) return map;
  const rows = await db
    .selectFrom('incident_updates')
    .selectAll()
    .where('incident_id', 'in', incidentIds)
    .orderBy('seq')
    .execute();
  for (const r of rows) map.get(r.incident_id)?.push(toUpdate(r));
  return map;
}

/** The events of some services that matter for impact over [from, to): the one in force at `from`, and those inside. */
export async function eventsForImpact(
  db: Db,
  serviceIds: number[],
  from: number,
  to: number,
): Promise<Array<{ serviceId: number; timestamp: number; order: number; statusId: number }>> {
  if (serviceIds.length === 0) return [];
  const inside = await db
    .selectFrom('events')
    .select(['id', 'service_id', 'timestamp', 'status_id'])
    .where('service_id', 'in', serviceIds)
    .where('timestamp', '>', from)
    .where('timestamp', '<', to)
    .execute();
  const before = await db
    .selectFrom('events as e')
    .select(['e.id', 'e.service_id', 'e.timestamp', 'e.status_id'])
    .where('e.service_id', 'in', serviceIds)
    .where('e.id', 'in', (eb) =>
      eb
        .selectFrom('services as s')
        .select((inner) =>
          inner
            .selectFrom('events as e2')
            .select('e2.id')
            .whereRef('e2.service_id', '=', 's.id')
            .where('e2.timestamp', '<=', from)
            .orderBy('e2.timestamp', 'desc')
            .orderBy('e2.id', 'desc')
            .limit(1)
            .as('in_force'),
        ),
    )
    .execute();
  return [...before, ...inside].map((r) => ({
    serviceId: r.service_id,
    timestamp: Number(r.timestamp),
    order: r.id,
    statusId: r.status_id,
  }));
}

/** The status of a service just before an instant (the newest event before it), or undefined. */
export async function statusIdBefore(db: Db, serviceId: number, at: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('events')
    .select('status_id')
    .where('service_id', '=', serviceId)
    .where('timestamp', '<', at)
    .orderBy('timestamp', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.status_id;
}

export async function linkEvent(db: Db, eventId: number, incidentId: string): Promise<void> {
  await db.updateTable('events').set({ incident_id: incidentId }).where('id', '=', eventId).execute();
}

/** The incident of each linked event (§7.2), by event id. */
export async function incidentsOfEvents(
  db: Db,
  eventIds: number[],
): Promise<Map<number, { id: string; name: string; kind: IncidentKind }>> {
  if (eventIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('events')
    .innerJoin('incidents', 'incidents.id', 'events.incident_id')
    .select(['events.id as event_id', 'incidents.id', 'incidents.name', 'incidents.kind'])
    .where('events.id', 'in', eventIds)
    .execute();
  return new Map(rows.map((r) => [r.event_id, { id: r.id, name: r.name, kind: r.kind as IncidentKind }]));
}

export async function allTemplates(db: Db): Promise<IncidentTemplate[]> {
  const rows = await db.selectFrom('incident_templates').selectAll().orderBy('name').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, title: r.title, body: r.body }));
}

export async function insertTemplate(
  db: Db,
  t: { name: string; title: string; body: string; createdAt: number },
): Promise<number> {
  const row = await db
    .insertInto('incident_templates')
    .values({ name: t.name, title: t.title, body: t.body, created_at: t.createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function deleteTemplate(db: Db, id: number): Promise<boolean> {
  const r = await db.deleteFrom('incident_templates').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
