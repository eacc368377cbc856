import type { Db } from '../db/connect.ts';
import { insertSettingIfAbsent, readSetting } from '../db/repositories/settings.ts';
import { isPublicId } from '../domain/public-id.ts';
import type { Context } from './context.ts';
import { reading } from './transaction.ts';

/** The settings key of the page's v2 id (contract §2): made once, exported and imported. */
export const PAGE_ID_KEY = 'page.id';

/** Makes the page id when the database has none (first start, or an import of an older export). */
export async function ensurePageId(db: Db, ctx: Pick<Context, 'ids'>): Promise<void> {
  await insertSettingIfAbsent(db, PAGE_ID_KEY, ctx.ids.publicId());
}

/** The page's v2 id; made on the spot if a database somehow lacks it. */
export async function getPageId(ctx: Context): Promise<string> {
  const stored = await reading(() => readSetting<unknown>(ctx.database.db, PAGE_ID_KEY));
  if (isPublicId(stored)) return stored;
  await reading(() => ensurePageId(ctx.database.db, ctx));
  return (await reading(() => readSetting<string>(ctx.database.db, PAGE_ID_KEY)))!;
}
