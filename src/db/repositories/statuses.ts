import type { Db } from '../connect.ts';
import { prepared } from '../prepared.ts';
import type { StatusRow } from '../schema.ts';
import type { Status } from '../../domain/resources.ts';
import { byName } from '../../domain/ordering.ts';
import { rebuildUptimeDays, servicesWithEventsAt } from './uptime-days.ts';

export function toStatus(row: StatusRow): Status {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    level: row.level,
    image: row.image,
    isDefault: Number(row.is_default) === 1,
    componentStatus: row.component_status,
    componentStatusAt: Number(row.component_status_at),
  };
}

const everyStatus = prepared((db) => db.selectFrom('statuses').selectAll());
const statusBySlug = prepared((db, v: { slug: string }) =>
  db.selectFrom('statuses').selectAll().where('slug', '=', v.slug),
);

export async function allStatuses(db: Db): Promise<Status[]> {
  const rows = await everyStatus.all(db, {});
  return rows.map(toStatus).sort(byName);
}

export async function findStatusBySlug(db: Db, slug: string): Promise<Status | undefined> {
  const row = await statusBySlug.first(db, { slug });
  return row && toStatus(row);
}

export async function findDefaultStatus(db: Db): Promise<Status | undefined> {
  const row = await db.selectFrom('statuses').selectAll().where('is_default', '=', 1).executeTakeFirst();
  return row && toStatus(row);
}

export async function countStatuses(db: Db): Promise<number> {
  const row = await db
    .selectFrom('statuses')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertStatus(
  db: Db,
  status: Omit<Status, 'id' | 'componentStatusAt'> & { createdAt: number },
): Promise<Status> {
  const row = await db
    .insertInto('statuses')
    .values({
      slug: status.slug,
      name: status.name,
      description: status.description,
      level: status.level,
      image: status.image,
      is_default: status.isDefault ? 1 : 0,
      created_at: status.createdAt,
      component_status: status.componentStatus,
      component_status_at: 0,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toStatus(row);
}

export async function updateStatus(
  db: Db,
  id: number,
  fields: Partial<Pick<Status, 'name' | 'description' | 'level' | 'image' | 'componentStatus'>>,
  at: number,
): Promise<void> {
  const { componentStatus, ...rest } = fields;
  const set: Partial<
    Pick<StatusRow, 'name' | 'description' | 'level' | 'image' | 'component_status' | 'component_status_at'>
  > = { ...rest };
  if (componentStatus !== undefined) {
    const current = await db.selectFrom('statuses').select('component_status').where('id', '=', id).executeTakeFirst();
    if (current && current.component_status !== componentStatus) {
      set.component_status = componentStatus;
      set.component_status_at = at;
    }
  }
  if (!Object.values(set).some((v: unknown) => v !== undefined)) return;
  await db.updateTable('statuses').set(set).where('id', '=', id).execute();
  // Uptime reads the status's meaning live (contract §7.3): the stored days are counted again.
  if (set.component_status !== undefined)
    await rebuildUptimeDays(db, { serviceIds: await servicesWithEventsAt(db, id) });
}

/** Makes one status the default and clears the flag everywhere else. */
export async function makeDefaultStatus(db: Db, id: number): Promise<void> {
  await db.updateTable('statuses').set({ is_default: 0 }).where('id', '!=', id).where('is_default', '=', 1).execute();
  await db.updateTable('statuses').set({ is_default: 1 }).where('id', '=', id).execute();
}

export async function deleteStatus(db: Db, id: number): Promise<void> {
  await db.deleteFrom('statuses').where('id', '=', id).execute();
}
