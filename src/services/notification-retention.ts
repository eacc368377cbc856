import { pruneSettledEntries } from '../db/repositories/outbox.ts';
import { pruneSubscriberTokens } from '../db/repositories/subscriber-tokens.ts';
import type { Context } from './context.ts';
import { CONFIRM_TOKEN_MS } from './subscriptions.ts';

/** How long delivered notifications and their delivery history are kept. */
export const DELIVERY_HISTORY_MS = 30 * 24 * 60 * 60_000;

/**
 * Trims what no longer matters: notifications older than the history period whose deliveries are all
 * settled (with their deliveries and attempts), and expired confirmation tokens. Unsubscribe
 * tokens stay: links in old emails keep working. Safe to run on several instances at once.
 */
export async function pruneNotifications(
  ctx: Context,
  now = ctx.clock.now(),
): Promise<{ notifications: number; tokens: number }> {
  const notifications = await pruneSettledEntries(ctx.database.db, now - DELIVERY_HISTORY_MS);
  const tokens = await pruneSubscriberTokens(ctx.database.db, 'confirm', now - CONFIRM_TOKEN_MS);
  return { notifications, tokens };
}
