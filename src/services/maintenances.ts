import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Db } from '../db/connect.ts';
import type { Change } from '../changes/bus.ts';
import { Conflict, Invalid, NotFound } from '../domain/errors.ts';
import { parseDate } from '../domain/dates.ts';
import { startOfCivilDay } from '../domain/calendar.ts';
import { isPublicId } from '../domain/public-id.ts';
import type { Service } from '../domain/resources.ts';
import {
  checkIncidentBody,
  checkIncidentName,
  displayOrder,
  lastWrittenUpdate,
  parseImpactOverride,
  updatesNewestFirst,
  type AffectedComponent,
  type IncidentUpdate,
} from '../domain/incidents.ts';
import {
  AUTO_COMPLETE_BODY,
  AUTO_START_BODY,
  checkMaintenanceTransition,
  checkStart,
  checkWindow,
  dueTransition,
  initialStatus,
  isActive,
  MAINTENANCE_AUTHOR,
  MAINTENANCE_STATUSES,
  parseMaintenanceStatus,
  reportToPost,
  UPCOMING_WINDOW_MS,
  type Maintenance,
  type MaintenanceReport,
  type MaintenanceStatus,
} from '../domain/maintenance.ts';
import { levelRank } from '../domain/levels.ts';
import { componentStatusRank } from '../domain/component-status.ts';
import { allStatuses } from '../db/repositories/statuses.ts';
import * as incidentRepo from '../db/repositories/incidents.ts';
import * as repo from '../db/repositories/maintenances.ts';
import { allServices } from '../db/repositories/services.ts';
import { type Actor, type Context, authorOf } from './context.ts';
import { inTransaction } from './transaction.ts';
import { idempotentWrite, type AnswerFor, type OnceFor } from './idempotent-write.ts';
import {
  componentIdOf,
  correctUpdate,
  flag,
  insertUpdateAt,
  linkNamedServices,
  loadWorld,
  newId,
  postIncidentEvent,
  resolveServices,
  touchedServices,
  updateOf,
} from './incidents.ts';
import { postEventIn } from './events.ts';
import { recordMaintenanceNotification } from './maintenance-notifications.ts';
import { trackingComponents, v2StatusOf } from './component-notifications.ts';
import { v2UpdateSourceOf, type V2IncidentSource } from '../domain/statuspage-v2.ts';

/** Parameters of maintenance writes, as they came (the transport checked only their JSON types). */
export interface MaintenanceInput {
  name?: unknown;
  body?: unknown;
  status?: unknown;
  services?: string[];
  componentIds?: string[];
  components?: Record<string, unknown>;
  impactOverride?: unknown;
  displayAt?: unknown;
  deliverNotifications?: unknown;
  scheduledFor?: unknown;
  scheduledUntil?: unknown;
  autoStart?: unknown;
  autoComplete?: unknown;
}

/**
 * A maintenance as readers see it: its record, updates (newest first), affected services
 * (display order, current state) and which of them an active maintenance covers right now
 * (for their v2 `under_maintenance`).
 */
export interface MaintenanceView {
  maintenance: Maintenance;
  updates: IncidentUpdate[];
  services: Service[];
  /** Ids of the listed services under any active maintenance. */
  underMaintenance: number[];
}

export type MaintenanceOnce = OnceFor<MaintenanceView>;
export type MaintenanceAnswer = AnswerFor<MaintenanceView>;

/** The actor of automatic transitions: its author is `maintenance` (§9.1). */
const SCHEDULER: Actor = { kind: 'automation', name: MAINTENANCE_AUTHOR, scope: 'admin' };

function parseWhen(field: string, value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Invalid(`${field} must be a date`, field);
  const parsed = parseDate(value);
  if (!parsed) throw new Invalid(`${field} ${JSON.stringify(value)} is not a date`, field);
  return parsed.ms;
}

function parsePast(field: string, value: unknown, now: number): number | undefined {
  const ms = parseWhen(field, value);
  if (ms !== undefined && ms > now) throw new Invalid(`${field} must not be in the future`, field);
  return ms;
}

