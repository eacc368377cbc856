import { createHash, randomBytes } from 'node:crypto';
import { Conflict, Invalid } from '../domain/errors.ts';
import { checkEmail, checkNewPassword } from '../domain/accounts.ts';
import { formatSetupCode, normalizeSetupCode } from '../domain/setup-code.ts';
import {
  consumeSetupCode,
  deleteAllSetupCodes,
  insertSetupCode,
  setupCodeExists,
} from '../db/repositories/setup-codes.ts';
import * as failures from '../db/repositories/login-failures.ts';
import { blockedUntil, SETUP_POLICY } from '../domain/login-throttle.ts';
import * as users from '../db/repositories/users.ts';
import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import type { Context } from './context.ts';
import { hashPassword } from './passwords.ts';
import { inTransaction } from './transaction.ts';
import type { User } from './users.ts';

function codeHash(code: string): string {
  return createHash('sha256').update(normalizeSetupCode(code)).digest('hex');
}

export async function setupNeeded(ctx: Context): Promise<boolean> {
  return (await users.countUsers(ctx.database.db)) === 0;
}

/**
 * While no user exists, makes a new one-time setup code (stored only as a hash) for the
 * server to print in its log; undefined once a user exists. Each instance that starts
 * prints its own; using any one of them retires them all.
 */
export async function issueSetupCode(ctx: Context): Promise<string | undefined> {
  if (!(await setupNeeded(ctx))) return undefined;
  const code = formatSetupCode(randomBytes(20));
  await insertSetupCode(ctx.database.db, codeHash(code), ctx.clock.now());
  return code;
}

/** Creates the first admin, given a setup code from the server log. The code works once. */
export async function completeSetup(
  ctx: Context,
  input: { code?: string; email?: string; password?: string; confirm?: string; address: string },
): Promise<User> {
  const email = checkEmail(input.email);
  const password = checkNewPassword(input.password);
  if (input.confirm !== undefined && input.confirm !== password)
    throw new Invalid('The two passwords differ', 'confirm');
  if (!input.code || normalizeSetupCode(input.code) === '') throw new Invalid('setup code is required', 'code');
  // Everything cheap first: setup still needed, attempts from this address within the limit,
  // the code a current one. Only then the (costly) password hash.
  if (!(await setupNeeded(ctx))) throw new Conflict('Setup is done: a user exists already. Log in instead.');
  const key = `setup:${input.address}`;
  const now0 = ctx.clock.now();
  const until = await inTransaction(ctx, { kind: 'system', name: 'anonymous', scope: 'events' }, async (trx) => {
    const [count] = await failures.lockFailures(trx, ctx.database.dialect, [key]);
    const blocked = count ? blockedUntil(SETUP_POLICY, count.failures, count.lastFailureAt, now0) : 0;
    if (blocked > now0) return blocked;
    await failures.recordFailure(trx, key, now0, now0 - SETUP_POLICY.windowMs);
    return 0;
  });
  if (until > now0) {
    throw new Invalid(
      `Too many setup attempts from this address: try again in ${Math.ceil((until - now0) / 1000)} seconds`,
      'code',
    );
  }
  if (!(await setupCodeExists(ctx.database.db, codeHash(input.code!)))) {
    throw new Invalid(
      'That setup code is wrong or was used already; the server prints a new one in its log at each start',
      'code',
    );
  }
  const passwordHash = await hashPassword(password);
  const actor = { kind: 'user', name: email, scope: 'admin' } as const;
  return inTransaction(ctx, actor, async (trx) => {
    if ((await users.countUsers(trx)) > 0) throw new Conflict('Setup is done: a user exists already. Log in instead.');
    if (!(await consumeSetupCode(trx, codeHash(input.code!)))) {
      throw new Invalid(
        'That setup code is wrong or was used already; the server prints a new one in its log at each start',
        'code',
      );
    }
    await deleteAllSetupCodes(trx);
    await failures.clearFailures(trx, key);
    const now = ctx.clock.now();
    const user = await users.insertUser(trx, { email, role: 'admin', passwordHash, createdAt: now });
    await insertAuditEntries(trx, [
      {
        at: now,
        actor: `user:${email}`,
        action: 'setup.completed',
        target: email,
        detail: 'admin',
        address: input.address,
      },
    ]);
    return user;
  });
}
