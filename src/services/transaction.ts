import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { asUnavailable, isUniqueViolation } from '../db/connect.ts';
import { bumpDataVersion } from '../db/repositories/data-version.ts';
import { Conflict } from '../domain/errors.ts';
import type { Change } from '../changes/bus.ts';
import { insertAuditEntries, type NewAuditEntry } from '../db/repositories/audit-log.ts';
import { authorOf, type Actor, type Context } from './context.ts';

function auditEntryFor(ctx: Context, actor: Actor, change: Change): NewAuditEntry {
  return {
    at: ctx.clock.now(),
    actor: authorOf(actor),
    action: `${change.topic}.${change.action}`,
    target: change.slug ?? '',
    detail: change.sid ?? '',
  };
}

type Work<T> = (trx: Transaction<Schema>, changes: Change[]) => Promise<T>;

/**
 * One write in progress: who acts, in which transaction, and the change notices it will publish
 * after the commit. Use cases that compose (an incident update posting events on several
 * services) take a scope and add to it, so everything commits, or nothing, with one audit trail.
 */
export interface WriteScope {
  ctx: Context;
  actor: Actor;
  trx: Transaction<Schema>;
  changes: Change[];
}

/** `inTransaction`, handing the work one WriteScope. */
export function inWriteScope<T>(
  ctx: Context,
  actor: Actor,
  work: (scope: WriteScope) => Promise<T>,
  conflictMessage?: string,
): Promise<T> {
  return inTransaction(ctx, actor, (trx, changes) => work({ ctx, actor, trx, changes }), conflictMessage);
}

/**
 * Runs a write as one transaction and publishes its change notices after the commit.
 * Each change notice is also written to the audit log, in the same transaction, as done
 * by `actor` (see docs/decisions/admin-audit-log.md).
 * A unique violation that slipped past the checks (a race) becomes a Conflict; a lost
 * database connection becomes Unavailable.
 */
export async function inTransaction<T>(
  ctx: Context,
  actor: Actor,
  work: Work<T>,
  conflictMessage = 'That name is already taken',
): Promise<T> {
  const changes: Change[] = [];
  let result: T;
  let version: number | undefined;
  try {
    result = await ctx.database.db.transaction().execute(async (trx) => {
      const value = await work(trx, changes);
      if (changes.length > 0) {
        version = await bumpDataVersion(trx);
        if (ctx.announce) await ctx.announce(trx, changes, version);
        await insertAuditEntries(
          trx,
          changes.map((change) => auditEntryFor(ctx, actor, change)),
        );
      }
      return value;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new Conflict(conflictMessage);
    throw asUnavailable(error);
  }
  if (version !== undefined) ctx.freshness?.observe(version);
  for (const change of changes) ctx.changes.publish(change);
  return result;
}
