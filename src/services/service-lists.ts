import { Conflict, NotFound } from '../domain/errors.ts';
import type { ServiceList } from '../domain/resources.ts';
import * as lists from '../db/repositories/lists.ts';
import type { Actor, Context } from './context.ts';
import { optional, required, authorize, slugFor } from './fields.ts';
import { inTransaction, reading } from './transaction.ts';

export function listServiceLists(ctx: Context): Promise<ServiceList[]> {
  return reading(() => lists.allLists(ctx.database.db));
}

export async function getServiceList(ctx: Context, slug: string): Promise<ServiceList> {
  const list = await reading(() => lists.findListBySlug(ctx.database.db, slug));
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
      const list = await lists.insertList(trx, {
        slug,
        name,
        description,
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
