import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Db } from '../db/connect.ts';
import type { Change } from '../changes/bus.ts';
import { Conflict, Invalid, NotFound } from '../domain/errors.ts';
import { isComponentStatus } from '../domain/component-status.ts';
import { parseBoolean } from '../domain/fields.ts';
import { parseDate } from '../domain/dates.ts';
import { civilDateOf, startOfCivilDay } from '../domain/calendar.ts';
import { isPublicId } from '../domain/public-id.ts';
import { isAutomatedScope } from '../domain/permissions.ts';
import type { Service, Status } from '../domain/resources.ts';
import {
  checkBackfillWindow,
  checkIncidentBody,
  checkIncidentName,
  checkTransition,
  componentStatusOf,
  computeImpact,
  displayOrder,
  INCIDENT_LIMITS,
  lastWrittenUpdate,
  parseImpactOverride,
  parseIncidentStatus,
  statusAfterUpdate,
  statusForComponentStatus,
  UNRESOLVED_STATUSES,
  updatesNewestFirst,
  type AffectedComponent,
  type Impact,
  type Incident,
  type IncidentStatus,
  type IncidentTemplate,
  type IncidentUpdate,
  type IncidentView,
} from '../domain/incidents.ts';
import type { MaintenanceStatus } from '../domain/maintenance.ts';
import * as repo from '../db/repositories/incidents.ts';
import { allServices } from '../db/repositories/services.ts';
import { allStatuses } from '../db/repositories/statuses.ts';
import { writeEvent } from './event-write.ts';
import { getPageId } from './page-id.ts';
import { type Actor, type Context, authorOf } from './context.ts';
import { authorize } from './fields.ts';
import { inTransaction } from './transaction.ts';
import { idempotentWrite, type AnswerFor, type OnceFor } from './idempotent-write.ts';
import { recordEventNotification, recordIncidentNotification } from './notifications.ts';
import { planEvent, recordEventEffects } from './escalation.ts';
import { trackingComponents } from './component-notifications.ts';

export type { IncidentView };
export type ServiceIncidentView = IncidentView<Service>;

/** Parameters of incident writes, as they came (the transport checked only their JSON types). */
export interface IncidentInput {
  name?: unknown;
  body?: unknown;
  status?: unknown;
  services?: string[];
  componentIds?: string[];
  components?: Record<string, unknown>;
  impactOverride?: unknown;
  startedAt?: unknown;
  displayAt?: unknown;
  deliverNotifications?: unknown;
  returnToDefault?: unknown;
  backfilled?: unknown;
  resolvedAt?: unknown;
}

/** `Idempotency-Key` (§6.2): the first answer to a key is stored with the change, in its transaction. */
export type Once = OnceFor<ServiceIncidentView>;
export type WriteAnswer = AnswerFor<ServiceIncidentView>;

export function newId(ctx: Context): string {
  return ctx.ids.publicId();
}

export function componentIdOf(service: Service): string {
  return service.componentId;
}

function parseInstant(field: string, value: unknown, now: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Invalid(`${field} must be a date`, field);
  const parsed = parseDate(value);
  if (!parsed) throw new Invalid(`${field} ${JSON.stringify(value)} is not a date`, field);
  if (parsed.ms > now) throw new Invalid(`${field} must not be in the future`, field);
  return parsed.ms;
}

export function flag(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  return parseBoolean(field, value);
}

export interface World {
  services: Service[];
  statuses: Status[];
}

export async function loadWorld(db: Db): Promise<World> {
  const [services, statuses] = await Promise.all([allServices(db), allStatuses(db)]);
  return { services, statuses };
}

function findService(world: World, key: string, field: string): Service {
  const bySlug = world.services.find((s) => s.slug === key);
  if (bySlug) return bySlug;
  const byId = world.services.find((s) => componentIdOf(s) === key);
  if (byId) return byId;
  throw new Invalid(`${field}: service ${JSON.stringify(key)} does not exist`, field);
}

