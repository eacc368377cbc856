import { Conflict, Invalid, NotFound } from '../domain/errors.ts';
import { requireService } from './lookups.ts';
import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Change } from '../changes/bus.ts';
import { planEvent, recordEventEffects } from './escalation.ts';
import { parseDate, parseDateRange } from '../domain/dates.ts';
import { parseBoolean } from '../domain/fields.ts';
import type { Service, StatusEvent } from '../domain/resources.ts';
import * as events from '../db/repositories/events.ts';
import * as statuses from '../db/repositories/statuses.ts';
import { type Actor, type Context, automationSourceOf } from './context.ts';
import { authorize, required } from './fields.ts';
import { inTransaction, type WriteScope } from './transaction.ts';
import { writeEvent } from './event-write.ts';
import { recordComponentChangeOfEvent, trackingComponents } from './component-notifications.ts';
import { recordEventNotification } from './notifications.ts';
import { quietDuringMaintenance } from './maintenance-quiet.ts';

export async function listEvents(
  ctx: Context,
  serviceSlug: string,
  filter: { start?: string; end?: string },
): Promise<StatusEvent[]> {
  const range = parseDateRange(filter.start, filter.end);
  const service = await requireService(ctx.database.db, serviceSlug);
  return events.findEvents(ctx.database.db, { serviceId: service.id, ...range });
}

/** How many events one page of the events list holds when the client does not say, and at most. */
export const EVENTS_PAGE = { default: 100, max: 1000 } as const;

export interface EventPage {
  events: StatusEvent[];
  /** The cursor of the next (older) page, when there is one: the sid of this page's last event. */
  nextBefore: string | undefined;
}

function pageLimit(text: string | undefined): number {
  if (text === undefined || text === '') return EVENTS_PAGE.default;
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1 || Number(text) > EVENTS_PAGE.max) {
    throw new Invalid(
      `limit must be a whole number from 1 to ${EVENTS_PAGE.max}, not ${JSON.stringify(text)}`,
      'limit',
    );
  }
  return Number(text);
}

/**
 * One page of a service's events, newest first: at most `limit` (default 100, at most 1000),
 * starting after the event `before` names. The work one request can cause stays bounded
 * however many events a service has.
 */
export async function listEventPage(
  ctx: Context,
  serviceSlug: string,
  filter: { start?: string; end?: string; limit?: string; before?: string },
): Promise<EventPage> {
  const range = parseDateRange(filter.start, filter.end);
  const limit = pageLimit(filter.limit);
  const service = await requireService(ctx.database.db, serviceSlug);
  let before: { timestamp: number; id: number } | undefined;
  if (filter.before !== undefined && filter.before !== '') {
    const cursor = await events.findEventBySid(ctx.database.db, filter.before!);
    if (!cursor || cursor.serviceId !== service.id) {
      throw new Invalid(`before must be the sid of an event of service ${serviceSlug}`, 'before');
    }
    before = { timestamp: cursor.timestamp, id: cursor.id };
  }
  const found = await events.findEvents(ctx.database.db, { serviceId: service.id, ...range, before, limit: limit + 1 });
  const page = found.slice(0, limit);
  return { events: page, nextBefore: found.length > limit ? page[page.length - 1]!.sid : undefined };
}

export async function getCurrentEvent(ctx: Context, serviceSlug: string): Promise<StatusEvent> {
  const service = await requireService(ctx.database.db, serviceSlug);
  if (!service.currentEvent) throw new NotFound(`Service ${serviceSlug} has no events`);
  return service.currentEvent;
}

export async function getEvent(ctx: Context, serviceSlug: string, sid: string): Promise<StatusEvent> {
  const service = await requireService(ctx.database.db, serviceSlug);
  const event = await events.findEventBySid(ctx.database.db, sid);
  if (!event || event.serviceId !== service.id)
    throw new NotFound(`Event ${sid} does not exist for service ${serviceSlug}`);
  return event;
}

export interface PostEventInput {
  message?: string;
  status?: string;
  informational?: unknown;
  /** A past instant to record the event at (admins only; contract §7.1): history, not news. */
  timestamp?: string;
}

/** A backdated event's instant: admins only, a v1 date format, not in the future. */
function backdatedTimestamp(actor: Actor, value: string | undefined, now: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  authorize(actor, 'event.backdate');
  const parsed = parseDate(value);
  if (!parsed) throw new Invalid(`timestamp is not a date: ${JSON.stringify(value)}`, 'timestamp');
  if (parsed.ms > now)
    throw new Invalid(
      `timestamp ${JSON.stringify(value)} is in the future: only past events may be recorded`,
      'timestamp',
    );
  return parsed.ms;
}

/**
 * What became of a posted event under the escalation policy (see src/domain/escalation.ts):
 * posted as asked, turned into a note, or not posted at all.
 */
export type PostOutcome =
  | { outcome: 'posted' | 'noted'; event: StatusEvent }
  | { outcome: 'ignored'; event: null }
  | { outcome: 'suppressed'; event: null; retryAt: number };

