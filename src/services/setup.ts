import { migrateToLatest } from '../db/migrate.ts';
import { insertSettingIfAbsent } from '../db/repositories/settings.ts';
import { insertStatus, makeDefaultStatus } from '../db/repositories/statuses.ts';
import { ensureUptimeZone } from '../db/repositories/uptime-days.ts';
import type { Context } from './context.ts';
import { getSiteSettings } from './site-settings.ts';
import { newOAuthCredentials } from './oauth.ts';
import { ensurePageId } from './page-id.ts';

/** What a new database holds: the statuses up (default), down and warning. */
export const DEFAULT_STATUSES = [
  {
    slug: 'up',
    name: 'Up',
    description: 'The service is up',
    level: 'NORMAL',
    image: 'tick-circle',
    isDefault: true,
    componentStatus: 'operational',
  },
  {
    slug: 'down',
    name: 'Down',
    description: 'The service is currently down',
    level: 'ERROR',
    image: 'cross-circle',
    isDefault: false,
    // A product decision (contract §7.3): "Down" is a major outage in v2 and uptime, though its level is ERROR.
    componentStatus: 'major_outage',
  },
  {
    slug: 'warning',
    name: 'Warning',
    description: 'The service is experiencing intermittent problems',
    level: 'WARNING',
    image: 'exclamation',
    isDefault: false,
    componentStatus: 'degraded_performance',
  },
] as const;

/**
 * Migrates, then seeds a new database once: the default statuses and the OAuth credentials.
 * The `seeded` marker keeps deleted defaults from coming back on the next start. The page's
 * v2 id is made at the first start that lacks one (new and older databases alike).
 */
export async function prepareDatabase(ctx: Context, options: { seed?: boolean } = {}): Promise<string[]> {
  const applied = await migrateToLatest(ctx.database);
  // The stored uptime days follow the zone in force, which the configuration may have changed.
  const { timeZone } = await getSiteSettings(ctx);
  await ctx.database.db.transaction().execute((trx) => ensureUptimeZone(trx, timeZone));
  if (options.seed === false) return applied;
  await ctx.database.db.transaction().execute(async (trx) => {
    if (!(await insertSettingIfAbsent(trx, 'seeded', ctx.clock.now()))) return;
    for (const status of DEFAULT_STATUSES) {
      const row = await insertStatus(trx, { ...status, createdAt: ctx.clock.now() });
      if (status.isDefault) await makeDefaultStatus(trx, row.id);
    }
    await insertSettingIfAbsent(trx, 'oauth.credentials', newOAuthCredentials(ctx));
  });
  await ensurePageId(ctx.database.db, ctx);
  return applied;
}