function resolveStatus(world: World, key: string, value: unknown): Status {
  const field = `components[${key}]`;
  if (typeof value !== 'string' || value === '') throw new Invalid(`${field} must be a status`, field);
  const bySlug = world.statuses.find((s) => s.slug === value);
  if (bySlug) return bySlug;
  // A v2 name (§5.2) stands for a status with that component status.
  if (isComponentStatus(value)) {
    const found = statusForComponentStatus(
      world.statuses.map((s) => ({ ...s, componentStatus: componentStatusOf(s) })),
      value,
    );
    if (found) return found;
    throw new Invalid(`${field}: no status has the component status ${value}`, field);
  }
  throw new Invalid(`${field}: status ${JSON.stringify(value)} does not exist`, field);
}

/** The services named by `services`, `component_ids` and the keys of `components`, and the statuses asked for. */
export function resolveServices(
  world: World,
  input: IncidentInput,
): { named: Service[]; targets: Map<number, Status> } {
  const named = new Map<number, Service>();
  for (const slug of input.services ?? []) {
    const s = findService(world, slug, 'services');
    named.set(s.id, s);
  }
  for (const id of input.componentIds ?? []) {
    const s = findService(world, id, 'component_ids');
    named.set(s.id, s);
  }
  const targets = new Map<number, Status>();
  for (const [key, value] of Object.entries(input.components ?? {})) {
    const s = findService(world, key, `components[${key}]`);
    named.set(s.id, s);
    targets.set(s.id, resolveStatus(world, key, value));
  }
  return { named: [...named.values()], targets };
}

function defaultStatus(world: World): Status {
  const found = world.statuses.find((s) => s.isDefault);
  if (!found) throw new Invalid('no default status exists', 'return_to_default');
  return found;
}

/** Posts a human event for an incident update, linked to the incident (§5.2), in the caller's transaction. */
export async function postIncidentEvent(
  trx: Transaction<Schema>,
  changes: Change[],
  ctx: Context,
  actor: Actor,
  incident: { id: string; name: string; kind: 'incident' | 'maintenance' },
  service: Service,
  status: Status,
  message: string,
  timestamp: number,
  notify: boolean,
): Promise<{ service: string; sid: string }> {
  const plan = await planEvent(trx, actor, service, { status, message, informational: false }, timestamp);
  const ref = { id: incident.id, name: incident.name, kind: incident.kind };
  const event = await trackingComponents(trx, ctx.ids, [service.id], timestamp, notify, () =>
    writeEvent({ ctx, actor, trx, changes }, service, { status, message, informational: false, timestamp }, ref),
  );
  if (notify) await recordEventNotification(trx, 'event.created', event, service, timestamp, ref);
  await recordEventEffects(trx, actor, service, plan, timestamp);
  return { service: service.slug, sid: event.sid };
}

/** Loads what readers see of some incidents (one query per kind of row, impact per incident). */
export async function viewsOf(db: Db, incidents: Incident[], now: number): Promise<ServiceIncidentView[]> {
  if (incidents.length === 0) return [];
  const [updates, world] = await Promise.all([
    repo.findUpdates(
      db,
      incidents.map((i) => i.id),
    ),
    loadWorld(db),
  ]);
  const statusById = new Map(world.statuses.map((s) => [s.id, s]));
  const views: ServiceIncidentView[] = [];
  for (const incident of incidents) {
    const services = displayOrder(world.services.filter((s) => incident.serviceIds.includes(s.id)));
    let impact: Impact;
    if (incident.impactOverride !== null) impact = incident.impactOverride;
    else {
      const end = incident.resolvedAt ?? now + 1;
      const events = await repo.eventsForImpact(db, incident.serviceIds, incident.startedAt, end);
      impact = computeImpact(
        events.map((e) => ({ ...e, componentStatus: componentStatusOf(statusById.get(e.statusId)!) })),
        incident.startedAt,
        end,
      );
    }
    views.push({ incident, updates: updatesNewestFirst(updates.get(incident.id) ?? []), services, impact });
  }
  return views;
}

async function viewOf(db: Db, incident: Incident, now: number): Promise<ServiceIncidentView> {
  return (await viewsOf(db, [incident], now))[0]!;
}

async function incidentOrNotFound(db: Db, id: string): Promise<Incident> {
  const incident = isPublicId(id) ? await repo.findIncident(db, id, 'incident') : undefined;
  if (!incident) throw new NotFound(`Incident ${id} does not exist`);
  return incident;
}

