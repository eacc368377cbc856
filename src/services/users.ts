import { Conflict, Invalid, NotFound } from '../domain/errors.ts';
import { checkEmail, checkNewPassword, checkRole, type Role } from '../domain/accounts.ts';
import * as users from '../db/repositories/users.ts';
import type { User } from '../domain/accounts.ts';
import { deleteSessionsOfUser } from '../db/repositories/sessions.ts';
import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import { deleteAllSetupCodes } from '../db/repositories/setup-codes.ts';
import { authorOf, type Actor, type Context } from './context.ts';
import { authorize } from './fields.ts';
import { hashPassword } from './passwords.ts';
import { inTransaction } from './transaction.ts';

export type { User };

export function listUsers(ctx: Context, actor: Actor): Promise<User[]> {
  authorize(actor, 'configuration.read');
  return users.allUsers(ctx.database.db);
}

export async function getUser(ctx: Context, actor: Actor, id: number): Promise<User> {
  authorize(actor, 'configuration.read');
  const user = await users.findUserById(ctx.database.db, id);
  if (!user) throw new NotFound(`User ${id} does not exist`);
  return user;
}

export function countUsers(ctx: Context): Promise<number> {
  return users.countUsers(ctx.database.db);
}

/**
 * Creates a user. Without a password one is generated and returned once, for the admin
 * to hand over (the user changes it after logging in).
 */
export async function createUser(
  ctx: Context,
  actor: Actor,
  input: { email?: string; role?: string; password?: string },
): Promise<{ user: User; generatedPassword: string | undefined }> {
  authorize(actor, 'users.manage');
  const email = checkEmail(input.email);
  const role = checkRole(input.role);
  const generatedPassword = input.password === undefined || input.password === '' ? ctx.ids.secret(12) : undefined;
  const password = checkNewPassword(generatedPassword ?? input.password);
  const passwordHash = await hashPassword(password);
  const user = await inTransaction(
    ctx,
    actor,
    async (trx) => {
      if (await users.findUserWithHash(trx, email)) throw new Conflict(`A user with email ${email} already exists`);
      const created = await users.insertUser(trx, { email, role, passwordHash, createdAt: ctx.clock.now() });
      // Once any user exists, the first-run setup codes can never be used: forget them.
      await deleteAllSetupCodes(trx);
      await insertAuditEntries(trx, [
        { at: ctx.clock.now(), actor: authorOf(actor), action: 'user.created', target: email, detail: role },
      ]);
      return created;
    },
    `A user with email ${email} already exists`,
  );
  return { user, generatedPassword };
}

async function keepAnAdmin(
  ctx: Context,
  trx: Parameters<typeof users.countUsers>[0],
  user: User,
  verb: string,
): Promise<void> {
  if (user.role !== 'admin') return;
  await users.lockAdminRows(trx, ctx.database.dialect);
  if ((await users.countUsers(trx, 'admin')) <= 1) {
    throw new Conflict(`${user.email} is the last admin and cannot be ${verb}; make another user an admin first`);
  }
}

export async function changeRole(ctx: Context, actor: Actor, id: number, role: string | undefined): Promise<User> {
  authorize(actor, 'users.manage');
  const next: Role = checkRole(role);
  return inTransaction(ctx, actor, async (trx) => {
    const user = await users.findUserById(trx, id);
    if (!user) throw new NotFound(`User ${id} does not exist`);
    if (user.role === next) return user;
    if (next !== 'admin') await keepAnAdmin(ctx, trx, user, 'demoted');
    await users.setRole(trx, id, next);
    await insertAuditEntries(trx, [
      {
        at: ctx.clock.now(),
        actor: authorOf(actor),
        action: 'user.role_changed',
        target: user.email,
        detail: `${user.role} -> ${next}`,
      },
    ]);
    return { ...user, role: next };
  });
}

export async function removeUser(ctx: Context, actor: Actor, id: number): Promise<User> {
  authorize(actor, 'users.manage');
  return inTransaction(ctx, actor, async (trx) => {
    const user = await users.findUserById(trx, id);
    if (!user) throw new NotFound(`User ${id} does not exist`);
    await keepAnAdmin(ctx, trx, user, 'removed');
    await users.deleteUser(trx, id);
    await insertAuditEntries(trx, [
      { at: ctx.clock.now(), actor: authorOf(actor), action: 'user.deleted', target: user.email, detail: user.role },
    ]);
    return user;
  });
}

/** Sets a new password without knowing the old one (command line recovery); ends the user's sessions. */
export async function resetPassword(
  ctx: Context,
  actor: Actor,
  email: string | undefined,
  password: string | undefined,
): Promise<{ user: User; generatedPassword: string | undefined }> {
  authorize(actor, 'users.manage');
  const generatedPassword = password === undefined || password === '' ? ctx.ids.secret(12) : undefined;
  const checked = checkNewPassword(generatedPassword ?? password);
  const normalized = checkEmail(email);
  const passwordHash = await hashPassword(checked);
  const user = await inTransaction(ctx, actor, async (trx) => {
    const found = await users.findUserWithHash(trx, normalized);
    if (!found) throw new NotFound(`No user has the email ${normalized}`);
    await users.setPasswordHash(trx, found.id, passwordHash, ctx.clock.now());
    await deleteSessionsOfUser(trx, found.id);
    await insertAuditEntries(trx, [
      { at: ctx.clock.now(), actor: authorOf(actor), action: 'user.password_reset', target: normalized },
    ]);
    const { passwordHash: _omit, ...record } = found;
    return record;
  });
  return { user, generatedPassword };
}

export function parseUserId(value: string): number {
  if (!/^\d{1,12}$/.test(value))
    throw new Invalid(`user id must be a number, not ${JSON.stringify(value.slice(0, 20))}`);
  return Number(value);
}
