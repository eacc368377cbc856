import type { Db } from '../db/connect.ts';
import { findAutomation, updateAutomation } from '../db/repositories/automation.ts';
import { decideEscalation, recoveryNote, type EscalationDecision } from '../domain/escalation.ts';
import type { Service, Status } from '../domain/resources.ts';
import { LIMITS } from '../domain/fields.ts';
import { automationSourceOf, type Actor } from './context.ts';

/**
 * Enforces the escalation policy inside postEvent's transaction: decides what an event
 * becomes, and afterwards records what the policy needs to remember.
 */

export interface EventPlan {
  decision: EscalationDecision;
  /** What to post when the decision is `post` or `note`. */
  status: Status;
  message: string;
  informational: boolean;
  /** The status that was asked for (kept as the held recovery's target). */
  requestedSlug: string;
}

export async function planEvent(
  trx: Db,
  actor: Actor,
  service: Service,
  requested: { status: Status; message: string; informational: boolean },
  now: number,
): Promise<EventPlan> {
  const source = automationSourceOf(actor);
  const current = service.currentEvent?.status ?? null;
  const requestedSlug = requested.status.slug;
  if (source === undefined) return { decision: { action: 'post' }, ...requested, requestedSlug };
  const automation = await findAutomation(trx, service.id);
  const decision = decideEscalation({
    policy: automation.policy,
    source,
    current,
    requested: requested.status,
    informational: requested.informational,
    now,
    lastChangeAt: automation.lastStatusChangeAt,
    recoveryPending: automation.recoveryPendingSince !== null,
  });
  if (decision.action === 'note') {
    const message = recoveryNote(source, requested.message).slice(0, LIMITS.message);
    return { decision, status: current!, message, informational: true, requestedSlug };
  }
  return { decision, ...requested, requestedSlug };
}

/** After an event is written: remember status changes (for the minimum interval) and held recoveries. */
export async function recordEventEffects(
  trx: Db,
  actor: Actor,
  service: Service,
  plan: EventPlan,
  now: number,
): Promise<void> {
  if (plan.decision.action === 'note') {
    await updateAutomation(trx, service.id, {
      recoveryPendingSince: now,
      recoveryPendingStatus: plan.requestedSlug,
    });
    return;
  }
  if (plan.informational) return;
  const changed = service.currentEvent?.status.slug !== plan.status.slug;
  const human = automationSourceOf(actor) === undefined;
  // A human's word, or any status change, answers a held recovery.
  if (!changed && !human) return;
  await updateAutomation(trx, service.id, {
    ...(changed ? { lastStatusChangeAt: now } : {}),
    recoveryPendingSince: null,
    recoveryPendingStatus: null,
  });
}
