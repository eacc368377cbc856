import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Html } from '../../views/html.ts';
import type { Actor } from '../../services/context.ts';
import type { Chrome } from '../../views/admin/layout.ts';
import { setFlash, takeFlash } from './cookies.ts';
import { adminAssetUrl, stylesheetUrl } from './assets.ts';

/** No inline script or style anywhere in the admin site; nothing from elsewhere; never framed. */
export const ADMIN_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export function securityHeaders(reply: FastifyReply): void {
  reply.headers({
    'content-security-policy': ADMIN_CSP,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
    'cache-control': 'no-store',
  });
}

export function chrome(request: FastifyRequest, reply: FastifyReply, csrfOverride?: string): Chrome {
  const session = request.adminSession;
  return {
    user: session ? { email: session.email, role: session.role } : undefined,
    csrf: csrfOverride ?? session?.csrfToken ?? '',
    path: request.url.split('?')[0] ?? '/admin',
    flash: takeFlash(request, reply),
    banner: request.adminBanner,
    stylesheet: stylesheetUrl(),
    script: adminAssetUrl('admin.js'),
    favicon: adminAssetUrl('favicon.svg'),
  };
}

export function sendPage(reply: FastifyReply, body: Html, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(body.value);
}

/** Redirect after a successful POST (303: the browser follows with a GET), with a message for the next page. */
export function redirectAfterPost(
  request: FastifyRequest,
  reply: FastifyReply,
  to: string,
  flash?: string,
): FastifyReply {
  if (flash) setFlash(request, reply, flash);
  return reply.redirect(to, 303);
}

/** The signed-in actor of an admin page (the guard has checked the session before any handler runs). */
export function actorOf(request: FastifyRequest): Actor {
  return request.adminSession!.actor;
}

/** `/admin/` and the parts, each encoded. */
export const adminPath = (...parts: string[]) => `/admin/${parts.map(encodeURIComponent).join('/')}`;

/** "1 event", "3 events". */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
