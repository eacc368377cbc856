import { createHash } from 'node:crypto';
import type { Context } from './context.ts';

/** A token for a link in an email: 32 random bytes; only its SHA-256 is stored. */
export function newLinkToken(ctx: Context): { token: string; hash: string } {
  const token = ctx.ids.secret(32);
  return { token, hash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
