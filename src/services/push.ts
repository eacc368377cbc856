import { createHash } from 'node:crypto';
import { requireService } from './lookups.ts';
import { NotFound } from '../domain/errors.ts';
import { checkCharacters } from '../domain/fields.ts';
import { parseAutomationState, type AutomationState } from '../domain/automation-state.ts';
import * as services from '../db/repositories/services.ts';
import { findAutomation, findAutomationByPushHash, updateAutomation } from '../db/repositories/automation.ts';
import { authorOf, type Actor, type Context } from './context.ts';
import { authorize } from './fields.ts';
import { inTransaction } from './transaction.ts';
import { secretsEqual } from './tokens.ts';
import { automationActor, postAutomatedState } from './automation-events.ts';
import { refreshQuietReport } from './maintenance-quiet.ts';

/**
 * Push URLs: `/api/push/<secret>` sets a service's status from any script or cron job, and
 * feeds its heartbeat. The secret is random (unguessable), shown once when it is made, and
 * stored only as its SHA-256: a push is looked up by that hash, which is then compared in
 * constant time. A lost URL is replaced by regenerating it.
 */

export function hashPushSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Whether the service has a push URL, and when it was last used (the secret itself is never kept). */
export async function getPush(
  ctx: Context,
  actor: Actor,
  slug: string,
): Promise<{ enabled: boolean; lastPushAt: number | null }> {
  authorize(actor, 'configuration.read');
  const service = await requireService(ctx.database.db, slug);
  const automation = await findAutomation(ctx.database.db, service.id);
  return { enabled: automation.pushSecretHash !== null, lastPushAt: automation.lastPushAt };
}

/** Creates or replaces the service's push secret, returned this once; the old URL stops working at once. */
export async function regeneratePushSecret(ctx: Context, actor: Actor, slug: string): Promise<{ secret: string }> {
  authorize(actor, 'monitoring.configure');
  const secret = ctx.ids.secret(24);
  await inTransaction(ctx, actor, async (trx, changes) => {
    const service = await requireService(trx, slug);
    await updateAutomation(trx, service.id, { pushSecretHash: hashPushSecret(secret) });
    changes.push({ topic: 'service', action: 'updated', slug });
  });
  return { secret };
}

export async function removePushSecret(ctx: Context, actor: Actor, slug: string): Promise<void> {
  authorize(actor, 'monitoring.configure');
  await inTransaction(ctx, actor, async (trx, changes) => {
    const service = await requireService(trx, slug);
    await updateAutomation(trx, service.id, { pushSecretHash: null });
    changes.push({ topic: 'service', action: 'updated', slug });
  });
}

export interface PushResult {
  service: string;
  state: AutomationState;
  /** posted, noted (recovery held for a human), unchanged (already at that status), ignored or suppressed (policy). */
  outcome: 'posted' | 'noted' | 'unchanged' | 'ignored' | 'suppressed';
}

/**
 * A push: records that the service is alive (its heartbeat) and, when the status it reports
 * differs from the service's, posts it (author `push`). `status` is up (default), warning or down.
 */
export async function receivePush(
  ctx: Context,
  secret: string,
  input: { status?: string; message?: string },
): Promise<PushResult> {
  const state = parseAutomationState('status', input.status === undefined || input.status === '' ? 'up' : input.status);
  if (input.message !== undefined) checkCharacters('msg', input.message);
  const unknown = () => new NotFound('No service has this push URL');
  if (secret.length < 16 || secret.length > 128) throw unknown();
  const actor = automationActor('push');
  return inTransaction(ctx, actor, async (trx, changes) => {
    const hash = hashPushSecret(secret);
    const automation = await findAutomationByPushHash(trx, hash);
    if (!automation || automation.pushSecretHash === null || !secretsEqual(automation.pushSecretHash, hash)) {
      throw unknown();
    }
    const service = await services.findServiceById(trx, automation.serviceId);
    if (!service) throw unknown();
    const now = ctx.clock.now();
    await updateAutomation(trx, service.id, { lastPushAt: now, heartbeatFiredAt: null });
    const result: PushResult = { service: service.slug, state, outcome: 'unchanged' };
    const message = input.message?.trim() ? input.message : `Push reports ${state}`;
    if (service.currentEvent?.status.slug === automation.statuses[state]) {
      await refreshQuietReport(trx, authorOf(actor), service, {
        statusSlug: automation.statuses[state],
        message,
        timestamp: now,
      });
      return result;
    }
    const posted = await postAutomatedState(trx, changes, ctx, actor, service, automation, state, message);
    return { ...result, outcome: posted.outcome };
  });
}
