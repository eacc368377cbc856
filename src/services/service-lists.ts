import { Conflict, NotFound } from '../domain/errors.ts';
import { checkReordering, moved, positionAtEnd, type MoveDirection } from '../domain/ordering.ts';
import type { ServiceList } from '../domain/resources.ts';
import * as lists from '../db/repositories/lists.ts';
import type { Actor, Context } from './context.ts';
import { optional, required, authorize, slugFor } from './fields.ts';
import { inTransaction } from './transaction.ts';

export function listServiceLists(ctx: Context): Promise<ServiceList[]> {
  return lists.allLists(ctx.database.db);
}

export async function getServiceList(ctx: Context, slug: string): Promise<ServiceList> {
  const list = await lists.findListBySlug(ctx.database.db, slug);
  if (!list) throw new NotFound(`Service list ${slug} does not exist`);
  return list;
}

export async function createServiceList(
  ctx: Context,
  actor: Actor,
  input: { name?: string; description?: string },
): Promise<ServiceList> {
  authorize(actor, 'catalog.write');
  const name = required('name', input.name);
  const description = required('description', input.description);
  const slug = slugFor(name);
  return inTransaction(
    ctx,
    actor,
    async (trx, changes) => {
      if (await lists.findListBySlug(trx, slug)) throw new Conflict(`Service list ${slug} already exists`);
      const position = positionAtEnd((await lists.allLists(trx)).map((l) => l.position));
      const list = await lists.insertList(trx, {
        slug,
        name,
        description,
        position,
        createdAt: ctx.clock.now(),
        componentId: ctx.ids.publicId(),
      });
      changes.push({ topic: 'list', action: 'created', slug });
      return list;
    },
    `Service list ${slug} already exists`,
  );
}

export async function updateServiceList(
  ctx: Context,
  actor: Actor,
  slug: string,
  input: { name?: string; description?: string },
): Promise<ServiceList> {
  authorize(actor, 'catalog.write');
  const name = optional('name', input.name);
  const description = optional('description', input.description);
  return inTransaction(ctx, actor, async (trx, changes) => {
    const list = await lists.findListBySlug(trx, slug);
    if (!list) throw new NotFound(`Service list ${slug} does not exist`);
    await lists.updateList(trx, list.id, { name, description }, ctx.clock.now());
    changes.push({ topic: 'list', action: 'updated', slug });
    return (await lists.findListBySlug(trx, slug))!;
  });
}

export async function deleteServiceList(ctx: Context, actor: Actor, slug: string): Promise<ServiceList> {
  authorize(actor, 'catalog.write');
  return inTransaction(ctx, actor, async (trx, changes) => {
    const list = await lists.findListBySlug(trx, slug);
    if (!list) throw new NotFound(`Service list ${slug} does not exist`);
    await lists.deleteList(trx, list.id);
    changes.push({ topic: 'list', action: 'deleted', slug });
    return list;
  });
}

/** Moves a list one place up or down (or to the top or bottom) in the display order. */
export async function moveServiceList(
  ctx: Context,
  actor: Actor,
  slug: string,
  direction: MoveDirection,
): Promise<ServiceList[]> {
  authorize(actor, 'catalog.write');
  return inTransaction(ctx, actor, async (trx, changes) => {
    const all = await lists.allLists(trx);
    if (!all.some((l) => l.slug === slug)) throw new NotFound(`Service list ${slug} does not exist`);
    await lists.setListOrder(
      trx,
      moved(
        all.map((l) => l.slug),
        slug,
        direction,
      ),
    );
    changes.push({ topic: 'list', action: 'updated', slug });
    return lists.allLists(trx);
  });
}

/** Sets the whole display order of lists at once (drag and drop); `slugs` names every list once. */
export async function orderServiceLists(ctx: Context, actor: Actor, slugs: readonly string[]): Promise<ServiceList[]> {
  authorize(actor, 'catalog.write');
  return inTransaction(ctx, actor, async (trx, changes) => {
    const all = await lists.allLists(trx);
    checkReordering(
      all.map((l) => l.slug),
      slugs,
    );
    await lists.setListOrder(trx, slugs);
    changes.push({ topic: 'list', action: 'updated' });
    return lists.allLists(trx);
  });
}
