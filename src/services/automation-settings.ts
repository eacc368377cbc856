import { Invalid } from '../domain/errors.ts';
import { requireService } from './lookups.ts';
import { parseAutomationState } from '../domain/automation-state.ts';
import { parseBoolean } from '../domain/fields.ts';
import type { ServiceAutomation } from '../domain/service-automation.ts';
import type { StatusEvent } from '../domain/resources.ts';
import * as statuses from '../db/repositories/statuses.ts';
import { findAutomation, updateAutomation, type AutomationChange } from '../db/repositories/automation.ts';
import type { Actor, Context } from './context.ts';
import { authorize } from './fields.ts';
import { inTransaction } from './transaction.ts';
import { postEventIn } from './events.ts';

/** A service's automation settings: escalation policy, heartbeat, and the statuses automated states post. */

export async function getAutomation(ctx: Context, actor: Actor, slug: string): Promise<ServiceAutomation> {
  authorize(actor, 'configuration.read');
  const service = await requireService(ctx.database.db, slug);
  return findAutomation(ctx.database.db, service.id);
}

export interface AutomationInput {
  recoveryNeedsHuman?: unknown;
  /** Seconds; 0 turns the limit off. */
  minChangeInterval?: string;
  /** Seconds; 0 or empty turns the heartbeat off. */
  heartbeatPeriod?: string;
  heartbeatState?: string;
  statusUp?: string;
  statusWarning?: string;
  statusDown?: string;
}

function seconds(field: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    throw new Invalid(`${field} must be a whole number of seconds from ${min} to ${max}`, field);
  }
  return Number(text) * 1000;
}

export async function updateAutomationSettings(
  ctx: Context,
  actor: Actor,
  slug: string,
  input: AutomationInput,
): Promise<ServiceAutomation> {
  authorize(actor, 'monitoring.configure');
  const set: AutomationChange = {};
  if (input.recoveryNeedsHuman !== undefined && input.recoveryNeedsHuman !== '') {
    set.recoveryNeedsHuman = parseBoolean('recovery_needs_human', input.recoveryNeedsHuman);
  }
  if (input.minChangeInterval !== undefined && input.minChangeInterval !== '') {
    set.minChangeIntervalMs = seconds('min_change_interval', input.minChangeInterval, 0, 7 * 86400);
  }
  if (input.heartbeatState !== undefined && input.heartbeatState !== '') {
    set.heartbeatState = parseAutomationState('heartbeat_state', input.heartbeatState);
  }
  return inTransaction(ctx, actor, async (trx, changes) => {
    const service = await requireService(trx, slug);
    const before = await findAutomation(trx, service.id);
    if (input.heartbeatPeriod !== undefined) {
      const period =
        input.heartbeatPeriod === '' || input.heartbeatPeriod === '0'
          ? null
          : seconds('heartbeat_period', input.heartbeatPeriod, 10, 7 * 86400);
      set.heartbeatPeriodMs = period;
      set.heartbeatFiredAt = null;
      // The silence is counted from now, not from a push long ago.
      if (period !== null) set.lastPushAt = Math.max(before.lastPushAt ?? 0, ctx.clock.now());
    }
    for (const [field, state, value] of [
      ['status_up', 'up', input.statusUp],
      ['status_warning', 'warning', input.statusWarning],
      ['status_down', 'down', input.statusDown],
    ] as const) {
      if (value === undefined || value === '') continue;
      if (!(await statuses.findStatusBySlug(trx, value)))
        throw new Invalid(`status ${JSON.stringify(value)} does not exist`, field);
      set.statuses = { ...set.statuses, [state]: value };
    }
    await updateAutomation(trx, service.id, set);
    changes.push({ topic: 'service', action: 'updated', slug });
    return findAutomation(trx, service.id);
  });
}

/**
 * A human confirms a recovery that the escalation policy held: posts the status automation
 * asked for (or `status`, or the service's `up` status) and clears the hold.
 */
export async function confirmRecovery(
  ctx: Context,
  actor: Actor,
  slug: string,
  input: { status?: string; message?: string },
): Promise<StatusEvent> {
  authorize(actor, 'recovery.confirm');
  return inTransaction(ctx, actor, async (trx, changes) => {
    const service = await requireService(trx, slug);
    const automation = await findAutomation(trx, service.id);
    const status = input.status || automation.recoveryPendingStatus || automation.statuses.up;
    const message = input.message?.trim() ? input.message : 'Recovery confirmed';
    const result = await postEventIn(trx, changes, ctx, actor, slug, { status, message });
    // A human's event always posts.
    return result.event!;
  });
}
