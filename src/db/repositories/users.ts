import type { Db, Dialect } from '../connect.ts';
import type { Role, User } from '../../domain/accounts.ts';

type Row = { id: number; email: string; role: Role; created_at: number; password_changed_at: number };

function toUser(row: Row): User {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    createdAt: Number(row.created_at),
    passwordChangedAt: Number(row.password_changed_at),
  };
}

const COLUMNS = ['id', 'email', 'role', 'created_at', 'password_changed_at'] as const;

export async function countUsers(db: Db, role?: Role): Promise<number> {
  let q = db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'));
  if (role !== undefined) q = q.where('role', '=', role);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export async function allUsers(db: Db): Promise<User[]> {
  return (await db.selectFrom('users').select(COLUMNS).orderBy('email').execute()).map(toUser);
}

export async function findUserById(db: Db, id: number): Promise<User | undefined> {
  const row = await db.selectFrom('users').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

export async function findUserWithHash(db: Db, email: string): Promise<(User & { passwordHash: string }) | undefined> {
  const row = await db
    .selectFrom('users')
    .select([...COLUMNS, 'password_hash'])
    .where('email', '=', email)
    .executeTakeFirst();
  return row && { ...toUser(row), passwordHash: row.password_hash };
}

export async function findPasswordHash(db: Db, id: number): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirst();
  return row?.password_hash;
}

export async function insertUser(
  db: Db,
  user: { email: string; role: Role; passwordHash: string; createdAt: number },
): Promise<User> {
  const row = await db
    .insertInto('users')
    .values({
      email: user.email,
      role: user.role,
      password_hash: user.passwordHash,
      created_at: user.createdAt,
      password_changed_at: user.createdAt,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return toUser(row);
}

export async function setRole(db: Db, id: number, role: Role): Promise<void> {
  await db.updateTable('users').set({ role }).where('id', '=', id).execute();
}

export async function setPasswordHash(db: Db, id: number, passwordHash: string, at: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, password_changed_at: at })
    .where('id', '=', id)
    .execute();
}

export async function deleteUser(db: Db, id: number): Promise<void> {
  await db.deleteFrom('users').where('id', '=', id).execute();
}

/**
 * Locks the admins' rows until the transaction ends, so two concurrent demotions or removals
 * cannot each see another admin left and leave none. SQLite serialises writers already.
 */
export async function lockAdminRows(db: Db, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres')
    await db.selectFrom('users').select('id').where('role', '=', 'admin').forUpdate().execute();
}
