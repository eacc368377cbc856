import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Change } from '../changes/bus.ts';
import type { AutomationState } from '../domain/automation-state.ts';
import type { AutomationSource } from '../domain/escalation.ts';
import type { Service } from '../domain/resources.ts';
import type { ServiceAutomation } from '../domain/service-automation.ts';
import { dropNonText, LIMITS } from '../domain/fields.ts';
import type { Actor, Context } from './context.ts';
import { postEventFor, type PostOutcome } from './events.ts';

/** The actor built-in automation acts as; its name is the event's author (`check:api-http`, `push`, ...). */
export function automationActor(source: Exclude<AutomationSource, 'token'>, detail?: string): Actor {
  return { kind: 'automation', name: detail ? `${source}:${detail}` : source, scope: source };
}

/** Posts an automated state (up, warning, down) as the status the service maps it to, under the escalation policy. */
export function postAutomatedState(
  trx: Transaction<Schema>,
  changes: Change[],
  ctx: Context,
  actor: Actor,
  service: Service,
  automation: ServiceAutomation,
  state: AutomationState,
  message: string,
): Promise<PostOutcome> {
  const text = message.trim() === '' ? `Automation reports ${state}` : message;
  return postEventFor({ ctx, actor, trx, changes }, service, {
    status: automation.statuses[state],
    message: dropNonText(text).slice(0, LIMITS.message),
  });
}
