import { Conflict, Invalid, NotFound } from '../domain/errors.ts';
import { isLevel, LEVELS, type Level } from '../domain/levels.ts';
import { isStatusImageName } from '../domain/status-images.ts';
import { parseBoolean } from '../domain/fields.ts';
import type { Status } from '../domain/resources.ts';
import { resolveComponentStatus } from '../domain/component-status.ts';
import * as statuses from '../db/repositories/statuses.ts';
import { countEventsWithStatus, deleteEventsWithStatus } from '../db/repositories/events.ts';
import type { Actor, Context } from './context.ts';
import { optional, required, authorize, slugFor } from './fields.ts';
import { inTransaction } from './transaction.ts';
import { trackingComponents } from './component-notifications.ts';
import type { Db } from '../db/connect.ts';
import { allServices } from '../db/repositories/services.ts';
import { findAutomation, updateAutomation } from '../db/repositories/automation.ts';
import { AUTOMATION_STATES, type AutomationState } from '../domain/automation-state.ts';

/** A service whose automation maps states to a status about to go, and where they move. */
export interface AutomationRemap {
  service: string;
  states: AutomationState[];
  to: string | null;
}

/**
 * The status automation moves to when its status is deleted: another status of the same
 * level, else the nearest more severe one, else the nearest less severe one.
 */
function replacementFor(status: Status, others: Status[]): Status | undefined {
  const rank = (s: Status) => LEVELS.indexOf(s.level);
  const distance = (s: Status) => {
    const d = rank(s) - rank(status);
    return d >= 0 ? d * 2 : -d * 2 + 1;
  };
  return [...others].sort((a, b) => distance(a) - distance(b) || a.slug.localeCompare(b.slug))[0];
}

/** Services whose automation (their settings, or the defaults up/warning/down) maps a state to the status. */
async function automationUsing(
  db: Db,
  status: Status,
  others: Status[],
): Promise<Array<AutomationRemap & { id: number }>> {
  const to = replacementFor(status, others)?.slug ?? null;
  const found: Array<AutomationRemap & { id: number }> = [];
  for (const service of await allServices(db)) {
    const automation = await findAutomation(db, service.id);
    const states = AUTOMATION_STATES.filter((state) => automation.statuses[state] === status.slug);
    if (states.length > 0 || automation.recoveryPendingStatus === status.slug) {
      found.push({ id: service.id, service: service.slug, states, to });
    }
  }
  return found;
}

/** What deleting the status would do to automation (for the confirmation page). */
export async function automationRemapsOnDelete(ctx: Context, slug: string): Promise<AutomationRemap[]> {
  const all = await statuses.allStatuses(ctx.database.db);
  const status = all.find((s) => s.slug === slug);
  if (!status) throw new NotFound(`Status ${slug} does not exist`);
  const remaps = await automationUsing(
    ctx.database.db,
    status,
    all.filter((s) => s.id !== status.id),
  );
  return remaps.map(({ service, states, to }) => ({ service, states, to }));
}

export interface StatusInput {
  name?: string;
  description?: string;
  image?: string;
  level?: string;
  default?: unknown;
  /** Statuspage's meaning (contract §7.3); default from the level. */
  component_status?: unknown;
}

function checkLevel(value: string | undefined): Level | undefined {
  if (value === undefined) return undefined;
  if (!isLevel(value))
    throw new Invalid(`level must be one of ${LEVELS.join(', ')}, not ${JSON.stringify(value)}`, 'level');
  return value;
}

function checkImage(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isStatusImageName(value))
    throw new Invalid(`image ${JSON.stringify(value)} is not a status image; see /status-images`, 'image');
  return value;
}

function checkDefault(value: unknown): boolean | undefined {
  return value === undefined ? undefined : parseBoolean('default', value);
}

export function listStatuses(ctx: Context): Promise<Status[]> {
  return statuses.allStatuses(ctx.database.db);
}

export async function getStatus(ctx: Context, slug: string): Promise<Status> {
  const status = await statuses.findStatusBySlug(ctx.database.db, slug);
  if (!status) throw new NotFound(`Status ${slug} does not exist`);
  return status;
}

/** How many events use the status (deleting it needs force when any do). */
export async function countStatusEvents(ctx: Context, slug: string): Promise<number> {
  const status = await getStatus(ctx, slug);
  return countEventsWithStatus(ctx.database.db, status.id);
}

