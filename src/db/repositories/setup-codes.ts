import type { Db } from '../connect.ts';

export async function insertSetupCode(db: Db, codeHash: string, createdAt: number): Promise<void> {
  await db.insertInto('setup_codes').values({ code_hash: codeHash, created_at: createdAt }).execute();
}

/** Uses up a code: true for exactly one caller, however many try it at once. */
export async function consumeSetupCode(db: Db, codeHash: string): Promise<boolean> {
  const result = await db.deleteFrom('setup_codes').where('code_hash', '=', codeHash).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteAllSetupCodes(db: Db): Promise<void> {
  await db.deleteFrom('setup_codes').execute();
}

/** Whether the code is a current one (without using it up). */
export async function setupCodeExists(db: Db, codeHash: string): Promise<boolean> {
  const row = await db
    .selectFrom('setup_codes')
    .select('code_hash')
    .where('code_hash', '=', codeHash)
    .executeTakeFirst();
  return row !== undefined;
}