/**
 * Posts an event. Automated actors (automation scopes, `events`-scope tokens) are held to the
 * service's escalation policy: a held recovery is posted as a note instead; a change the
 * policy refuses outright is a Conflict.
 */
export async function postEvent(
  ctx: Context,
  actor: Actor,
  serviceSlug: string,
  input: PostEventInput,
): Promise<StatusEvent> {
  authorize(actor, 'event.post');
  return inTransaction(ctx, actor, async (trx, changes) => {
    const result = await postEventIn(trx, changes, ctx, actor, serviceSlug, input);
    if (result.outcome === 'ignored') {
      throw new Conflict(
        `Service ${serviceSlug} waits for a human to confirm its recovery; the note is already posted`,
      );
    }
    if (result.outcome === 'suppressed') {
      throw new Conflict(
        `Service ${serviceSlug} changed status too recently for automation to change it again; allowed from ${new Date(result.retryAt).toISOString()}`,
      );
    }
    return result.event;
  });
}

/** postEvent inside the caller's transaction, reporting the policy's outcome instead of refusing. */
export async function postEventIn(
  trx: Transaction<Schema>,
  changes: Change[],
  ctx: Context,
  actor: Actor,
  serviceSlug: string,
  input: PostEventInput,
): Promise<PostOutcome> {
  authorize(actor, 'event.post');
  return postEventFor({ ctx, actor, trx, changes }, await requireService(trx, serviceSlug), input);
}

/**
 * postEventIn for a service the caller has already loaded in the same transaction (automation,
 * maintenance completion): no lookup by slug again.
 */
export async function postEventFor(scope: WriteScope, service: Service, input: PostEventInput): Promise<PostOutcome> {
  const { ctx, actor, trx } = scope;
  authorize(actor, 'event.post');
  const backdated = backdatedTimestamp(actor, input.timestamp, ctx.clock.now());
  const requestedMessage = required('message', input.message);
  const requestedInformational =
    input.informational === undefined || input.informational === ''
      ? false
      : parseBoolean('informational', input.informational);
  let status;
  if (input.status !== undefined && input.status !== '') {
    status = await statuses.findStatusBySlug(trx, input.status);
    if (!status) throw new Invalid(`status ${JSON.stringify(input.status)} does not exist`, 'status');
  } else {
    status = service.currentEvent?.status ?? (await statuses.findDefaultStatus(trx));
    if (!status) throw new Invalid('status is required: no status exists yet', 'status');
  }
  if (backdated !== undefined) {
    // History, not news: no escalation policy, no notification, no policy memory (contract §7.1).
    const event = await writeEvent(scope, service, {
      status,
      message: requestedMessage,
      informational: requestedInformational,
      timestamp: backdated,
    });
    return { outcome: 'posted', event };
  }
  const timestamp = ctx.clock.now();
  if (automationSourceOf(actor) !== undefined) {
    // Planned work: automation on an affected service records notes and notifies nobody (§9.2).
    const quiet = await quietDuringMaintenance(scope, service, { status, message: requestedMessage }, timestamp);
    if (quiet) return quiet;
  }
  const plan = await planEvent(
    trx,
    actor,
    service,
    { status, message: requestedMessage, informational: requestedInformational },
    timestamp,
  );
  if (plan.decision.action === 'ignore') return { outcome: 'ignored', event: null };
  if (plan.decision.action === 'suppress')
    return { outcome: 'suppressed', event: null, retryAt: plan.decision.retryAt };
  const event = await writeEvent(scope, service, {
    status: plan.status,
    message: plan.message,
    informational: plan.informational,
    timestamp,
  });
  await recordComponentChangeOfEvent(trx, ctx.ids, service, event, timestamp);
  await recordEventNotification(trx, 'event.created', event, service, timestamp);
  await recordEventEffects(trx, actor, service, plan, timestamp);
  return { outcome: plan.decision.action === 'note' ? 'noted' : 'posted', event };
}

export async function deleteEvent(ctx: Context, actor: Actor, serviceSlug: string, sid: string): Promise<StatusEvent> {
  authorize(actor, 'event.delete');
  return inTransaction(ctx, actor, async (trx, changes) => {
    const service = await requireService(trx, serviceSlug);
    const event = await events.findEventBySid(trx, sid);
    if (!event || event.serviceId !== service.id)
      throw new NotFound(`Event ${sid} does not exist for service ${serviceSlug}`);
    await trackingComponents(trx, ctx.ids, [service.id], ctx.clock.now(), true, () =>
      events.deleteEvent(trx, event.id),
    );
    changes.push({ topic: 'event', action: 'deleted', slug: service.slug, sid });
    await recordEventNotification(trx, 'event.deleted', event, service, ctx.clock.now());
    return event;
  });
}

/** The newest events across services, for feeds. */
export function recentEvents(ctx: Context, options: { serviceIds?: number[]; limit: number }): Promise<StatusEvent[]> {
  return events.findEvents(ctx.database.db, { serviceIds: options.serviceIds, limit: options.limit });
}
