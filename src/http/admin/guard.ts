import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../services/context.ts';
import { resumeSession } from '../../services/sessions.ts';
import { secretsEqual } from '../../services/tokens.ts';
import { formTokenValid } from '../../services/form-tokens.ts';
import { html } from '../../views/html.ts';
import { page } from '../../views/admin/layout.ts';
import { clearSessionCookie, formCookie, sessionSecret } from './cookies.ts';
import { chrome, securityHeaders, sendPage } from './respond.ts';

/** A local admin path to return to after login, or the dashboard. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/admin(\/[A-Za-z0-9/_.~-]*)?(\?[^\s#]*)?$/.test(value) && !value.includes('//')
    ? value
    : '/admin';
}

function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  message: string,
): FastifyReply {
  return sendPage(
    reply,
    page(chrome(request, reply), title, html`<p>${message}</p><p><a href="/admin">Back to the dashboard</a></p>`),
    status,
  );
}

/**
 * The admin site's gate, for every route in it: loads the session from its cookie; sends
 * anonymous users to the login page and editors away from admin-only pages (routes are
 * admin-only unless their config says otherwise); refuses any write whose CSRF token does
 * not match the session's (or, before login, the form cookie's).
 */
export function guardAdminSite(app: FastifyInstance, ctx: Context): void {
  app.decorateRequest('adminSession', undefined);

  app.addHook('onRequest', async (request, reply) => {
    securityHeaders(reply);
    const secret = sessionSecret(request);
    const session = secret ? await resumeSession(ctx, secret) : undefined;
    request.adminSession = session;
    if (session) request.actor = session.actor;
    else if (secret) clearSessionCookie(request, reply);
    const access = request.routeOptions.config.access ?? 'admin';
    if (access === 'public') return;
    if (!session) {
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
      return reply.redirect(`/admin/login${next}`, 303);
    }
    if (access === 'admin' && session.role !== 'admin') {
      return refuse(
        request,
        reply,
        403,
        'Admins only',
        'Only admins may do this. Editors post and delete events and notes, manage incidents and maintenance, and confirm held recoveries.',
      );
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    const body = request.body as Record<string, unknown> | undefined;
    const sent = body && typeof body === 'object' ? body._csrf : undefined;
    // Before login: the form cookie's token, and only if this server signed it.
    const anonymous = formCookie(request);
    const expected =
      request.adminSession?.csrfToken ?? ((await formTokenValid(ctx, anonymous)) ? anonymous : undefined);
    if (typeof sent !== 'string' || !expected || !secretsEqual(sent, expected)) {
      request.log.warn({ reqId: request.id }, 'admin form refused: missing or wrong CSRF token');
      return refuse(
        request,
        reply,
        403,
        'This form has expired',
        'The form was not accepted because its security token is missing or out of date. Go back, reload the page and try again.',
      );
    }
  });
}
