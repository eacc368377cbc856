import { Unauthorized } from '../domain/errors.ts';
import {
  baseStringUri,
  hmacSha1Signature,
  signatureBaseString,
  type OAuthCredentials,
} from '../domain/oauth-signature.ts';
import { readSetting, writeSetting } from '../db/repositories/settings.ts';
import { forgetNoncesSeenBefore, rememberNonce } from '../db/repositories/oauth-nonces.ts';
import type { Db } from '../db/connect.ts';
import type { Actor, Context } from './context.ts';
import { secretsEqual } from './tokens.ts';
import { authorize } from './fields.ts';
import { inTransaction } from './transaction.ts';

export type { OAuthCredentials };

const SETTING = 'oauth.credentials';
const MAX_SKEW_MS = 5 * 60_000;

export function newOAuthCredentials(ctx: Context): OAuthCredentials {
  return {
    consumerKey: ctx.ids.secret(12),
    consumerSecret: ctx.ids.secret(24),
    accessToken: ctx.ids.secret(12),
    accessTokenSecret: ctx.ids.secret(24),
  };
}

export function readOAuthCredentials(db: Db): Promise<OAuthCredentials | undefined> {
  return readSetting<OAuthCredentials>(db, SETTING);
}

export async function showOAuthCredentials(ctx: Context, actor: Actor): Promise<OAuthCredentials> {
  authorize(actor, 'configuration.read');
  const credentials = await readOAuthCredentials(ctx.database.db);
  if (!credentials) throw new Error('OAuth credentials are missing: run `stashboard migrate`');
  return credentials;
}

/** Replaces the OAuth credentials; clients signing with the old ones are refused from now on. */
export async function regenerateOAuthCredentials(ctx: Context, actor: Actor): Promise<OAuthCredentials> {
  authorize(actor, 'credentials.manage');
  const credentials = newOAuthCredentials(ctx);
  await inTransaction(ctx, actor, async (trx, changes) => {
    await writeSetting(trx, SETTING, credentials);
    changes.push({ topic: 'settings', action: 'updated', slug: 'oauth' });
  });
  return credentials;
}

export interface SignedRequest {
  method: string;
  protocol: string;
  host: string;
  path: string;
  /** Every parameter that was signed: query, form body and protocol parameters. */
  params: Array<[string, string]>;
}

/** Verifies an OAuth 1.0a HMAC-SHA1 request signed with the access token; refuses stale and replayed ones. */
export async function authenticateOAuth(ctx: Context, request: SignedRequest): Promise<Actor> {
  const param = (name: string) => request.params.find(([key]) => key === name)?.[1];
  const consumerKey = param('oauth_consumer_key');
  const signature = param('oauth_signature');
  const method = param('oauth_signature_method');
  const nonce = param('oauth_nonce');
  const timestamp = Number(param('oauth_timestamp'));
  if (!consumerKey || !signature || !nonce || !Number.isInteger(timestamp)) {
    throw new Unauthorized('OAuth parameters are incomplete');
  }
  if (method !== 'HMAC-SHA1') throw new Unauthorized('Only the HMAC-SHA1 OAuth signature method is supported');
  const now = ctx.clock.now();
  if (Math.abs(now - timestamp * 1000) > MAX_SKEW_MS)
    throw new Unauthorized('The OAuth timestamp is too old or in the future');
  const credentials = await readOAuthCredentials(ctx.database.db);
  const token = param('oauth_token') ?? '';
  if (
    !credentials ||
    !secretsEqual(consumerKey, credentials.consumerKey) ||
    !secretsEqual(token, credentials.accessToken)
  ) {
    throw new Unauthorized('The OAuth consumer key or access token is not valid');
  }
  // RFC 5849 leaves the default port out of the signed URI; some clients sign it anyway.
  const scheme = request.protocol.toLowerCase();
  const host = request.host.toLowerCase();
  const defaultPort = scheme === 'https' ? 443 : 80;
  const uris = new Set([
    baseStringUri(scheme, host, request.path),
    `${scheme}://${/:\d+$/.test(host) ? host : `${host}:${defaultPort}`}${request.path}`,
  ]);
  const valid = [...uris].some((uri) =>
    secretsEqual(
      signature,
      hmacSha1Signature(
        signatureBaseString(request.method, uri, request.params),
        credentials.consumerSecret,
        credentials.accessTokenSecret,
      ),
    ),
  );
  if (!valid) throw new Unauthorized('The OAuth signature is not valid');
  const fresh = await rememberNonce(ctx.database.db, { consumerKey, nonce, timestamp, seenAt: now });
  if (!fresh) throw new Unauthorized('The OAuth nonce was already used');
  // Nonces older than the accepted skew can never be replayed successfully: forget them now and then.
  if (ctx.ids.chance(0.05)) await forgetNoncesSeenBefore(ctx.database.db, now - 2 * MAX_SKEW_MS).catch(() => {});
  return { kind: 'oauth', name: consumerKey.slice(0, 8), scope: 'admin' };
}
