import type { Selectable } from 'kysely';
import type { Db } from '../connect.ts';
import { prepared } from '../prepared.ts';
import type { IncidentsTable } from '../schema-incidents.ts';
import type { Maintenance, MaintenanceReport, MaintenanceStatus } from '../../domain/maintenance.ts';

/** Maintenances: rows of `incidents` with kind `maintenance` (one id space with incidents). */

type Row = Selectable<IncidentsTable>;
const ACTIVE: MaintenanceStatus[] = ['in_progress', 'verifying'];

function toMaintenance(row: Row, serviceIds: number[]): Maintenance {
  return {
    id: row.id,
    name: row.name,
    status: row.status as MaintenanceStatus,
    impactOverride: row.impact_override,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
    scheduledFor: Number(row.scheduled_for),
    scheduledUntil: Number(row.scheduled_until),
    autoStart: Number(row.scheduled_auto_in_progress) === 1,
    autoComplete: Number(row.scheduled_auto_completed) === 1,
    serviceIds,
  };
}

async function hydrate(db: Db, rows: Row[]): Promise<Maintenance[]> {
  const ids = rows.map((r) => r.id);
  const byId = new Map<string, number[]>(ids.map((id) => [id, []]));
  if (ids.length > 0) {
    const links = await db
      .selectFrom('incident_services')
      .select(['incident_id', 'service_id'])
      .where('incident_id', 'in', ids)
      .execute();
    for (const l of links) byId.get(l.incident_id)?.push(l.service_id);
  }
  return rows.map((r) => toMaintenance(r, byId.get(r.id) ?? []));
}

export async function findMaintenance(db: Db, id: string): Promise<Maintenance | undefined> {
  const row = await db
    .selectFrom('incidents')
    .selectAll()
    .where('id', '=', id)
    .where('kind', '=', 'maintenance')
    .executeTakeFirst();
  return row ? (await hydrate(db, [row]))[0] : undefined;
}

export interface MaintenanceQuery {
  statuses?: readonly MaintenanceStatus[];
  /** By scheduled_for, ties by id. */
  order: 'asc' | 'desc';
  limit?: number;
  /** scheduled_for within [from, to). */
  scheduledFrom?: number;
  scheduledTo?: number;
}

export async function listMaintenances(db: Db, query: MaintenanceQuery): Promise<Maintenance[]> {
  let q = db.selectFrom('incidents').selectAll().where('kind', '=', 'maintenance');
  if (query.statuses) q = q.where('status', 'in', [...query.statuses]);
  if (query.scheduledFrom !== undefined) q = q.where('scheduled_for', '>=', query.scheduledFrom);
  if (query.scheduledTo !== undefined) q = q.where('scheduled_for', '<', query.scheduledTo);
  q = q.orderBy('scheduled_for', query.order).orderBy('id');
  if (query.limit !== undefined) q = q.limit(query.limit);
  return hydrate(db, await q.execute());
}

/** Maintenances whose automatic start or completion is due at `now` (§9.1 Auto). */
export async function dueMaintenances(db: Db, now: number): Promise<Maintenance[]> {
  const rows = await db
    .selectFrom('incidents')
    .selectAll()
    .where('kind', '=', 'maintenance')
    .where((eb) =>
      eb.or([
        eb.and([
          eb('status', '=', 'scheduled'),
          eb('scheduled_auto_in_progress', '=', 1),
          eb('scheduled_for', '<=', now),
        ]),
        eb.and([eb('status', 'in', ACTIVE), eb('scheduled_auto_completed', '=', 1), eb('scheduled_until', '<=', now)]),
      ]),
    )
    .orderBy('scheduled_for')
    .orderBy('id')
    .execute();
  return hydrate(db, rows);
}

/** Active maintenances affecting a service, oldest window first. */
export async function activeMaintenancesOfService(db: Db, serviceId: number): Promise<Maintenance[]> {
  const rows = await db
    .selectFrom('incidents')
    .innerJoin('incident_services', 'incident_services.incident_id', 'incidents.id')
    .selectAll('incidents')
    .where('incidents.kind', '=', 'maintenance')
    .where('incidents.status', 'in', ACTIVE)
    .where('incident_services.service_id', '=', serviceId)
    .orderBy('incidents.scheduled_for')
    .orderBy('incidents.id')
    .execute();
  return hydrate(db, rows);
}