/** Runs an incident write: 'incident.write' asked first, one transaction, its answer kept with an Idempotency-Key. */
async function write(
  ctx: Context,
  actor: Actor,
  once: Once | undefined,
  work: (trx: Transaction<Schema>, changes: Change[]) => Promise<ServiceIncidentView>,
): Promise<WriteAnswer> {
  return idempotentWrite(ctx, actor, 'incident.write', once, work);
}

function affected(service: Service, oldStatus: Status | undefined | null, newStatus: Status | undefined | null) {
  const old = oldStatus ? componentStatusOf(oldStatus) : 'operational';
  return {
    code: componentIdOf(service),
    name: service.name,
    old_status: old,
    new_status: newStatus ? componentStatusOf(newStatus) : old,
  };
}

/** Links to an incident or a maintenance the services an update names that it does not affect yet; returns those. */
export async function linkNamedServices(
  trx: Db,
  record: { id: string; serviceIds: readonly number[] },
  named: Service[],
): Promise<Service[]> {
  const already = new Set(record.serviceIds);
  const added = named.filter((s) => !already.has(s.id));
  await repo.addIncidentServices(
    trx,
    record.id,
    added.map((s) => s.id),
  );
  return added;
}

/** The services an update touches (given a status, or newly linked), in display order. */
export function touchedServices(world: World, targets: ReadonlyMap<number, Status>, added: Service[]): Service[] {
  return displayOrder(world.services.filter((s) => targets.has(s.id) || added.some((a) => a.id === s.id)));
}

/** The update `updateId` among those of an incident or a maintenance, or 404 naming both. */
export function updateOf(
  updates: readonly IncidentUpdate[],
  owner: { kind: 'incident' | 'maintenance'; id: string },
  updateId: string,
): IncidentUpdate {
  const update = updates.find((u) => u.id === updateId);
  if (!update) throw new NotFound(`Update ${updateId} of ${owner.kind} ${owner.id} does not exist`);
  return update;
}

/**
 * Corrects the text or display time of an update of an incident or a maintenance (404 when it
 * is not one of its updates); the events it posted stay as they were (§5.2).
 */
export async function correctUpdate(
  trx: Db,
  owner: { kind: 'incident' | 'maintenance'; id: string },
  updateId: string,
  input: { body?: unknown; displayAt?: unknown },
  now: number,
  parseDisplayAt: (value: unknown) => number | undefined,
): Promise<void> {
  updateOf((await repo.findUpdates(trx, [owner.id])).get(owner.id) ?? [], owner, updateId);
  const body = input.body === undefined ? undefined : checkIncidentBody(input.body);
  const displayAt = parseDisplayAt(input.displayAt);
  await repo.editUpdate(trx, updateId, { body, displayAt, updatedAt: now });
}

/**
 * Writes one update of an incident or a maintenance, made at `at` (shown at `displayAt`, else
 * then): its affected services' rows (none: null), the events it posted, its author.
 */
export async function insertUpdateAt(
  trx: Db,
  ctx: Context,
  update: {
    incidentId: string;
    status: IncidentStatus | MaintenanceStatus;
    body: string;
    at: number;
    displayAt?: number | undefined;
    rows: AffectedComponent[];
    notify: boolean;
    author: string;
    events: Array<{ service: string; sid: string }>;
  },
): Promise<void> {
  await repo.insertUpdate(trx, {
    id: newId(ctx),
    incidentId: update.incidentId,
    // A maintenance's updates share the table: their statuses are the maintenance's own (§9.1).
    status: update.status as IncidentStatus,
    body: update.body,
    createdAt: update.at,
    updatedAt: update.at,
    displayAt: update.displayAt ?? update.at,
    affectedComponents: update.rows.length > 0 ? update.rows : null,
    deliverNotifications: update.notify,
    author: update.author,
    events: update.events,
  });
}

