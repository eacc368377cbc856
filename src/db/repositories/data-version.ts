import type { Db } from '../connect.ts';
import { prepared } from '../prepared.ts';

const bump = prepared((db) =>
  db
    .updateTable('data_version')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', 1)
    .returning('version'),
);

/** Increments the data version inside a write transaction; returns the new value. */
export async function bumpDataVersion(db: Db): Promise<number> {
  const row = await bump.first(db, {});
  if (!row) throw new Error('data_version has no row');
  return Number(row.version);
}

export async function readDataVersion(db: Db): Promise<number> {
  const row = await db.selectFrom('data_version').select('version').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(row.version);
}
