import type { Db } from '../connect.ts';
import type { ApiTokenRow } from '../schema.ts';
import type { ApiToken, TokenScope } from '../../domain/resources.ts';

function toToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

export async function insertToken(
  db: Db,
  token: { id: string; name: string; scope: TokenScope; hash: string; createdAt: number },
): Promise<ApiToken> {
  const row = await db
    .insertInto('api_tokens')
    .values({ id: token.id, name: token.name, scope: token.scope, token_hash: token.hash, created_at: token.createdAt })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toToken(row);
}

export async function allTokens(db: Db): Promise<ApiToken[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toToken);
}

export async function findTokenById(db: Db, id: string): Promise<ApiToken | undefined> {
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toToken(row);
}

/** The unrevoked token with this id, with its stored hash for a constant-time comparison. */
export async function findActiveTokenWithHash(db: Db, id: string): Promise<(ApiToken & { hash: string }) | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row && { ...toToken(row), hash: row.token_hash };
}

export async function markTokenUsed(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

export async function revokeToken(db: Db, id: string, at: number): Promise<void> {
  await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute();
}