/** Loads what readers see of some maintenances. */
export async function maintenanceViews(db: Db, maintenances: Maintenance[]): Promise<MaintenanceView[]> {
  if (maintenances.length === 0) return [];
  const [updates, services, covered] = await Promise.all([
    incidentRepo.findUpdates(
      db,
      maintenances.map((m) => m.id),
    ),
    allServices(db),
    repo.servicesUnderMaintenance(db),
  ]);
  return maintenances.map((maintenance) => {
    const listed = displayOrder(services.filter((s) => maintenance.serviceIds.includes(s.id)));
    return {
      maintenance,
      updates: updatesNewestFirst(updates.get(maintenance.id) ?? []),
      services: listed,
      underMaintenance: listed.filter((s) => covered.has(s.id)).map((s) => s.id),
    };
  });
}

async function viewOf(db: Db, id: string): Promise<MaintenanceView> {
  return (await maintenanceViews(db, [(await repo.findMaintenance(db, id))!]))[0]!;
}

async function maintenanceOrNotFound(db: Db, id: string): Promise<Maintenance> {
  const m = isPublicId(id) ? await repo.findMaintenance(db, id) : undefined;
  if (!m) throw new NotFound(`Maintenance ${id} does not exist`);
  return m;
}

/** Runs a maintenance write: 'maintenance.write' asked first, one transaction, its answer kept with an Idempotency-Key. */
async function write(
  ctx: Context,
  actor: Actor,
  once: MaintenanceOnce | undefined,
  work: (trx: Transaction<Schema>, changes: Change[]) => Promise<MaintenanceView>,
): Promise<MaintenanceAnswer> {
  return idempotentWrite(ctx, actor, 'maintenance.write', once, work);
}

/**
 * Moves a maintenance to `to` (conditionally: a concurrent change makes it a Conflict for people
 * and a no-op for the scheduler), writes the update, records the v2 changes the start or end
 * causes, and at completion posts what automation still reports (§9.2). Returns false when lost.
 */
async function changeStatus(
  trx: Transaction<Schema>,
  changes: Change[],
  ctx: Context,
  m: Maintenance,
  to: MaintenanceStatus,
  now: number,
  notify: boolean,
): Promise<{ won: boolean; rows: AffectedComponent[] }> {
  if (to === m.status) return { won: true, rows: [] };
  const before = await repo.servicesUnderMaintenance(trx);
  const servicesBefore = new Map((await allServices(trx)).map((s) => [s.id, s]));
  const won = await trackingComponents(trx, ctx.ids, m.serviceIds, now, notify, () =>
    repo.claimStatus(trx, m.id, m.status, to, now),
  );
  if (!won) return { won, rows: [] };
  const after = await repo.servicesUnderMaintenance(trx);
  const rows: AffectedComponent[] = [];
  if (to === 'completed') {
    // What automation reported during the window and still stands is posted now, as automation:
    // one event per service, the most severe of each source's latest word (a failing check is not
    // hidden by a push URL's newer "fine"); the escalation policy applies as to any automated event.
    const services = servicesBefore;
    const statusesBySlug = new Map((await allStatuses(trx)).map((s) => [s.slug, s]));
    const byService = new Map<number, Array<MaintenanceReport & { severity: number }>>();
    for (const report of await repo.reportsOf(trx, m.id)) {
      const status = statusesBySlug.get(report.statusSlug);
      if (!status) continue;
      const severity = levelRank(status.level) * 10 + componentStatusRank(status.componentStatus);
      byService.set(report.serviceId, [...(byService.get(report.serviceId) ?? []), { ...report, severity }]);
    }
    for (const [serviceId, reports] of byService) {
      const report = reportToPost(reports)!;
      const service = services.get(serviceId);
      if (!service || service.currentEvent?.status.slug === report.statusSlug) continue;
      const actor: Actor = {
        kind: report.actor.kind as Actor['kind'],
        name: report.actor.name,
        // Reports kept before automation had scopes of its own name their source beside `events`.
        scope: (report.actor.source ?? report.actor.scope) as Actor['scope'],
      };
      await postEventIn(trx, changes, ctx, actor, service.slug, {
        status: report.statusSlug,
        message: report.message,
      });
    }
    await repo.deleteReports(trx, m.id);
  }
  const services = displayOrder((await allServices(trx)).filter((s) => m.serviceIds.includes(s.id)));
  for (const s of services) {
    const old = v2StatusOf((servicesBefore.get(s.id) ?? s).currentEvent, before.has(s.id));
    const next = v2StatusOf(s.currentEvent, after.has(s.id));
    if (old !== next) rows.push({ code: componentIdOf(s), name: s.name, old_status: old, new_status: next });
  }
  return { won, rows };
}

