import { createHash, timingSafeEqual } from 'node:crypto';
import { Invalid, NotFound, Unauthorized } from '../domain/errors.ts';
import { checkText } from '../domain/fields.ts';
import { TOKEN_SCOPES, type ApiToken, type TokenScope } from '../domain/resources.ts';
import * as tokens from '../db/repositories/tokens.ts';
import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import type { Actor, Context } from './context.ts';
import { authorize } from './fields.ts';
import { inTransaction } from './transaction.ts';

const TOKEN_FORMAT = /^sb_([A-Za-z0-9_-]{8,32})\.([A-Za-z0-9_-]{20,128})$/;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares two secrets in time that does not depend on where they differ. */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** Creates an API token; the secret is returned once and only its hash is stored. */
export async function createToken(
  ctx: Context,
  actor: Actor,
  input: { name?: string; scope?: string },
): Promise<{ token: ApiToken; secret: string }> {
  authorize(actor, 'tokens.manage');
  if (input.name === undefined || input.name === '') throw new Invalid('name is required');
  const name = checkText('name', input.name);
  const scope = (input.scope ?? 'admin') as TokenScope;
  if (!TOKEN_SCOPES.includes(scope))
    throw new Invalid(`scope must be one of ${TOKEN_SCOPES.join(', ')}, not ${JSON.stringify(input.scope)}`);
  const id = ctx.ids.shortId();
  const secret = `sb_${id}.${ctx.ids.secret(32)}`;
  const token = await inTransaction(ctx, actor, async (trx, changes) => {
    const created = await tokens.insertToken(trx, {
      id,
      name,
      scope,
      hash: hashToken(secret),
      createdAt: ctx.clock.now(),
    });
    changes.push({ topic: 'token', action: 'created', slug: id });
    return created;
  });
  return { token, secret };
}

export function listTokens(ctx: Context, actor: Actor): Promise<ApiToken[]> {
  authorize(actor, 'configuration.read');
  return tokens.allTokens(ctx.database.db);
}

export async function revokeToken(ctx: Context, actor: Actor, id: string): Promise<ApiToken> {
  authorize(actor, 'tokens.manage');
  return inTransaction(ctx, actor, async (trx, changes) => {
    const token = await tokens.findTokenById(trx, id);
    if (!token) throw new NotFound(`Token ${id} does not exist`);
    if (token.revokedAt !== null) return token;
    const at = ctx.clock.now();
    await tokens.revokeToken(trx, id, at);
    changes.push({ topic: 'token', action: 'deleted', slug: id });
    return { ...token, revokedAt: at };
  });
}

/** Resolves a bearer token to the actor it stands for; throws Unauthorized when it is not valid. */
export async function authenticateToken(ctx: Context, secret: string): Promise<Actor> {
  const match = TOKEN_FORMAT.exec(secret);
  if (!match) throw new Unauthorized('The API token is not valid');
  const hash = Buffer.from(hashToken(secret));
  const token = await tokens.findActiveTokenWithHash(ctx.database.db, match[1]!);
  const stored = Buffer.from(token?.hash ?? '');
  if (!token || stored.length !== hash.length || !timingSafeEqual(stored, hash)) {
    throw new Unauthorized('The API token is not valid');
  }
  const now = ctx.clock.now();
  // Recorded at most once a minute, best effort: a failure here must not refuse a valid token.
  if (token.lastUsedAt === null || now - token.lastUsedAt > 60_000) {
    await tokens.markTokenUsed(ctx.database.db, token.id, now).catch(() => {});
    // The audit log shows token use by name at the same rate: enough to see which scripts are alive.
    await insertAuditEntries(ctx.database.db, [
      { at: now, actor: `token:${token.name}`, action: 'token.used', target: token.id },
    ]).catch(() => {});
  }
  return { kind: 'token', name: token.name, scope: token.scope };
}
