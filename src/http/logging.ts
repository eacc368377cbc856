import type { FastifyRequest } from 'fastify';

/** The push URL's route: its path parameter is a credential. */
export const PUSH_ROUTE = '/api/push/:secret';

// Query parameters whose values are credentials or secrets: never written to logs.
const SECRET_PARAM = /sig|token|secret|key|password|nonce|code|auth/i;

// The request target may come in absolute form (`GET http://host/api/push/SECRET HTTP/1.1`).
const ABSOLUTE_ORIGIN = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;
const PUSH_PATH = /^\/+api\/+push\/+[^/]+/i;

/**
 * The request URL with credential-like query values replaced, safe to log. `secretRoute` says
 * the matched route carries a secret in its path (the push URL): then the path is redacted
 * whatever its spelling.
 */
export function loggableUrl(url: string, secretRoute = false): string {
  const [target, query] = url.split('?', 2) as [string, string | undefined];
  const origin = ABSOLUTE_ORIGIN.exec(target)?.[0] ?? '';
  const path = target.slice(origin.length);
  const safePath = secretRoute ? '/api/push/[redacted]' : path.replace(PUSH_PATH, '/api/push/[redacted]');
  if (query === undefined) return `${origin}${safePath}`;
  const params = new URLSearchParams(query);
  for (const key of new Set(params.keys())) {
    if (SECRET_PARAM.test(key)) params.set(key, '[redacted]');
  }
  return `${origin}${safePath}?${params.toString()}`;
}

/** The one structured line logged per request; headers (tokens, cookies) are never included. */
export function requestLogLine(request: FastifyRequest, statusCode: number, elapsedMs: number) {
  return {
    reqId: request.id,
    method: request.method,
    url: loggableUrl(request.url, request.routeOptions.url === PUSH_ROUTE),
    status: statusCode,
    ms: Math.round(elapsedMs * 10) / 10,
    ip: request.ip,
    actor: request.actor && request.actor.kind !== 'system' ? `${request.actor.kind}:${request.actor.name}` : undefined,
  };
}