/** Whether the maintenance's notifications go out: as its first update said (§9.1 auto transitions). */
async function deliversNotifications(db: Db, id: string): Promise<boolean> {
  const updates = (await incidentRepo.findUpdates(db, [id])).get(id) ?? [];
  return updates[0]?.deliverNotifications ?? true;
}

/** Schedules a maintenance (§6, §9): its first update, one notification. */
export async function createMaintenance(
  ctx: Context,
  actor: Actor,
  input: MaintenanceInput,
  once?: MaintenanceOnce,
): Promise<MaintenanceAnswer> {
  return write(ctx, actor, once, async (trx, changes) => {
    const now = ctx.clock.now();
    const name = checkIncidentName(input.name);
    const body = checkIncidentBody(input.body);
    const requested = parseMaintenanceStatus(input.status, ['scheduled', 'in_progress']);
    const impactOverride = parseImpactOverride(input.impactOverride) ?? null;
    const scheduledFor = parseWhen('scheduled_for', input.scheduledFor);
    if (scheduledFor === undefined) throw new Invalid('scheduled_for is required', 'scheduled_for');
    const scheduledUntil = parseWhen('scheduled_until', input.scheduledUntil);
    if (scheduledUntil === undefined) throw new Invalid('scheduled_until is required', 'scheduled_until');
    checkWindow(scheduledFor, scheduledUntil, now, true);
    const autoStart = flag('scheduled_auto_in_progress', input.autoStart, true);
    const autoComplete = flag('scheduled_auto_completed', input.autoComplete, true);
    const notify = flag('deliver_notifications', input.deliverNotifications, true);
    checkStart(scheduledFor, now, autoStart || requested === 'in_progress');
    const world = await loadWorld(trx);
    const { named, targets } = resolveServices(world, input);
    if (named.length === 0) throw new Invalid('services: a maintenance needs at least one service', 'services');
    const id = newId(ctx);
    const status = initialStatus(requested, scheduledFor, autoStart, now);
    const before = await repo.servicesUnderMaintenance(trx);
    await trackingComponents(
      trx,
      ctx.ids,
      named.map((s) => s.id),
      now,
      notify,
      async () => {
        await repo.insertMaintenance(trx, {
          id,
          name,
          status,
          impactOverride,
          createdAt: now,
          updatedAt: now,
          resolvedAt: null,
          scheduledFor,
          scheduledUntil,
          autoStart,
          autoComplete,
        });
        await incidentRepo.addIncidentServices(
          trx,
          id,
          named.map((s) => s.id),
        );
      },
    );
    const ref = { id, name, kind: 'maintenance' as const };
    const posted: Array<{ service: string; sid: string }> = [];
    const oldV2 = new Map(named.map((s) => [s.id, v2StatusOf(s.currentEvent, before.has(s.id))]));
    for (const service of displayOrder(named)) {
      const target = targets.get(service.id);
      if (target && target.id !== service.currentEvent?.status.id)
        posted.push(await postIncidentEvent(trx, changes, ctx, actor, ref, service, target, body, now, notify));
    }
    const after = await repo.servicesUnderMaintenance(trx);
    const fresh = await allServices(trx);
    // The first update lists every affected service (§4.4), unchanged ones with old = new.
    const rows = displayOrder(fresh.filter((s) => named.some((n) => n.id === s.id))).map((s) => ({
      code: componentIdOf(s),
      name: s.name,
      old_status: oldV2.get(s.id)!,
      new_status: v2StatusOf(s.currentEvent, after.has(s.id)),
    }));
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
    changes.push({ topic: 'maintenance', action: 'created', slug: id });
    const view = await viewOf(trx, id);
    if (notify) await recordMaintenanceNotification(trx, 'maintenance.created', view, view.updates[0]!, now);
    return view;
  });
}

