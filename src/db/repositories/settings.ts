import type { Db } from '../connect.ts';
import { prepared } from '../prepared.ts';

const settingByKey = prepared((db, v: { key: string }) =>
  db.selectFrom('settings').select('value').where('key', '=', v.key),
);

/** Key-value settings, each value stored as JSON text. */
export async function readSetting<T>(db: Db, key: string): Promise<T | undefined> {
  const row = await settingByKey.first(db, { key });
  return row ? (JSON.parse(row.value) as T) : undefined;
}

export async function writeSetting(db: Db, key: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  await db
    .insertInto('settings')
    .values({ key, value: text })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: text }))
    .execute();
}

/** Writes the value only when the key is absent; returns whether it wrote. */
export async function insertSettingIfAbsent(db: Db, key: string, value: unknown): Promise<boolean> {
  const result = await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(value) })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
