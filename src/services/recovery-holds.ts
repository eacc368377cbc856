import { heldRecoveries } from '../db/repositories/automation.ts';
import type { Actor, Context } from './context.ts';
import { authorize } from './fields.ts';

/** A recovery the escalation policy holds until a person confirms it. */
export interface RecoveryHold {
  /** When automation first reported the recovery. */
  since: number;
  /** The status automation asked for (what confirming posts). */
  status: string | null;
}

/**
 * Which services wait for a person to confirm their recovery, by service slug. Readable by
 * editors (who may confirm), unlike the rest of the automation settings: it reveals no
 * secrets or configuration, only that a hold exists.
 */
export async function listRecoveryHolds(ctx: Context, actor: Actor): Promise<Map<string, RecoveryHold>> {
  authorize(actor, 'recovery.read');
  const rows = await heldRecoveries(ctx.database.db);
  return new Map(rows.map((r) => [r.slug, { since: r.since, status: r.status }]));
}