/** Posts an update (§9.1 state table): a note, or a start, verification, completion or cancellation. */
export async function postMaintenanceUpdate(
  ctx: Context,
  actor: Actor,
  maintenanceId: string,
  input: MaintenanceInput,
  once?: MaintenanceOnce,
): Promise<MaintenanceAnswer> {
  return write(ctx, actor, once, async (trx, changes) => {
    const now = ctx.clock.now();
    const m = await maintenanceOrNotFound(trx, maintenanceId);
    const body = checkIncidentBody(input.body);
    const requested = parseMaintenanceStatus(input.status, MAINTENANCE_STATUSES) ?? m.status;
    const displayAt = parsePast('display_at', input.displayAt, now);
    const notify = flag('deliver_notifications', input.deliverNotifications, true);
    const world = await loadWorld(trx);
    const { named, targets } = resolveServices(world, input);
    checkMaintenanceTransition(m.status, requested);
    const added = await linkNamedServices(trx, m, named);
    const ref = { id: m.id, name: m.name, kind: 'maintenance' as const };
    const posted: Array<{ service: string; sid: string }> = [];
    const rows: AffectedComponent[] = [];
    const covered = await repo.servicesUnderMaintenance(trx);
    for (const service of touchedServices(world, targets, added)) {
      const target = targets.get(service.id);
      const old = v2StatusOf(service.currentEvent, covered.has(service.id));
      if (target && target.id !== service.currentEvent?.status.id)
        posted.push(await postIncidentEvent(trx, changes, ctx, actor, ref, service, target, body, now, notify));
      const fresh = (await allServices(trx)).find((s) => s.id === service.id)!;
      const activeNow = isActive(m.status) || covered.has(service.id);
      rows.push({
        code: componentIdOf(service),
        name: service.name,
        old_status: old,
        new_status: v2StatusOf(fresh.currentEvent, activeNow),
      });
    }
    const moved = await changeStatus(
      trx,
      changes,
      ctx,
      { ...m, serviceIds: [...m.serviceIds, ...added.map((s) => s.id)] },
      requested,
      now,
      notify,
    );
    if (!moved.won) throw new Conflict(`Maintenance ${m.id} changed meanwhile; try again`);
    for (const row of moved.rows) {
      const i = rows.findIndex((r) => r.code === row.code);
      if (i >= 0) rows[i] = { ...rows[i]!, new_status: row.new_status };
      else rows.push(row);
    }
    await repo.updateMaintenance(trx, m.id, { updatedAt: now });
    await insertUpdateAt(trx, ctx, {
      incidentId: m.id,
      status: requested,
      body,
      at: now,
      displayAt,
      rows,
      notify,
      author: authorOf(actor),
      events: posted,
    });
    changes.push({ topic: 'maintenance', action: 'updated', slug: m.id });
    const view = await viewOf(trx, m.id);
    if (notify)
      await recordMaintenanceNotification(trx, 'maintenance.updated', view, lastWrittenUpdate(view.updates), now);
    return view;
  });
}

/** Edits name, impact override, window (until completed), automatic transitions or services (no update, no notification). */
export async function editMaintenance(
  ctx: Context,
  actor: Actor,
  maintenanceId: string,
  input: MaintenanceInput,
  once?: MaintenanceOnce,
): Promise<MaintenanceAnswer> {
  return write(ctx, actor, once, async (trx, changes) => {
    const now = ctx.clock.now();
    const m = await maintenanceOrNotFound(trx, maintenanceId);
    const name = input.name === undefined ? undefined : checkIncidentName(input.name);
    const impactOverride = parseImpactOverride(input.impactOverride);
    const scheduledFor = parseWhen('scheduled_for', input.scheduledFor);
    const scheduledUntil = parseWhen('scheduled_until', input.scheduledUntil);
    if ((scheduledFor !== undefined || scheduledUntil !== undefined) && m.status === 'completed')
      throw new Conflict(`Maintenance ${m.id} is completed: its window can no longer move`);
    checkWindow(scheduledFor ?? m.scheduledFor, scheduledUntil ?? m.scheduledUntil, now, false);
    const autoStart =
      input.autoStart === undefined ? undefined : flag('scheduled_auto_in_progress', input.autoStart, true);
    const autoComplete =
      input.autoComplete === undefined ? undefined : flag('scheduled_auto_completed', input.autoComplete, true);
    if (input.components !== undefined) throw new Invalid('components are set by updates, not edits', 'components');
    if (input.services !== undefined || input.componentIds !== undefined) {
      const world = await loadWorld(trx);
      const { named } = resolveServices(world, { services: input.services, componentIds: input.componentIds });
      if (named.length === 0) throw new Invalid('services: a maintenance needs at least one service', 'services');
      const touched = [...new Set([...m.serviceIds, ...named.map((s) => s.id)])];
      await trackingComponents(trx, ctx.ids, touched, now, true, () =>
        incidentRepo.replaceIncidentServices(
          trx,
          m.id,
          named.map((s) => s.id),
        ),
      );
    }
    await repo.updateMaintenance(trx, m.id, {
      name,
      impactOverride,
      scheduledFor,
      scheduledUntil,
      autoStart,
      autoComplete,
      updatedAt: now,
    });
    changes.push({ topic: 'maintenance', action: 'updated', slug: m.id });
    return viewOf(trx, m.id);
  });
}