/** Opens an incident (§5, §6): its first update, the events its status changes post, one notification. */
export async function createIncident(
  ctx: Context,
  actor: Actor,
  input: IncidentInput,
  once?: Once,
): Promise<WriteAnswer> {
  return write(ctx, actor, once, async (trx, changes) => {
    const now = ctx.clock.now();
    const name = checkIncidentName(input.name);
    const body = checkIncidentBody(input.body);
    const backfilled = flag('backfilled', input.backfilled, false);
    const requested = parseIncidentStatus(typeof input.status === 'string' ? input.status : undefined);
    if (input.status !== undefined && typeof input.status !== 'string')
      throw new Invalid('status must be a string', 'status');
    const impactOverride = parseImpactOverride(input.impactOverride) ?? null;
    const startedAt = parseInstant('started_at', input.startedAt, now);
    const notify = flag('deliver_notifications', input.deliverNotifications, true);
    const returnToDefault = flag('return_to_default', input.returnToDefault, false);
    const world = await loadWorld(trx);
    const { named, targets } = resolveServices(world, input);
    const id = newId(ctx);
    const incidentRef = { id, name, kind: 'incident' as const };

    if (backfilled) {
      const resolvedAt = parseInstant('resolved_at', input.resolvedAt, now);
      checkBackfillWindow(startedAt, resolvedAt, now);
      if (requested !== undefined && requested !== 'resolved')
        throw new Invalid('status of a backfilled incident must be resolved', 'status');
      if (returnToDefault)
        throw new Invalid('return_to_default does not apply to a backfilled incident', 'return_to_default');
      await repo.insertIncident(trx, {
        id,
        kind: 'incident',
        name,
        status: 'resolved',
        impactOverride,
        startedAt: startedAt!,
        createdAt: startedAt!,
        updatedAt: resolvedAt!,
        monitoringAt: null,
        resolvedAt: resolvedAt!,
        backfilled: true,
      });
      await repo.addIncidentServices(
        trx,
        id,
        named.map((s) => s.id),
      );
      const posted: Array<{ service: string; sid: string }> = [];
      const rows: AffectedComponent[] = [];
      const statusById = new Map(world.statuses.map((s) => [s.id, s]));
      for (const service of named) {
        const status = targets.get(service.id);
        if (!status) continue;
        const beforeId = await repo.statusIdBefore(trx, service.id, startedAt!);
        const restored = (beforeId !== undefined && statusById.get(beforeId)) || defaultStatus(world);
        for (const [s, at] of [
          [status, startedAt!],
          [restored, resolvedAt!],
        ] as const) {
          const event = await writeEvent(
            { ctx, actor, trx, changes },
            service,
            { status: s, message: body, informational: false, timestamp: at },
            incidentRef,
          );
          posted.push({ service: service.slug, sid: event.sid });
        }
        rows.push({
          code: componentIdOf(service),
          name: service.name,
          old_status: componentStatusOf(status),
          new_status: componentStatusOf(restored),
        });
      }
      await insertUpdateAt(trx, ctx, {
        incidentId: id,
        status: 'resolved',
        body,
        at: resolvedAt!,
        rows,
        notify: false,
        author: authorOf(actor),
        events: posted,
      });
      changes.push({ topic: 'incident', action: 'created', slug: id });
      return viewOf(trx, (await repo.findIncident(trx, id))!, now);
    }

    if (input.resolvedAt !== undefined && input.resolvedAt !== null && input.resolvedAt !== '')
      throw new Invalid('resolved_at is only for backfilled incidents', 'resolved_at');
    const status: IncidentStatus = requested ?? 'investigating';
    if (returnToDefault && status !== 'resolved')
      throw new Invalid('return_to_default needs status resolved', 'return_to_default');
    if (returnToDefault) {
      const fallback = defaultStatus(world);
      for (const s of named) if (!targets.has(s.id)) targets.set(s.id, fallback);
    }
    await repo.insertIncident(trx, {
      id,
      kind: 'incident',
      name,
      status,
      impactOverride,
      startedAt: startedAt ?? now,
      createdAt: now,
      updatedAt: now,
      monitoringAt: status === 'monitoring' ? now : null,
      resolvedAt: status === 'resolved' ? now : null,
      backfilled: false,
    });
    await repo.addIncidentServices(
      trx,
      id,
      named.map((s) => s.id),
    );
    const posted: Array<{ service: string; sid: string }> = [];
    const rows: AffectedComponent[] = [];
    for (const service of displayOrder(named)) {
      const current = service.currentEvent?.status ?? null;
      const target = targets.get(service.id);
      rows.push(affected(service, current, target ?? current));
      if (target && target.id !== current?.id)
        posted.push(await postIncidentEvent(trx, changes, ctx, actor, incidentRef, service, target, body, now, notify));
    }
    await insertUpdateAt(trx, ctx, {
      incidentId: id,
      status,
      body,
      at: now,
      rows,
      notify,
      author: authorOf(actor),
      events: posted,
    });
    changes.push({ topic: 'incident', action: 'created', slug: id });
    const view = await viewOf(trx, (await repo.findIncident(trx, id))!, now);
    if (notify) await recordIncidentNotification(trx, 'incident.created', view, view.updates[0]!, now);
    return view;
  });
}

