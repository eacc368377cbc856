import * as services from '../db/repositories/services.ts';
import { claimSilentHeartbeats, serviceSlugById, updateAutomation } from '../db/repositories/automation.ts';
import type { Context } from './context.ts';
import { inTransaction } from './transaction.ts';
import { automationActor, postAutomatedState } from './automation-events.ts';
import type { PostOutcome } from './events.ts';

function duration(ms: number): string {
  if (ms >= 2 * 3_600_000) return `${Math.floor(ms / 3_600_000)} h`;
  if (ms >= 120_000) return `${Math.floor(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}

/**
 * Heartbeat mode: every service whose pushes stopped for longer than its period goes to its
 * heartbeat state, once per silence (the claim is one UPDATE: one instance posts it).
 * Each claimed heartbeat then posts in a transaction of its own, so one that fails (e.g. its
 * status is gone) neither undoes nor stops the others; it is released to be tried again, as is
 * a change the policy suppresses.
 */
export async function runSilentHeartbeats(
  ctx: Context,
  now: number,
): Promise<Array<{ service: string; outcome: PostOutcome['outcome'] | 'failed'; error?: string }>> {
  const actor = automationActor('heartbeat');
  const claimed = await inTransaction(ctx, actor, async (trx) => claimSilentHeartbeats(trx, now));
  const results: Array<{ service: string; outcome: PostOutcome['outcome'] | 'failed'; error?: string }> = [];
  for (const automation of claimed) {
    try {
      const result = await inTransaction(ctx, actor, async (trx, changes) => {
        const service = await services.findServiceById(trx, automation.serviceId);
        if (!service) return undefined;
        const period = automation.heartbeatPeriodMs!;
        const silent = now - (automation.lastPushAt ?? now);
        const message = `No push received for ${duration(silent)} (expected at least every ${duration(period)})`;
        if (service.currentEvent?.status.slug === automation.statuses[automation.heartbeatState]) {
          return { service: service.slug, outcome: 'ignored' as const };
        }
        const posted = await postAutomatedState(
          trx,
          changes,
          ctx,
          actor,
          service,
          automation,
          automation.heartbeatState,
          message,
        );
        if (posted.outcome === 'suppressed') await updateAutomation(trx, service.id, { heartbeatFiredAt: null });
        return { service: service.slug, outcome: posted.outcome };
      });
      if (result) results.push(result);
    } catch (error) {
      await inTransaction(ctx, actor, async (trx) =>
        updateAutomation(trx, automation.serviceId, { heartbeatFiredAt: null }),
      ).catch(() => {});
      const slug = await serviceSlugById(ctx.database.db, automation.serviceId).catch(() => undefined);
      results.push({
        service: slug ?? String(automation.serviceId),
        outcome: 'failed',
        error: (error as Error).message,
      });
    }
  }
  return results;
}
