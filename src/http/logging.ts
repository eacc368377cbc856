import type { FastifyRequest } from 'fastify';

// Query parameters whose values are credentials or secrets: never written to logs.
const SECRET_PARAM = /sig|token|secret|key|password|nonce|code|auth/i;

/** The request URL with credential-like query values replaced, safe to log. */
export function loggableUrl(url: string): string {
  const [path, query] = url.split('?', 2) as [string, string | undefined];
  const safePath = path.replace(/^\/api\/push\/[^/]+/, '/api/push/[redacted]');
  if (query === undefined) return safePath;
  const params = new URLSearchParams(query);
  for (const key of new Set(params.keys())) {
    if (SECRET_PARAM.test(key)) params.set(key, '[redacted]');
  }
  return `${safePath}?${params.toString()}`;
}

/** The one structured line logged per request; headers (tokens, cookies) are never included. */
export function requestLogLine(request: FastifyRequest, statusCode: number, elapsedMs: number) {
  return {
    reqId: request.id,
    method: request.method,
    url: loggableUrl(request.url),
    status: statusCode,
    ms: Math.round(elapsedMs * 10) / 10,
    ip: request.ip,
    actor: request.actor && request.actor.kind !== 'system' ? `${request.actor.kind}:${request.actor.name}` : undefined,
  };
}
