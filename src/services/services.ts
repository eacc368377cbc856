import { Conflict, Invalid } from '../domain/errors.ts';
import { requireService } from './lookups.ts';
import { checkReordering, moved, positionAtEnd, type MoveDirection } from '../domain/ordering.ts';
import type { Service } from '../domain/resources.ts';
import type { Db } from '../db/connect.ts';
import * as services from '../db/repositories/services.ts';
import * as lists from '../db/repositories/lists.ts';
import { countEventsOfService } from '../db/repositories/events.ts';
import type { Actor, Context } from './context.ts';
import { optional, required, authorize, slugFor } from './fields.ts';
import { inTransaction } from './transaction.ts';

export function listServices(ctx: Context): Promise<Service[]> {
  return services.allServices(ctx.database.db);
}

export async function getService(ctx: Context, slug: string): Promise<Service> {
  const service = await requireService(ctx.database.db, slug);
  return service;
}

/** How many events deleting the service would delete with it (for confirmations). */
export async function countServiceEvents(ctx: Context, slug: string): Promise<number> {
  const service = await getService(ctx, slug);
  return countEventsOfService(ctx.database.db, service.id);
}

async function listIdFor(trx: Db, slug: string): Promise<number> {
  const list = await lists.findListBySlug(trx, slug);
  if (!list) throw new Invalid(`list ${JSON.stringify(slug)} does not exist`, 'list');
  return list.id;
}

export async function createService(
  ctx: Context,
  actor: Actor,
  input: { name?: string; description?: string; list?: string },
): Promise<Service> {
  authorize(actor, 'catalog.write');
  const name = required('name', input.name);
  const description = required('description', input.description);
  const slug = slugFor(name);
  return inTransaction(
    ctx,
    actor,
    async (trx, changes) => {
      const listId = input.list === undefined || input.list === '' ? null : await listIdFor(trx, input.list);
      if (await services.findServiceBySlug(trx, slug)) throw new Conflict(`Service ${slug} already exists`);
      const position = positionAtEnd(await services.positionsInList(trx, listId));
      await services.insertService(trx, {
        slug,
        name,
        description,
        listId,
        position,
        createdAt: ctx.clock.now(),
        componentId: ctx.ids.publicId(),
      });
      changes.push({ topic: 'service', action: 'created', slug });
      return (await services.findServiceBySlug(trx, slug))!;
    },
    `Service ${slug} already exists`,
  );
}

export async function updateService(
  ctx: Context,
  actor: Actor,
  slug: string,
  input: { name?: string; description?: string; list?: string },
): Promise<Service> {
  authorize(actor, 'catalog.write');
  const name = optional('name', input.name);
  const description = optional('description', input.description);
  return inTransaction(ctx, actor, async (trx, changes) => {
    const service = await requireService(trx, slug);
    let listId: number | null | undefined;
    if (input.list !== undefined) listId = input.list === '' ? null : await listIdFor(trx, input.list);
    // Moving to another list places the service at the end of that list's order.
    const position =
      listId !== undefined && listId !== (service.list?.id ?? null)
        ? positionAtEnd(await services.positionsInList(trx, listId))
        : undefined;
    await services.updateService(trx, service.id, { name, description, listId, position }, ctx.clock.now());
    changes.push({ topic: 'service', action: 'updated', slug });
    return (await services.findServiceBySlug(trx, slug))!;
  });
}

export async function deleteService(ctx: Context, actor: Actor, slug: string): Promise<Service> {
  authorize(actor, 'catalog.write');
  return inTransaction(ctx, actor, async (trx, changes) => {
    const service = await requireService(trx, slug);
    await services.deleteService(trx, service.id);
    changes.push({ topic: 'service', action: 'deleted', slug });
    return service;
  });
}

/** The slugs of the services sharing a list (null: without a list), in display order. */
async function siblings(trx: Db, listId: number | null): Promise<string[]> {
  return (await services.allServices(trx, { listId: listId ?? null })).map((s) => s.slug);
}

/** Moves a service one place up or down (or to the top or bottom) within its list. */
export async function moveService(ctx: Context, actor: Actor, slug: string, direction: MoveDirection): Promise<void> {
  authorize(actor, 'catalog.write');
  await inTransaction(ctx, actor, async (trx, changes) => {
    const service = await requireService(trx, slug);
    await services.setServiceOrder(trx, moved(await siblings(trx, service.list?.id ?? null), slug, direction));
    changes.push({ topic: 'service', action: 'updated', slug });
  });
}

/**
 * Sets the whole order of the services of one list at once (drag and drop); `list` is the
 * list's slug, or '' for the services without a list; `slugs` names each of them once.
 */
export async function orderServices(ctx: Context, actor: Actor, list: string, slugs: readonly string[]): Promise<void> {
  authorize(actor, 'catalog.write');
  await inTransaction(ctx, actor, async (trx, changes) => {
    const listId = list === '' ? null : await listIdFor(trx, list);
    checkReordering(await siblings(trx, listId), slugs);
    await services.setServiceOrder(trx, slugs);
    changes.push({ topic: 'service', action: 'updated' });
  });
}
