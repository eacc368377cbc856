import type { Db } from '../db/connect.ts';
import { insertOutboxEntry } from '../db/repositories/outbox.ts';
import { allServices } from '../db/repositories/services.ts';
import { currentEvents } from '../db/repositories/events.ts';
import { servicesUnderMaintenance } from '../db/repositories/maintenances.ts';
import { componentStatusOf } from '../domain/incidents.ts';
import { pageStatus } from '../domain/statuspage-v2.ts';
import type { V2ComponentStatus } from '../domain/component-status.ts';
import { overlaidStatus } from '../domain/maintenance.ts';
import type { ComponentNotification } from '../domain/notifications.ts';
import type { Ids } from './context.ts';
import type { Service, Status } from '../domain/resources.ts';

/** What v2 shows for some services right now (§2): the current status's component status, under an active maintenance's overlay. */
export type V2Statuses = Map<number, string>;

/** What v2 shows for a service whose current event is `event` (none: operational), under an active maintenance's overlay or not (§2). */
export function v2StatusOf(event: { status: Status } | null | undefined, covered: boolean): V2ComponentStatus {
  return overlaidStatus(event ? componentStatusOf(event.status) : 'operational', covered);
}

/** The v2 page status now (§2), from every service's status, in the caller's transaction; with the services read for it. */
export async function pageStatusNow(trx: Db): Promise<{ services: Service[]; page: ReturnType<typeof pageStatus> }> {
  const [services, covered] = await Promise.all([allServices(trx), servicesUnderMaintenance(trx)]);
  return {
    services,
    page: pageStatus(
      services.map((s) => v2StatusOf(s.currentEvent, covered.has(s.id))),
      [],
    ),
  };
}

/**
 * The v2 status of the given services (all of them without `serviceIds`), read inside the
 * caller's transaction: taken before and after a change, the two say which components moved.
 */
export async function v2Statuses(trx: Db, serviceIds?: readonly number[]): Promise<V2Statuses> {
  const [current, covered] = await Promise.all([
    serviceIds ? currentEvents(trx, [...serviceIds]) : allServices(trx).then(currentOfServices),
    servicesUnderMaintenance(trx),
  ]);
  const ids = serviceIds ?? [...current.keys()];
  const result: V2Statuses = new Map();
  for (const id of ids) {
    const event = current.get(id);
    result.set(id, v2StatusOf(event, covered.has(id)));
  }
  return result;
}

function currentOfServices(services: Awaited<ReturnType<typeof allServices>>) {
  // Services without an event are operational (§2): kept with a null event.
  return new Map(services.map((s) => [s.id, s.currentEvent ?? null] as const));
}

/**
 * Writes one `component.updated` notification (§11) for each service whose v2 status differs between
 * `before` and `after`, in the caller's transaction (so it exists exactly when the change commits).
 */
export async function recordComponentChanges(
  trx: Db,
  ids: Ids,
  before: V2Statuses,
  after: V2Statuses,
  now: number,
): Promise<void> {
  const moved = [...after].filter(([id, status]) => (before.get(id) ?? 'operational') !== status);
  if (moved.length === 0) return;
  const { services, page } = await pageStatusNow(trx);
  for (const [serviceId, newStatus] of moved) {
    const service = services.find((s) => s.id === serviceId);
    if (!service) continue;
    const notification: ComponentNotification = {
      topic: 'component.updated',
      id: ids.publicId(),
      at: now,
      oldStatus: before.get(serviceId) ?? 'operational',
      newStatus,
      component: { id: service.componentId, slug: service.slug, name: service.name, createdAt: service.createdAt },
      page,
    };
    await insertOutboxEntry(trx, {
      topic: notification.topic,
      serviceSlug: service.slug,
      informational: false,
      subscriberId: null,
      payload: JSON.stringify(notification),
      createdAt: now,
    });
  }
}

/**
 * `trackingComponents` for one event just written on a service loaded in the same transaction
 * before it: the service's status before is its current event then, and after it is the new
 * event's (unless an event with a later instant stays current), so no events are read again.
 */
export async function recordComponentChangeOfEvent(
  trx: Db,
  ids: Ids,
  service: Service,
  event: { status: Status; timestamp: number },
  now: number,
): Promise<void> {
  const covered = (await servicesUnderMaintenance(trx)).has(service.id);
  const previous = service.currentEvent;
  const before = v2StatusOf(previous, covered);
  const after = v2StatusOf(!previous || previous.timestamp <= event.timestamp ? event : previous, covered);
  await recordComponentChanges(trx, ids, new Map([[service.id, before]]), new Map([[service.id, after]]), now);
}

/**
 * Runs `work` (a write inside the caller's transaction) and, when `notify`, writes a
 * `component.updated` notification for each of the services (all without `serviceIds`) whose v2 status it moved.
 */
export async function trackingComponents<T>(
  trx: Db,
  ids: Ids,
  serviceIds: readonly number[] | undefined,
  now: number,
  notify: boolean,
  work: () => Promise<T>,
): Promise<T> {
  if (!notify || (serviceIds && serviceIds.length === 0)) return work();
  const before = await v2Statuses(trx, serviceIds);
  const result = await work();
  await recordComponentChanges(trx, ids, before, await v2Statuses(trx, serviceIds), now);
  return result;
}