/** Posts an update (§5.1, §5.2): moves the stage, may change service statuses, notifies once. */
export async function postUpdate(
  ctx: Context,
  actor: Actor,
  incidentId: string,
  input: IncidentInput,
  once?: Once,
): Promise<WriteAnswer> {
  return write(ctx, actor, once, async (trx, changes) => {
    const now = ctx.clock.now();
    const incident = await incidentOrNotFound(trx, incidentId);
    const body = checkIncidentBody(input.body);
    if (input.status !== undefined && typeof input.status !== 'string')
      throw new Invalid('status must be a string', 'status');
    const requested =
      parseIncidentStatus(input.status as string | undefined) ??
      (incident.status === 'postmortem' ? 'resolved' : incident.status);
    const displayAt = parseInstant('display_at', input.displayAt, now);
    const notify = flag('deliver_notifications', input.deliverNotifications, true);
    const returnToDefault = flag('return_to_default', input.returnToDefault, false);
    if (returnToDefault && requested !== 'resolved')
      throw new Invalid('return_to_default needs status resolved', 'return_to_default');
    const world = await loadWorld(trx);
    const { named, targets } = resolveServices(world, input);
    checkTransition(incident.status, requested);
    const added = await linkNamedServices(trx, incident, named);
    const affectedIds = new Set([...incident.serviceIds, ...added.map((s) => s.id)]);
    if (returnToDefault) {
      const fallback = defaultStatus(world);
      for (const s of world.services)
        if (affectedIds.has(s.id) && !targets.has(s.id) && s.currentEvent?.status.id !== fallback.id)
          targets.set(s.id, fallback);
    }
    const incidentRef = { id: incident.id, name: incident.name, kind: 'incident' as const };
    const posted: Array<{ service: string; sid: string }> = [];
    const rows: AffectedComponent[] = [];
    for (const service of touchedServices(world, targets, added)) {
      const current = service.currentEvent?.status ?? null;
      const target = targets.get(service.id);
      rows.push(affected(service, current, target ?? current));
      if (target && target.id !== current?.id)
        posted.push(await postIncidentEvent(trx, changes, ctx, actor, incidentRef, service, target, body, now, notify));
    }
    const next = statusAfterUpdate(incident.status, requested);
    await repo.updateIncident(trx, incident.id, {
      status: next,
      updatedAt: now,
      ...(next === 'monitoring' && incident.monitoringAt === null ? { monitoringAt: now } : {}),
      ...(next === 'resolved' && incident.resolvedAt === null ? { resolvedAt: now } : {}),
    });
    await insertUpdateAt(trx, ctx, {
      incidentId: incident.id,
      status: requested,
      body,
      at: now,
      displayAt,
      rows,
      notify,
      author: authorOf(actor),
      events: posted,
    });
    changes.push({ topic: 'incident', action: 'updated', slug: incident.id });
    const view = await viewOf(trx, (await repo.findIncident(trx, incident.id))!, now);
    if (notify) await recordIncidentNotification(trx, 'incident.updated', view, lastWrittenUpdate(view.updates), now);
    return view;
  });
}

/** Edits an incident's name, impact override, start or affected services (no update, no notification). */
export async function editIncident(
  ctx: Context,
  actor: Actor,
  incidentId: string,
  input: IncidentInput,
  once?: Once,
): Promise<WriteAnswer> {
  return write(ctx, actor, once, async (trx, changes) => {
    const now = ctx.clock.now();
    const incident = await incidentOrNotFound(trx, incidentId);
    const name = input.name === undefined ? undefined : checkIncidentName(input.name);
    const impactOverride = parseImpactOverride(input.impactOverride);
    const startedAt = parseInstant('started_at', input.startedAt, now);
    if (input.components !== undefined) throw new Invalid('components are set by updates, not edits', 'components');
    if (input.services !== undefined || input.componentIds !== undefined) {
      const world = await loadWorld(trx);
      const { named } = resolveServices(world, { services: input.services, componentIds: input.componentIds });
      await repo.replaceIncidentServices(
        trx,
        incident.id,
        named.map((s) => s.id),
      );
    }
    await repo.updateIncident(trx, incident.id, { name, impactOverride, startedAt, updatedAt: now });
    changes.push({ topic: 'incident', action: 'updated', slug: incident.id });
    return viewOf(trx, (await repo.findIncident(trx, incident.id))!, now);
  });
}

