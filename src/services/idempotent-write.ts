import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { Change } from '../changes/bus.ts';
import { Conflict } from '../domain/errors.ts';
import type { Action } from '../domain/permissions.ts';
import * as idem from '../db/repositories/idempotency.ts';
import type { Actor, Context } from './context.ts';
import { authorize } from './fields.ts';
import { inTransaction } from './transaction.ts';

const DAY_MS = 86_400_000;

/** A request with an Idempotency-Key: where its answer is kept, what its parameters were, how its answer reads. */
export interface OnceFor<V> {
  scope: idem.IdempotencyScope;
  /** What identifies the request's parameters. */
  parameters: string;
  render: (view: V) => { status: number; body: string };
}

/** What a write gives back: the view it made, and with a key the answer (replayed: the stored one, and no view). */
export interface AnswerFor<V> {
  view: V | null;
  answer?: { status: number; body: string; replayed: boolean };
}

/**
 * Runs an incident or maintenance write in one transaction, after asking the permission table
 * for `action`; with `once`, the answer is stored with the change (and a repeat of the key
 * within a day replays it, or is refused when its parameters differ).
 */
export async function idempotentWrite<V>(
  ctx: Context,
  actor: Actor,
  action: Action,
  once: OnceFor<V> | undefined,
  work: (trx: Transaction<Schema>, changes: Change[]) => Promise<V>,
): Promise<AnswerFor<V>> {
  authorize(actor, action);
  const fingerprint = once && createHash('sha256').update(once.parameters).digest('hex');
  return inTransaction(
    ctx,
    actor,
    async (trx, changes): Promise<AnswerFor<V>> => {
      if (once) {
        const stored = await idem.findAnswer(trx, once.scope, ctx.clock.now() - DAY_MS);
        if (stored) {
          if (stored.fingerprint !== fingerprint)
            throw new Conflict('Idempotency-Key was already used with different parameters');
          return { view: null, answer: { status: stored.status, body: stored.body, replayed: true } };
        }
      }
      const view = await work(trx, changes);
      if (!once) return { view };
      const answer = once.render(view);
      await idem.storeAnswer(trx, once.scope, { fingerprint: fingerprint!, ...answer }, ctx.clock.now());
      return { view, answer: { ...answer, replayed: false } };
    },
    'That Idempotency-Key is being used by a request in progress',
  );
}
