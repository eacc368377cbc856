import { sql } from 'kysely';
import type { Context } from './context.ts';

/** Whether the database answers a trivial query. */
export async function databaseReachable(ctx: Context): Promise<boolean> {
  try {
    await sql`select 1`.execute(ctx.database.db);
    return true;
  } catch {
    return false;
  }
}