/** Corrects an update's text or display time; the events it posted stay as they were (§5.2). */
export async function editUpdate(
  ctx: Context,
  actor: Actor,
  incidentId: string,
  updateId: string,
  input: { body?: unknown; displayAt?: unknown },
  once?: Once,
): Promise<WriteAnswer> {
  return write(ctx, actor, once, async (trx, changes) => {
    const now = ctx.clock.now();
    const incident = await incidentOrNotFound(trx, incidentId);
    await correctUpdate(trx, { kind: 'incident', id: incident.id }, updateId, input, now, (value) =>
      parseInstant('display_at', value, now),
    );
    await repo.updateIncident(trx, incident.id, { updatedAt: now });
    changes.push({ topic: 'incident', action: 'updated', slug: incident.id });
    return viewOf(trx, (await repo.findIncident(trx, incident.id))!, now);
  });
}

/** Publishes (or replaces) the postmortem of a resolved incident (§5.1). */
export async function publishPostmortem(
  ctx: Context,
  actor: Actor,
  incidentId: string,
  input: { body?: unknown },
  once?: Once,
): Promise<WriteAnswer> {
  return write(ctx, actor, once, async (trx, changes) => {
    const now = ctx.clock.now();
    const incident = await incidentOrNotFound(trx, incidentId);
    const body = checkIncidentBody(input.body, 'body', INCIDENT_LIMITS.postmortem);
    if (incident.status !== 'resolved' && incident.status !== 'postmortem')
      throw new Conflict(`Incident ${incidentId} is ${incident.status}: a postmortem needs a resolved incident`);
    await repo.updateIncident(trx, incident.id, {
      status: 'postmortem',
      postmortemBody: body,
      postmortemPublishedAt: now,
      updatedAt: now,
    });
    changes.push({ topic: 'incident', action: 'updated', slug: incident.id });
    const view = await viewOf(trx, (await repo.findIncident(trx, incident.id))!, now);
    await recordIncidentNotification(trx, 'incident.updated', view, null, now);
    return view;
  });
}

/** Deletes an incident; its events stay, unlinked. */
export async function deleteIncident(ctx: Context, actor: Actor, incidentId: string): Promise<ServiceIncidentView> {
  const answer = await write(ctx, actor, undefined, async (trx, changes) => {
    const incident = await incidentOrNotFound(trx, incidentId);
    const view = await viewOf(trx, incident, ctx.clock.now());
    await repo.deleteIncident(trx, incident.id);
    changes.push({ topic: 'incident', action: 'deleted', slug: incident.id });
    return view;
  });
  return answer.view!;
}

export async function getIncident(ctx: Context, id: string): Promise<ServiceIncidentView> {
  return viewOf(ctx.database.db, await incidentOrNotFound(ctx.database.db, id), ctx.clock.now());
}

export async function getUpdate(ctx: Context, id: string, updateId: string): Promise<IncidentUpdate> {
  return updateOf((await getIncident(ctx, id)).updates, { kind: 'incident', id }, updateId);
}

/**
 * The one read model of incident lists (admin API, v2 endpoints, public pages): newest first by
 * started_at, ties created_at, then id (§4). `unresolved` keeps investigating/identified/monitoring.
 */
export async function listIncidents(
  ctx: Context,
  options: { limit?: number; unresolved?: boolean; startedFrom?: number; startedTo?: number } = {},
): Promise<ServiceIncidentView[]> {
  const db = ctx.database.db;
  const incidents = await repo.listIncidents(db, {
    kind: 'incident',
    statuses: options.unresolved ? UNRESOLVED_STATUSES : undefined,
    limit: options.limit,
    startedFrom: options.startedFrom,
    startedTo: options.startedTo,
  });
  return viewsOf(db, incidents, ctx.clock.now());
}

