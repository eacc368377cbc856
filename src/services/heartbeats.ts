import * as services from '../db/repositories/services.ts';
import { claimSilentHeartbeats, serviceSlugById, updateAutomation } from '../db/repositories/automation.ts';
import type { Context } from './context.ts';
import { inTransaction } from './transaction.ts';
import { automationActor, postAutomatedState } from './automated-events.ts';
import type { PostOutcome } from './events.ts';

function duration(ms: number): string {
  if (ms >= 2 * 3_600_000) return `${Math.floor(ms / 3_600_000)} h`;
  if (ms >= 120_000) return `${Math.floor(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}

/**
 * Heartbeat mode: every service whose pushes stopped for longer than its period goes to its
 * heartbeat state, once per silence (the claim is one UPDATE: one instance posts it).
 * A change the policy suppresses is released again, to be retried on a later run.
 */
export async function runSilentHeartbeats(
  ctx: Context,
  now: number,
): Promise<Array<{ service: string; outcome: PostOutcome['outcome'] }>> {
  const actor = automationActor('heartbeat');
  return inTransaction(ctx, actor, async (trx, changes) => {
    const results: Array<{ service: string; outcome: PostOutcome['outcome'] }> = [];
    for (const automation of await claimSilentHeartbeats(trx, now)) {
      const slug = await serviceSlugById(trx, automation.serviceId);
      const service = slug === undefined ? undefined : await services.findServiceBySlug(trx, slug);
      if (!service) continue;
      const period = automation.heartbeatPeriodMs!;
      const silent = now - (automation.lastPushAt ?? now);
      const message = `No push received for ${duration(silent)} (expected at least every ${duration(period)})`;
      if (service.currentEvent?.status.slug === automation.statuses[automation.heartbeatState]) {
        results.push({ service: service.slug, outcome: 'ignored' });
        continue;
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
      if (posted.outcome === 'suppressed') await updateAutomation(trx, service.id, { heartbeat_fired_at: null });
      results.push({ service: service.slug, outcome: posted.outcome });
    }
    return results;
  });
}