const underMaintenance = prepared((db) =>
  db
    .selectFrom('incident_services')
    .innerJoin('incidents', 'incidents.id', 'incident_services.incident_id')
    .select('incident_services.service_id')
    .where('incidents.kind', '=', 'maintenance')
    .where('incidents.status', 'in', ACTIVE),
);

/** Ids of services under an active maintenance. */
export async function servicesUnderMaintenance(db: Db): Promise<Set<number>> {
  const rows = await underMaintenance.all(db, {});
  return new Set(rows.map((r) => r.service_id));
}

export async function insertMaintenance(db: Db, m: Omit<Maintenance, 'serviceIds'>): Promise<void> {
  await db
    .insertInto('incidents')
    .values({
      id: m.id,
      kind: 'maintenance',
      name: m.name,
      status: m.status,
      impact_override: m.impactOverride,
      // §4.3: a maintenance's started_at is its created_at.
      started_at: m.createdAt,
      created_at: m.createdAt,
      updated_at: m.updatedAt,
      monitoring_at: null,
      resolved_at: m.resolvedAt,
      backfilled: 0,
      scheduled_for: m.scheduledFor,
      scheduled_until: m.scheduledUntil,
      scheduled_auto_in_progress: m.autoStart ? 1 : 0,
      scheduled_auto_completed: m.autoComplete ? 1 : 0,
    })
    .execute();
}

export async function updateMaintenance(
  db: Db,
  id: string,
  fields: Partial<
    Pick<
      Maintenance,
      'name' | 'impactOverride' | 'updatedAt' | 'scheduledFor' | 'scheduledUntil' | 'autoStart' | 'autoComplete'
    >
  >,
): Promise<void> {
  const set: Partial<Row> = {};
  if (fields.name !== undefined) set.name = fields.name;
  if (fields.impactOverride !== undefined) set.impact_override = fields.impactOverride;
  if (fields.updatedAt !== undefined) set.updated_at = fields.updatedAt;
  if (fields.scheduledFor !== undefined) set.scheduled_for = fields.scheduledFor;
  if (fields.scheduledUntil !== undefined) set.scheduled_until = fields.scheduledUntil;
  if (fields.autoStart !== undefined) set.scheduled_auto_in_progress = fields.autoStart ? 1 : 0;
  if (fields.autoComplete !== undefined) set.scheduled_auto_completed = fields.autoComplete ? 1 : 0;
  if (Object.keys(set).length === 0) return;
  await db.updateTable('incidents').set(set).where('id', '=', id).where('kind', '=', 'maintenance').execute();
}

/**
 * Moves a maintenance from `from` to `to` only if it is still `from`: a conditional UPDATE, so of
 * several instances racing for the same transition exactly one wins (PostgreSQL re-checks the
 * condition after the row lock is released; SQLite serialises writers). True when this call won.
 */
export async function claimStatus(
  db: Db,
  id: string,
  from: MaintenanceStatus,
  to: MaintenanceStatus,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('incidents')
    .set({ status: to, updated_at: now, ...(to === 'completed' ? { resolved_at: now } : {}) })
    .where('id', '=', id)
    .where('kind', '=', 'maintenance')
    .where('status', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function upsertReport(db: Db, r: MaintenanceReport): Promise<void> {
  const values = {
    incident_id: r.maintenanceId,
    service_id: r.serviceId,
    author: r.author,
    actor: JSON.stringify(r.actor),
    status_slug: r.statusSlug,
    message: r.message,
    reported_at: r.reportedAt,
  };
  await db
    .insertInto('maintenance_reports')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['incident_id', 'service_id', 'author']).doUpdateSet({
        actor: values.actor,
        status_slug: values.status_slug,
        message: values.message,
        reported_at: values.reported_at,
      }),
    )
    .execute();
}

/** The reports of a window, oldest first. */
export async function reportsOf(db: Db, maintenanceId: string): Promise<MaintenanceReport[]> {
  const rows = await db
    .selectFrom('maintenance_reports')
    .selectAll()
    .where('incident_id', '=', maintenanceId)
    .orderBy('reported_at')
    .orderBy('author')
    .execute();
  return rows.map((r) => ({
    maintenanceId: r.incident_id,
    serviceId: r.service_id,
    author: r.author,
    actor: JSON.parse(r.actor) as MaintenanceReport['actor'],
    statusSlug: r.status_slug,
    message: r.message,
    reportedAt: Number(r.reported_at),
  }));
}

export async function deleteReports(db: Db, maintenanceId: string): Promise<void> {
  await db.deleteFrom('maintenance_reports').where('incident_id', '=', maintenanceId).execute();
}
