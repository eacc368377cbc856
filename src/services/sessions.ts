import { createHash } from 'node:crypto';
import { Invalid } from '../domain/errors.ts';
import { checkNewPassword, normalizeEmail, PASSWORD_MAX, type Role } from '../domain/accounts.ts';
import { ACCOUNT_POLICY, ADDRESS_POLICY, blockedUntil, type ThrottlePolicy } from '../domain/login-throttle.ts';
import * as sessions from '../db/repositories/sessions.ts';
import * as failures from '../db/repositories/login-failures.ts';
import { findPasswordHash, findUserWithHash, setPasswordHash } from '../db/repositories/users.ts';
import { insertAuditEntries, type NewAuditEntry } from '../db/repositories/audit-log.ts';
import type { Actor, Context } from './context.ts';
import { hashPassword, passwordMatches } from './passwords.ts';
import { inTransaction } from './transaction.ts';
import { authorize } from './fields.ts';

/** A session ends after a week without use, and a month after login at the latest. */
export const SESSION_IDLE_MS = 7 * 24 * 60 * 60_000;
export const SESSION_MAX_MS = 30 * 24 * 60 * 60_000;
// Recording every request's time would make every page view a write.
const TOUCH_EVERY_MS = 5 * 60_000;

export interface Session {
  /** The hashed id stored in the database (never the cookie's secret). */
  id: string;
  userId: number;
  email: string;
  role: Role;
  csrfToken: string;
  actor: Actor;
}

export type LoginResult =
  { ok: true; secret: string; session: Session } | { ok: false; reason: 'wrong' | 'throttled'; retryAfterMs: number };

function sessionIdOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The login form, before anyone is signed in: it records failed attempts. */
const LOGIN_FORM: Actor = { kind: 'system', name: 'anonymous', scope: 'login' };

export function actorForUser(email: string, role: Role): Actor {
  return { kind: 'user', name: email, scope: role === 'admin' ? 'admin' : 'editor' };
}

function throttleKeys(email: string, address: string): Array<[string, ThrottlePolicy]> {
  return [
    [`account:${email}`, ACCOUNT_POLICY],
    [`address:${address}`, ADDRESS_POLICY],
  ];
}

async function throttledUntil(ctx: Context, keys: Array<[string, ThrottlePolicy]>, now: number): Promise<number> {
  const counts = await failures.findFailures(
    ctx.database.db,
    keys.map(([key]) => key),
  );
  let until = 0;
  for (const count of counts) {
    const policy = keys.find(([key]) => key === count.key)![1];
    until = Math.max(until, blockedUntil(policy, count.failures, count.lastFailureAt, now));
  }
  return until;
}

/**
 * Reserves one attempt on every key before a password is checked: in one transaction the
 * keys' counts are locked, checked against their policies and, when not blocked, counted as
 * a failure already. Concurrent attempts therefore take turns, and a burst gets no more
 * password checks than the policy allows. An attempt that turns out right gives its
 * reservation back. Returns the instant until which the keys are blocked, or 0 when reserved.
 */
async function reserveAttempt(
  ctx: Context,
  keys: Array<[string, ThrottlePolicy]>,
  now: number,
  refused: NewAuditEntry,
): Promise<number> {
  return inTransaction(ctx, LOGIN_FORM, async (trx) => {
    const counts = await failures.lockFailures(
      trx,
      ctx.database.dialect,
      keys.map(([key]) => key),
    );
    let until = 0;
    for (const count of counts) {
      const policy = keys.find(([key]) => key === count.key)![1];
      until = Math.max(until, blockedUntil(policy, count.failures, count.lastFailureAt, now));
    }
    if (until > now) {
      await insertAuditEntries(trx, [refused]);
      return until;
    }
    for (const [key, policy] of keys) await failures.recordFailure(trx, key, now, now - policy.windowMs);
    return 0;
  });
}

/**
 * Checks an email and password and opens a session. Failures are counted per account and
 * per address in the database (so every instance sees them): after a few, attempts must
 * wait, doubling each time; after more, the account or address is locked for a while.
 * While blocked, even the right password is refused without being checked.
 */
