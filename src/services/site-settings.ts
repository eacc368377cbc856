import { checkSiteSettings, mergeSiteSettings, SITE_DEFAULTS, type SiteSettings } from '../domain/site-settings.ts';
import { readSetting, writeSetting } from '../db/repositories/settings.ts';
import { ensureUptimeZone } from '../db/repositories/uptime-days.ts';
import type { Actor, Context } from './context.ts';
import { authorize } from './fields.ts';
import { inTransaction } from './transaction.ts';
import { noteSettingsChange } from './page-id.ts';

/** The settings key under which the overrides (a JSON object) are stored. */
export const SITE_SETTINGS_KEY = 'site';

/** The site settings in force: the configured defaults overridden by what is stored in the database. */
export async function getSiteSettings(ctx: Context): Promise<SiteSettings> {
  const stored = await readSetting<unknown>(ctx.database.db, SITE_SETTINGS_KEY);
  return mergeSiteSettings(ctx.site ?? SITE_DEFAULTS, stored);
}

/**
 * Validates and stores overrides. A key given as `null` clears a URL setting; a key given
 * as `undefined` or absent keeps its stored value. Takes effect at once (a change notice
 * drops every cached page on every instance).
 */
export async function updateSiteSettings(
  ctx: Context,
  actor: Actor,
  partial: Partial<Record<keyof SiteSettings, unknown>>,
): Promise<SiteSettings> {
  authorize(actor, 'settings.write');
  const checked = checkSiteSettings(partial);
  const stored = await inTransaction(ctx, actor, async (trx, changes) => {
    const current = await readSetting<Record<string, unknown>>(trx, SITE_SETTINGS_KEY);
    const next = { ...(current && typeof current === 'object' ? current : {}), ...checked };
    await writeSetting(trx, SITE_SETTINGS_KEY, next);
    // Uptime days are stored in the site's zone: a new zone counts them again, in this transaction.
    await ensureUptimeZone(trx, mergeSiteSettings(ctx.site ?? SITE_DEFAULTS, next).timeZone);
    await noteSettingsChange(trx, ctx.clock.now());
    changes.push({ topic: 'settings', action: 'updated', slug: SITE_SETTINGS_KEY });
    return next;
  });
  return mergeSiteSettings(ctx.site ?? SITE_DEFAULTS, stored);
}

/** Forgets every stored override: the configured defaults apply again. */
export async function resetSiteSettings(ctx: Context, actor: Actor): Promise<SiteSettings> {
  authorize(actor, 'settings.write');
  await inTransaction(ctx, actor, async (trx, changes) => {
    await writeSetting(trx, SITE_SETTINGS_KEY, {});
    await ensureUptimeZone(trx, (ctx.site ?? SITE_DEFAULTS).timeZone);
    await noteSettingsChange(trx, ctx.clock.now());
    changes.push({ topic: 'settings', action: 'updated', slug: SITE_SETTINGS_KEY });
  });
  return { ...(ctx.site ?? SITE_DEFAULTS) };
}
