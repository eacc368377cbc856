import type { Service } from '../domain/resources.ts';
import { currentStatusStart } from '../db/repositories/events.ts';
import type { Context } from './context.ts';

/**
 * When each service's current status began and who set it (the dashboard's "since"), by
 * service slug. Services without events are absent.
 */
export async function currentStatusSince(
  ctx: Context,
  services: readonly Service[],
): Promise<Map<string, { since: number; author: string }>> {
  const out = new Map<string, { since: number; author: string }>();
  for (const service of services) {
    const current = service.currentEvent;
    if (!current) continue;
    const start = await currentStatusStart(ctx.database.db, service.id, current.status.id);
    out.set(
      service.slug,
      start ? { since: start.timestamp, author: start.author } : { since: current.timestamp, author: current.author },
    );
  }
  return out;
}
