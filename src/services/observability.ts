import { sql } from 'kysely';
import { deliveryCounts } from '../db/repositories/deliveries.ts';
import { allChannels } from '../db/repositories/channels.ts';
import type { Context } from './context.ts';

/** What the metrics endpoint reads from the database at scrape time. */
export interface ObservedState {
  databaseUp: boolean;
  /** Deliveries by state (`pending`, `delivered`, `failed`, ...); empty when the database is down. */
  deliveries: Record<string, number>;
  /** Paused channels by kind. */
  pausedChannels: Record<string, number>;
}

/** Three cheap queries, run only when metrics are scraped. */
export async function observedState(ctx: Context): Promise<ObservedState> {
  const db = ctx.database.db;
  try {
    await sql`select 1`.execute(db);
  } catch {
    return { databaseUp: false, deliveries: {}, pausedChannels: {} };
  }
  const [deliveries, channels] = await Promise.all([deliveryCounts(db), allChannels(db)]);
  const pausedChannels: Record<string, number> = {};
  for (const channel of channels) {
    pausedChannels[channel.kind] = (pausedChannels[channel.kind] ?? 0) + (channel.pausedAt === null ? 0 : 1);
  }
  return { databaseUp: true, deliveries, pausedChannels };
}
