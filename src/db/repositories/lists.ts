import type { Db } from '../connect.ts';
import type { ServiceListRow } from '../schema.ts';
import type { ServiceList } from '../../domain/resources.ts';
import { byPosition } from '../../domain/ordering.ts';

export function toList(row: ServiceListRow): ServiceList {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    position: Number(row.position),
    componentId: row.component_id,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function allLists(db: Db): Promise<ServiceList[]> {
  const rows = await db.selectFrom('service_lists').selectAll().execute();
  return rows.map(toList).sort(byPosition);
}

export async function findListBySlug(db: Db, slug: string): Promise<ServiceList | undefined> {
  const row = await db.selectFrom('service_lists').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row && toList(row);
}

export async function insertList(
  db: Db,
  list: { slug: string; name: string; description: string; position: number; createdAt: number; componentId: string },
): Promise<ServiceList> {
  const row = await db
    .insertInto('service_lists')
    .values({
      slug: list.slug,
      name: list.name,
      description: list.description,
      position: list.position,
      created_at: list.createdAt,
      component_id: list.componentId,
      updated_at: list.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toList(row);
}

export async function updateList(
  db: Db,
  id: number,
  fields: { name?: string; description?: string },
  at: number,
): Promise<void> {
  if (fields.name === undefined && fields.description === undefined) return;
  await db
    .updateTable('service_lists')
    .set({ ...fields, updated_at: at })
    .where('id', '=', id)
    .execute();
}

export async function findListByComponentId(db: Db, componentId: string): Promise<ServiceList | undefined> {
  const row = await db
    .selectFrom('service_lists')
    .selectAll()
    .where('component_id', '=', componentId)
    .executeTakeFirst();
  return row && toList(row);
}

export async function deleteList(db: Db, id: number): Promise<void> {
  await db.updateTable('services').set({ list_id: null }).where('list_id', '=', id).execute();
  await db.deleteFrom('service_lists').where('id', '=', id).execute();
}

/** Stores the display order of lists: each slug's 1-based index. */
export async function setListOrder(db: Db, slugs: readonly string[]): Promise<void> {
  for (const [i, slug] of slugs.entries()) {
    await db
      .updateTable('service_lists')
      .set({ position: i + 1 })
      .where('slug', '=', slug)
      .execute();
  }
}