/** Corrects an update's text or display time. */
export async function editMaintenanceUpdate(
  ctx: Context,
  actor: Actor,
  maintenanceId: string,
  updateId: string,
  input: { body?: unknown; displayAt?: unknown },
  once?: MaintenanceOnce,
): Promise<MaintenanceAnswer> {
  return write(ctx, actor, once, async (trx, changes) => {
    const now = ctx.clock.now();
    const m = await maintenanceOrNotFound(trx, maintenanceId);
    await correctUpdate(trx, { kind: 'maintenance', id: m.id }, updateId, input, now, (value) =>
      parsePast('display_at', value, now),
    );
    await repo.updateMaintenance(trx, m.id, { updatedAt: now });
    changes.push({ topic: 'maintenance', action: 'updated', slug: m.id });
    return viewOf(trx, m.id);
  });
}

/** Deletes a maintenance (its overlay ends at once); the events it posted stay, unlinked. */
export async function deleteMaintenance(ctx: Context, actor: Actor, maintenanceId: string): Promise<MaintenanceView> {
  const answer = await write(ctx, actor, undefined, async (trx, changes) => {
    const m = await maintenanceOrNotFound(trx, maintenanceId);
    const view = await viewOf(trx, m.id);
    await repo.deleteReports(trx, m.id);
    await trackingComponents(trx, ctx.ids, m.serviceIds, ctx.clock.now(), true, () =>
      incidentRepo.deleteIncident(trx, m.id),
    );
    changes.push({ topic: 'maintenance', action: 'deleted', slug: m.id });
    return view;
  });
  return answer.view!;
}

export async function getMaintenance(ctx: Context, id: string): Promise<MaintenanceView> {
  const db = ctx.database.db;
  return (await maintenanceViews(db, [await maintenanceOrNotFound(db, id)]))[0]!;
}

export async function getMaintenanceUpdate(ctx: Context, id: string, updateId: string): Promise<IncidentUpdate> {
  return updateOf((await getMaintenance(ctx, id)).updates, { kind: 'maintenance', id }, updateId);
}

/**
 * The one read model of maintenance lists (admin API, v2 endpoints §4, public pages, calendar):
 * - `all`: the newest by scheduled_for (descending, ties id), `limit` (default 50);
 * - `open`: scheduled, in_progress or verifying, scheduled_for ascending (summary.json);
 * - `upcoming`: scheduled, ascending (optionally only those starting before `before`);
 * - `active`: in_progress or verifying, ascending.
 */
export async function listMaintenances(
  ctx: Context,
  which: 'all' | 'open' | 'upcoming' | 'active',
  options: { limit?: number; before?: number } = {},
): Promise<MaintenanceView[]> {
  const db = ctx.database.db;
  const query: repo.MaintenanceQuery =
    which === 'all'
      ? { order: 'desc', limit: options.limit ?? 50 }
      : {
          order: 'asc',
          statuses:
            which === 'open'
              ? ['scheduled', 'in_progress', 'verifying']
              : which === 'upcoming'
                ? ['scheduled']
                : ['in_progress', 'verifying'],
          limit: options.limit,
          scheduledTo: options.before,
        };
  return maintenanceViews(db, await repo.listMaintenances(db, query));
}

/**
 * `/history` (§10): maintenances by the month of `scheduled_for` in the site's zone, `scheduled`
 * ones left out, newest first; one list per month asked for (`year`, `month` 1–12).
 */
export async function maintenanceHistory(
  ctx: Context,
  months: ReadonlyArray<{ year: number; month: number }>,
  timeZone: string,
): Promise<MaintenanceView[][]> {
  if (months.length === 0) return [];
  const bounds = months.map(({ year, month }) => ({
    start: startOfCivilDay({ year, month, day: 1 }, timeZone),
    end: startOfCivilDay(
      month === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: month + 1, day: 1 },
      timeZone,
    ),
  }));
  const views = await (async () => {
    const db = ctx.database.db;
    const rows = await repo.listMaintenances(db, {
      order: 'desc',
      statuses: ['in_progress', 'verifying', 'completed'],
      scheduledFrom: Math.min(...bounds.map((b) => b.start)),
      scheduledTo: Math.max(...bounds.map((b) => b.end)),
    });
    return maintenanceViews(db, rows);
  })();
  return bounds.map((b) =>
    views.filter((v) => v.maintenance.scheduledFor >= b.start && v.maintenance.scheduledFor < b.end),
  );
}

