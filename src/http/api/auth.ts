import type { FastifyRequest } from 'fastify';
import { Forbidden, Unauthorized } from '../../domain/errors.ts';
import type { Actor, Context } from '../../services/context.ts';
import { authenticateToken, secretsEqual } from '../../services/tokens.ts';
import { authenticateOAuth } from '../../services/oauth.ts';
import { parseOAuthHeader } from '../../domain/oauth-signature.ts';
import { resumeSession } from '../../services/sessions.ts';
import { sessionSecret } from '../admin/cookies.ts';

const ENV_TOKEN_ACTOR: Actor = { kind: 'env-token', name: 'STASHBOARD_ADMIN_TOKEN', scope: 'admin' };

function queryEntries(request: FastifyRequest): Array<[string, string]> {
  const query = request.url.split('?')[1];
  return query === undefined ? [] : [...new URLSearchParams(query)];
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header && /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

/** Whether the request carries a credential at all, judged before its body is read. */
export function offersCredential(request: FastifyRequest): boolean {
  if (request.headers.authorization) return true;
  if (queryEntries(request).some(([key]) => key === 'oauth_signature')) return true;
  // The admin site's session cookie (the admin UI calling the API).
  if (sessionSecret(request) !== undefined) return true;
  // OAuth 1.0a clients may sign in the form body, which is not parsed yet.
  return /^application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The admin site's session, for requests with no other credential. A cookie is sent by the
 * browser whoever made the page, and SameSite=Lax lets a sibling subdomain or another port
 * send it too, so every request must also prove it comes from the admin site itself:
 * writes with the session's CSRF token in the X-CSRF-Token header (every admin page carries
 * it); reads with that header or the browser's `Sec-Fetch-Site: same-origin`.
 */
async function authenticateSession(ctx: Context, request: FastifyRequest, secret: string): Promise<Actor> {
  const session = await resumeSession(ctx, secret);
  if (!session) throw new Unauthorized('The admin session has ended: log in again');
  if (SAFE_METHODS.has(request.method)) {
    const sent = request.headers['x-csrf-token'];
    const sameOrigin = request.headers['sec-fetch-site'] === 'same-origin';
    if (!sameOrigin && (typeof sent !== 'string' || !secretsEqual(sent, session.csrfToken))) {
      throw new Forbidden(
        "A read authenticated by the admin session cookie must come from the admin site: send the session's CSRF token in the X-CSRF-Token header",
      );
    }
  } else {
    const sent = request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !secretsEqual(sent, session.csrfToken)) {
      throw new Forbidden(
        "A write authenticated by the admin session cookie needs the session's CSRF token in the X-CSRF-Token header",
      );
    }
  }
  return session.actor;
}

/** Resolves the request's credential to an actor, or throws Unauthorized. */
export async function authenticate(
  ctx: Context,
  adminToken: string | undefined,
  request: FastifyRequest,
): Promise<Actor> {
  const token = bearer(request);
  if (token !== undefined) {
    if (adminToken !== undefined && secretsEqual(token, adminToken)) return ENV_TOKEN_ACTOR;
    return authenticateToken(ctx, token);
  }
  const header = request.headers.authorization;
  const headerParams = header ? parseOAuthHeader(header) : [];
  if (header && headerParams === undefined) throw new Unauthorized('The Authorization header must use Bearer or OAuth');
  const params = [...(headerParams ?? []), ...queryEntries(request), ...(request.formEntries ?? [])];
  if (!params.some(([key]) => key === 'oauth_signature')) {
    const secret = header ? undefined : sessionSecret(request);
    if (secret !== undefined) return authenticateSession(ctx, request, secret);
    throw new Unauthorized('An API token or OAuth signature is required');
  }
  return authenticateOAuth(ctx, {
    method: request.method,
    protocol: request.protocol,
    host: request.host,
    path: request.url.split('?')[0] ?? '/',
    params,
  });
}
