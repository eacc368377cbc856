import type { Db } from '../db/connect.ts';
import { insertSettingIfAbsent, readSetting, writeSetting } from '../db/repositories/settings.ts';
import { isPublicId } from '../domain/public-id.ts';
import type { Context } from './context.ts';

/** The settings key of the page's v2 id (contract §2): made once, exported and imported. */
export const PAGE_ID_KEY = 'page.id';

/** When the site settings last changed (v2 `page.updated_at` reads it). */
export const SETTINGS_CHANGED_AT_KEY = 'site.changed_at';

/** Makes the page id when the database has none (first start, or an import of an older export). */
export async function ensurePageId(db: Db, ctx: Pick<Context, 'ids' | 'clock'>): Promise<void> {
  await insertSettingIfAbsent(db, PAGE_ID_KEY, ctx.ids.publicId());
  await insertSettingIfAbsent(db, SETTINGS_CHANGED_AT_KEY, ctx.clock.now());
}

/** Records a change of the site settings (inside the writing transaction). */
export async function noteSettingsChange(db: Db, at: number): Promise<void> {
  await writeSetting(db, SETTINGS_CHANGED_AT_KEY, at);
}

/** The page id and when the settings last changed. */
export async function pageIdentity(ctx: Context): Promise<{ id: string; settingsChangedAt: number }> {
  const id = await getPageId(ctx);
  const at = await readSetting<unknown>(ctx.database.db, SETTINGS_CHANGED_AT_KEY);
  return { id, settingsChangedAt: typeof at === 'number' ? at : 0 };
}

/** The page's v2 id; made on the spot if a database somehow lacks it. */
export async function getPageId(ctx: Context): Promise<string> {
  const stored = await readSetting<unknown>(ctx.database.db, PAGE_ID_KEY);
  if (isPublicId(stored)) return stored;
  await ensurePageId(ctx.database.db, ctx);
  return (await readSetting<string>(ctx.database.db, PAGE_ID_KEY))!;
}