/** Incidents resolved (or still open) since `since`, for the front page's "Past incidents". */
export async function recentIncidents(ctx: Context, since: number): Promise<ServiceIncidentView[]> {
  const db = ctx.database.db;
  const incidents = (await repo.listIncidents(db, { kind: 'incident', updatedSince: since })).filter(
    (i) => i.resolvedAt !== null && i.resolvedAt >= since,
  );
  return viewsOf(db, incidents, ctx.clock.now());
}

/** The 50 incidents with the latest activity, for /history.rss and /history.atom. */
export async function incidentsByActivity(ctx: Context, limit = 50): Promise<ServiceIncidentView[]> {
  return viewsOf(ctx.database.db, await repo.listByActivity(ctx.database.db, limit), ctx.clock.now());
}

/** The page id (§2). */
export async function pageId(ctx: Context): Promise<string> {
  return getPageId(ctx);
}

/** The incident link of events (§7.2), by event id. */
export async function incidentLinks(ctx: Context, eventIds: number[]) {
  return repo.incidentsOfEvents(ctx.database.db, eventIds);
}

// Templates (§ issue: name and message saved for 3 a.m.)

export async function listTemplates(ctx: Context): Promise<IncidentTemplate[]> {
  return repo.allTemplates(ctx.database.db);
}

export async function saveTemplate(
  ctx: Context,
  actor: Actor,
  input: { name?: unknown; title?: unknown; body?: unknown },
): Promise<IncidentTemplate> {
  authorize(actor, 'incident.write');
  const name = checkIncidentName(input.name);
  const title = checkIncidentName(input.title ?? input.name);
  const body = checkIncidentBody(input.body);
  return inTransaction(
    ctx,
    actor,
    async (trx, changes) => {
      const id = await repo.insertTemplate(trx, { name, title, body, createdAt: ctx.clock.now() });
      changes.push({ topic: 'incident', action: 'updated', slug: `template:${id}` });
      return { id, name, title, body };
    },
    `A template named ${name} already exists`,
  );
}

export async function deleteTemplate(ctx: Context, actor: Actor, id: number): Promise<void> {
  authorize(actor, 'incident.write');
  await inTransaction(ctx, actor, async (trx, changes) => {
    if (!(await repo.deleteTemplate(trx, id))) throw new NotFound(`Template ${id} does not exist`);
    changes.push({ topic: 'incident', action: 'deleted', slug: `template:${id}` });
  });
}

/** Services automation took to a partial or major outage that no open incident covers (the landing page's suggestion). */
export async function uncoveredOutages(ctx: Context): Promise<Service[]> {
  const db = ctx.database.db;
  const [services, covered] = await Promise.all([allServices(db), repo.unresolvedServiceIds(db)]);
  return services.filter((s) => {
    const e = s.currentEvent;
    if (!e || covered.has(s.id) || e.informational) return false;
    const cs = componentStatusOf(e.status);
    // Who posted it, as recorded with the event: built-in automation or an events-scope token.
    return (cs === 'partial_outage' || cs === 'major_outage') && isAutomatedScope(e.authorScope);
  });
}

/** `/history?page=N` (§10): three calendar months of the site's zone a page, newest first. */
export async function incidentHistory(
  ctx: Context,
  page: number,
  timeZone: string,
): Promise<Array<{ year: number; month: number; incidents: ServiceIncidentView[] }>> {
  const today = civilDateOf(ctx.clock.now(), timeZone);
  const months: Array<{ year: number; month: number; start: number; end: number }> = [];
  for (let k = 3 * (page - 1); k < 3 * page; k++) {
    const index = today.year * 12 + (today.month - 1) - k;
    const year = Math.floor(index / 12);
    const month = (index % 12) + 1;
    const next = index + 1;
    months.push({
      year,
      month,
      start: startOfCivilDay({ year, month, day: 1 }, timeZone),
      end: startOfCivilDay({ year: Math.floor(next / 12), month: (next % 12) + 1, day: 1 }, timeZone),
    });
  }
  const all = await listIncidents(ctx, { startedFrom: months[2]!.start, startedTo: months[0]!.end });
  return months.map((m) => ({
    year: m.year,
    month: m.month,
    incidents: all.filter((v) => v.incident.startedAt >= m.start && v.incident.startedAt < m.end),
  }));
}

/** An incident for its public page; unknown or malformed ids are NotFound. */
export async function publicIncident(ctx: Context, id: string): Promise<ServiceIncidentView> {
  return getIncident(ctx, id);
}
