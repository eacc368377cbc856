import type { Db } from '../connect.ts';
import { prepared } from '../prepared.ts';
import type { ServiceRow } from '../schema.ts';
import type { Service, ServiceList } from '../../domain/resources.ts';
import { byPosition } from '../../domain/ordering.ts';
import { toList } from './lists.ts';
import { currentEvents } from './events.ts';

async function hydrate(db: Db, rows: ServiceRow[]): Promise<Service[]> {
  if (rows.length === 0) return [];
  const listIds = [...new Set(rows.map((r) => r.list_id).filter((id): id is number => id !== null))];
  const lists = new Map<number, ServiceList>();
  if (listIds.length > 0) {
    for (const row of await db.selectFrom('service_lists').selectAll().where('id', 'in', listIds).execute()) {
      lists.set(row.id, toList(row));
    }
  }
  const current = await currentEvents(
    db,
    rows.map((r) => r.id),
  );
  return rows
    .map((row) => ({
      id: row.id,
      slug: row.slug,
      name: row.name,
      description: row.description,
      list: row.list_id === null ? null : (lists.get(row.list_id) ?? null),
      position: Number(row.position),
      currentEvent: current.get(row.id) ?? null,
      componentId: row.component_id,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    }))
    .sort(byPosition);
}

/** Services in display order; `listId` keeps those of one list (null: those without a list). */
export async function allServices(db: Db, filter: { listId?: number | null } = {}): Promise<Service[]> {
  let q = db.selectFrom('services').selectAll();
  if (filter.listId === null) q = q.where('list_id', 'is', null);
  else if (filter.listId !== undefined) q = q.where('list_id', '=', filter.listId);
  return hydrate(db, await q.execute());
}

const serviceBySlug = prepared((db, v: { slug: string }) =>
  db.selectFrom('services').selectAll().where('slug', '=', v.slug),
);

export async function findServiceBySlug(db: Db, slug: string): Promise<Service | undefined> {
  const row = await serviceBySlug.first(db, { slug });
  return row ? (await hydrate(db, [row]))[0] : undefined;
}

/** The service with this id (automation rows, checks and reports refer to services by id). */
export async function findServiceById(db: Db, id: number): Promise<Service | undefined> {
  const row = await db.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? (await hydrate(db, [row]))[0] : undefined;
}

export async function findServiceByComponentId(db: Db, componentId: string): Promise<Service | undefined> {
  const row = await db.selectFrom('services').selectAll().where('component_id', '=', componentId).executeTakeFirst();
  return row ? (await hydrate(db, [row]))[0] : undefined;
}

export async function insertService(
  db: Db,
  service: {
    slug: string;
    name: string;
    description: string;
    listId: number | null;
    position: number;
    createdAt: number;
    componentId: string;
  },
): Promise<number> {
  const row = await db
    .insertInto('services')
    .values({
      slug: service.slug,
      name: service.name,
      description: service.description,
      list_id: service.listId,
      position: service.position,
      created_at: service.createdAt,
      component_id: service.componentId,
      updated_at: service.createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateService(
  db: Db,
  id: number,
  fields: { name?: string; description?: string; listId?: number | null; position?: number },
  at: number,
): Promise<void> {
  const set: Partial<Pick<ServiceRow, 'name' | 'description' | 'list_id' | 'position' | 'updated_at'>> = {};
  if (fields.name !== undefined) set.name = fields.name;
  if (fields.description !== undefined) set.description = fields.description;
  if (fields.listId !== undefined) set.list_id = fields.listId;
  if (fields.position !== undefined) set.position = fields.position;
  if (Object.keys(set).length === 0) return;
  set.updated_at = at;
  await db.updateTable('services').set(set).where('id', '=', id).execute();
}

export async function deleteService(db: Db, id: number): Promise<void> {
  // Explicit, not only ON DELETE CASCADE: the rule holds whatever the foreign-key setting.
  await db.deleteFrom('events').where('service_id', '=', id).execute();
  await db.deleteFrom('uptime_days').where('service_id', '=', id).execute();
  await db.deleteFrom('services').where('id', '=', id).execute();
}

/** The positions of the services in a list (null: without a list), for placing one at the end. */
export async function positionsInList(db: Db, listId: number | null): Promise<number[]> {
  let q = db.selectFrom('services').select('position');
  q = listId === null ? q.where('list_id', 'is', null) : q.where('list_id', '=', listId);
  return (await q.execute()).map((r) => Number(r.position));
}

/** Stores the display order of services within one list: each slug's 1-based index. */
export async function setServiceOrder(db: Db, slugs: readonly string[]): Promise<void> {
  for (const [i, slug] of slugs.entries()) {
    await db
      .updateTable('services')
      .set({ position: i + 1 })
      .where('slug', '=', slug)
      .execute();
  }
}