export async function createStatus(ctx: Context, actor: Actor, input: StatusInput): Promise<Status> {
  authorize(actor, 'catalog.write');
  const name = required('name', input.name);
  const description = required('description', input.description);
  if (input.image === undefined || input.image === '') throw new Invalid('image is required', 'image');
  const image = checkImage(input.image)!;
  const level = checkLevel(input.level) ?? 'NORMAL';
  const componentStatus = resolveComponentStatus(input.component_status, level);
  const makeDefault = checkDefault(input.default) ?? false;
  const slug = slugFor(name);
  return inTransaction(
    ctx,
    actor,
    async (trx, changes) => {
      if (await statuses.findStatusBySlug(trx, slug)) throw new Conflict(`Status ${slug} already exists`);
      // Exactly one status is the default once any exists: the first one becomes it.
      const isDefault = makeDefault || (await statuses.countStatuses(trx)) === 0;
      const status = await statuses.insertStatus(trx, {
        slug,
        name,
        description,
        level,
        image,
        isDefault: false,
        componentStatus,
        createdAt: ctx.clock.now(),
      });
      if (isDefault) await statuses.makeDefaultStatus(trx, status.id);
      changes.push({ topic: 'status', action: 'created', slug });
      return { ...status, isDefault };
    },
    `Status ${slug} already exists`,
  );
}

export async function updateStatus(ctx: Context, actor: Actor, slug: string, input: StatusInput): Promise<Status> {
  authorize(actor, 'catalog.write');
  const name = optional('name', input.name);
  const description = optional('description', input.description);
  const image = input.image === '' ? undefined : checkImage(input.image);
  const level = checkLevel(input.level);
  const makeDefault = checkDefault(input.default);
  return inTransaction(ctx, actor, async (trx, changes) => {
    const status = await statuses.findStatusBySlug(trx, slug);
    if (!status) throw new NotFound(`Status ${slug} does not exist`);
    if (makeDefault === false && status.isDefault) {
      throw new Invalid(`Status ${slug} is the default; make another status the default instead`, 'default');
    }
    const componentStatus = resolveComponentStatus(input.component_status, level ?? status.level, status);
    // §11: a new component status of a status in force moves those services' v2 status.
    await trackingComponents(trx, ctx.ids, undefined, ctx.clock.now(), componentStatus !== status.componentStatus, () =>
      statuses.updateStatus(trx, status.id, { name, description, image, level, componentStatus }, ctx.clock.now()),
    );
    if (makeDefault === true && !status.isDefault) await statuses.makeDefaultStatus(trx, status.id);
    changes.push({ topic: 'status', action: 'updated', slug });
    return (await statuses.findStatusBySlug(trx, slug))!;
  });
}

export async function deleteStatus(
  ctx: Context,
  actor: Actor,
  slug: string,
  options: { force?: unknown } = {},
): Promise<Status> {
  authorize(actor, 'catalog.write');
  const force = options.force === undefined ? false : parseBoolean('force', options.force);
  return inTransaction(ctx, actor, async (trx, changes) => {
    const status = await statuses.findStatusBySlug(trx, slug);
    if (!status) throw new NotFound(`Status ${slug} does not exist`);
    if (status.isDefault && (await statuses.countStatuses(trx)) > 1) {
      throw new Conflict(`Status ${slug} is the default; make another status the default before deleting it`);
    }
    const used = await countEventsWithStatus(trx, status.id);
    if (used > 0 && !force) {
      throw new Conflict(`Status ${slug} is used by ${used} event(s); delete with force=true to delete them too`);
    }
    if (used > 0) {
      await trackingComponents(trx, ctx.ids, undefined, ctx.clock.now(), true, () =>
        deleteEventsWithStatus(trx, status.id),
      );
      changes.push({ topic: 'event', action: 'deleted' });
    }
    // Automation mapped to this status moves to the nearest remaining one in the same
    // transaction, so heartbeats, checks and alerts never point at a status that is gone.
    const others = (await statuses.allStatuses(trx)).filter((s) => s.id !== status.id);
    for (const remap of await automationUsing(trx, status, others)) {
      if (remap.to === null) continue;
      const automation = await findAutomation(trx, remap.id);
      await updateAutomation(trx, remap.id, {
        statuses: Object.fromEntries(remap.states.map((state) => [state, remap.to])),
        ...(automation.recoveryPendingStatus === status.slug ? { recoveryPendingStatus: remap.to } : {}),
      });
      changes.push({ topic: 'service', action: 'updated', slug: remap.service });
    }
    await statuses.deleteStatus(trx, status.id);
    changes.push({ topic: 'status', action: 'deleted', slug });
    return status;
  });
}