export async function logIn(
  ctx: Context,
  input: { email?: string; password?: string; address: string; userAgent?: string },
): Promise<LoginResult> {
  const email = normalizeEmail(input.email ?? '');
  const password = (input.password ?? '').slice(0, PASSWORD_MAX + 1);
  const keys = throttleKeys(email, input.address);
  const now = ctx.clock.now();
  const until = await reserveAttempt(ctx, keys, now, {
    at: now,
    actor: 'anonymous',
    action: 'login.throttled',
    target: email,
    address: input.address,
  });
  if (until > now) return { ok: false, reason: 'throttled', retryAfterMs: until - now };
  const user = email === '' ? undefined : await findUserWithHash(ctx.database.db, email);
  const matches = await passwordMatches(user?.passwordHash, password);
  if (!user || !matches) {
    // The failure was counted when the attempt was reserved.
    await insertAuditEntries(ctx.database.db, [
      { at: now, actor: 'anonymous', action: 'login.failed', target: email, address: input.address },
    ]);
    const after = await throttledUntil(ctx, keys, now);
    return { ok: false, reason: 'wrong', retryAfterMs: Math.max(0, after - now) };
  }
  const secret = ctx.ids.secret(32);
  const session: Session = {
    id: sessionIdOf(secret),
    userId: user.id,
    email: user.email,
    role: user.role,
    csrfToken: ctx.ids.secret(24),
    actor: actorForUser(user.email, user.role),
  };
  await inTransaction(ctx, session.actor, async (trx) => {
    await failures.clearFailures(trx, keys[0]![0]);
    await failures.releaseFailure(trx, keys[1]![0]);
    await sessions.insertSession(trx, {
      id: session.id,
      userId: user.id,
      csrfToken: session.csrfToken,
      createdAt: now,
      expiresAt: now + SESSION_IDLE_MS,
      address: input.address,
      userAgent: (input.userAgent ?? '').slice(0, 300),
    });
    await insertAuditEntries(trx, [
      { at: now, actor: `user:${user.email}`, action: 'login.succeeded', target: user.email, address: input.address },
    ]);
  });
  // Housekeeping, now and then: expired sessions and failure counts nobody looks at any more.
  if (ctx.ids.chance(0.1)) {
    await sessions.deleteExpiredSessions(ctx.database.db, now).catch(() => {});
    await failures
      .forgetFailuresBefore(ctx.database.db, now - 2 * Math.max(ACCOUNT_POLICY.windowMs, ACCOUNT_POLICY.lockMs))
      .catch(() => {});
  }
  return { ok: true, secret, session };
}

/** The session a cookie's secret opens, or undefined when it is unknown or has expired. */
export async function resumeSession(ctx: Context, secret: string): Promise<Session | undefined> {
  if (secret === '' || secret.length > 200) return undefined;
  const id = sessionIdOf(secret);
  const record = await sessions.findSession(ctx.database.db, id);
  if (!record) return undefined;
  const now = ctx.clock.now();
  if (record.expiresAt <= now || record.createdAt + SESSION_MAX_MS <= now) {
    await sessions.deleteSession(ctx.database.db, id);
    return undefined;
  }
  if (now - record.lastSeenAt >= TOUCH_EVERY_MS) {
    const expiresAt = Math.min(now + SESSION_IDLE_MS, record.createdAt + SESSION_MAX_MS);
    await sessions.touchSession(ctx.database.db, id, now, expiresAt);
  }
  return {
    id,
    userId: record.userId,
    email: record.email,
    role: record.role,
    csrfToken: record.csrfToken,
    actor: actorForUser(record.email, record.role),
  };
}

export async function logOut(ctx: Context, session: Session, address: string): Promise<void> {
  authorize(session.actor, 'account.own');
  await inTransaction(ctx, session.actor, async (trx) => {
    await sessions.deleteSession(trx, session.id);
    await insertAuditEntries(trx, [
      { at: ctx.clock.now(), actor: `user:${session.email}`, action: 'logout', target: session.email, address },
    ]);
  });
}

/** Changes the session user's password; their other sessions end. A wrong current password counts as a failed login. */
export async function changePassword(
  ctx: Context,
  session: Session,
  input: { current?: string; password?: string; confirm?: string; address: string },
): Promise<void> {
  authorize(session.actor, 'account.own');
  const now = ctx.clock.now();
  const keys = throttleKeys(session.email, input.address);
  const until = await reserveAttempt(ctx, keys, now, {
    at: now,
    actor: `user:${session.email}`,
    action: 'password.change_throttled',
    target: session.email,
    address: input.address,
  });
  if (until > now) {
    throw new Invalid(`Too many wrong passwords: try again in ${Math.ceil((until - now) / 1000)} seconds`, 'current');
  }
  const stored = await findPasswordHash(ctx.database.db, session.userId);
  if (!(await passwordMatches(stored, (input.current ?? '').slice(0, PASSWORD_MAX + 1)))) {
    // The failure was counted when the attempt was reserved.
    await insertAuditEntries(ctx.database.db, [
      {
        at: now,
        actor: `user:${session.email}`,
        action: 'password.change_failed',
        target: session.email,
        address: input.address,
      },
    ]);
    throw new Invalid('The current password is wrong', 'current');
  }
  for (const [key] of keys) await failures.releaseFailure(ctx.database.db, key);
  const password = checkNewPassword(input.password, 'password');
  if (input.confirm !== password) throw new Invalid('The two new passwords differ', 'confirm');
  const hash = await hashPassword(password);
  await inTransaction(ctx, session.actor, async (trx) => {
    await setPasswordHash(trx, session.userId, hash, now);
    await sessions.deleteSessionsOfUser(trx, session.userId, session.id);
    await insertAuditEntries(trx, [
      {
        at: now,
        actor: `user:${session.email}`,
        action: 'password.changed',
        target: session.email,
        address: input.address,
      },
    ]);
  });
}