/** The front page's maintenance: active ones, and scheduled ones starting within 7 days. */
export async function frontPageMaintenances(
  ctx: Context,
): Promise<{ active: MaintenanceView[]; upcoming: MaintenanceView[] }> {
  const now = ctx.clock.now();
  const [active, upcoming] = await Promise.all([
    listMaintenances(ctx, 'active'),
    listMaintenances(ctx, 'upcoming', { before: now + UPCOMING_WINDOW_MS }),
  ]);
  return { active, upcoming };
}

/** Slugs of services under an active maintenance right now. */
export async function servicesUnderMaintenance(ctx: Context): Promise<Set<string>> {
  const db = ctx.database.db;
  const [ids, services] = await Promise.all([repo.servicesUnderMaintenance(db), allServices(db)]);
  return new Set(services.filter((s) => ids.has(s.id)).map((s) => s.slug));
}

/**
 * The automatic transitions due at `now` (§9.1 Auto), each in its own transaction. A conditional
 * UPDATE claims each one, so of several instances exactly one writes it. Returns how many it wrote.
 */
export async function runMaintenanceTransitions(ctx: Context, now: number): Promise<number> {
  let written = 0;
  // Two rounds: a window that ended before it could start starts, then completes.
  for (let round = 0; round < 2; round++) {
    const due = await repo.dueMaintenances(ctx.database.db, now);
    if (due.length === 0) break;
    for (const m of due) {
      const kind = dueTransition(m, now);
      if (!kind) continue;
      const wrote = await inTransaction(ctx, SCHEDULER, async (trx, changes) => {
        const to: MaintenanceStatus = kind === 'start' ? 'in_progress' : 'completed';
        const notify = await deliversNotifications(trx, m.id);
        const moved = await changeStatus(trx, changes, ctx, m, to, now, notify);
        if (!moved.won) return false;
        await insertUpdateAt(trx, ctx, {
          incidentId: m.id,
          status: to,
          body: kind === 'start' ? AUTO_START_BODY : AUTO_COMPLETE_BODY,
          at: now,
          rows: moved.rows,
          notify,
          author: MAINTENANCE_AUTHOR,
          events: [],
        });
        changes.push({ topic: 'maintenance', action: 'updated', slug: m.id });
        if (notify) {
          const view = await viewOf(trx, m.id);
          await recordMaintenanceNotification(trx, 'maintenance.updated', view, lastWrittenUpdate(view.updates), now);
        }
        return true;
      });
      if (wrote) written++;
    }
  }
  return written;
}

/**
 * What the Statuspage v2 answers need of maintenance (§4): every maintenance (scheduled_for
 * descending, ties id) as a v2 source, and the services an active one covers, each with the start
 * of the window that covers it (for the component's `updated_at`).
 */
export async function maintenanceFeed(
  ctx: Context,
): Promise<{ maintenances: V2IncidentSource[]; activeMaintenance: Map<number, number> }> {
  const db = ctx.database.db;
  const views = await maintenanceViews(db, await repo.listMaintenances(db, { order: 'desc' }));
  const activeMaintenance = new Map<number, number>();
  const maintenances = views.map((v): V2IncidentSource => {
    const m = v.maintenance;
    if (isActive(m.status)) {
      const starts = v.updates.filter((u) => (u.status as string) === 'in_progress').map((u) => u.createdAt);
      const since = starts.length > 0 ? Math.min(...starts) : m.updatedAt;
      for (const id of m.serviceIds) activeMaintenance.set(id, Math.max(activeMaintenance.get(id) ?? 0, since));
    }
    return {
      kind: 'maintenance',
      id: m.id,
      name: m.name,
      status: m.status,
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      monitoringAt: null,
      resolvedAt: m.resolvedAt,
      impact: (m.impactOverride as V2IncidentSource['impact'] | null) ?? 'maintenance',
      startedAt: m.createdAt,
      updates: v.updates.map(v2UpdateSourceOf),
      componentIds: v.services.map((s) => s.componentId),
      scheduledFor: m.scheduledFor,
      scheduledUntil: m.scheduledUntil,
    };
  });
  return { maintenances, activeMaintenance };
}
