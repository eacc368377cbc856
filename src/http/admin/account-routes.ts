import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import { completeSetup, setupNeeded } from '../../services/first-run.ts';
import { changePassword, logIn, logOut } from '../../services/sessions.ts';
import { accountPage, loginPage, setupPage } from '../../views/admin/account.ts';
import { EMPTY_FORM, type FormState } from '../../views/admin/forms.ts';
import { clearSessionCookie, ensureFormCookie, setSessionCookie, type FormTokens } from './cookies.ts';
import { formTokenValid, newFormToken } from '../../services/form-tokens.ts';
import { formFromError, formValues } from './form-input.ts';
import { safeNext } from './guard.ts';
import { chrome, redirectAfterPost, sendPage } from './respond.ts';

function waitText(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

/** First run, login, logout and the signed-in user's own password. */
export async function accountRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  const formToken: FormTokens = {
    fresh: () => newFormToken(ctx),
    valid: (token) => formTokenValid(ctx, token),
  };

  app.get('/setup', { config: { access: 'public' } }, async (request, reply) => {
    if (!(await setupNeeded(ctx))) return reply.redirect('/admin/login', 303);
    const token = await ensureFormCookie(request, reply, formToken);
    return sendPage(reply, setupPage(chrome(request, reply, token), EMPTY_FORM));
  });

  app.post('/setup', { config: { access: 'public' } }, async (request, reply) => {
    const values = formValues(request);
    try {
      await completeSetup(ctx, { ...values, address: request.ip });
    } catch (error) {
      const state = formFromError(error, { email: values.email ?? '', code: values.code ?? '' }, [
        'code',
        'email',
        'password',
        'confirm',
      ]);
      const token = await ensureFormCookie(request, reply, formToken);
      return sendPage(reply, setupPage(chrome(request, reply, token), state), 400);
    }
    // The new admin is signed in at once (a fresh session, as a login makes).
    const session = await logIn(ctx, {
      email: values.email,
      password: values.password,
      address: request.ip,
      userAgent: request.headers['user-agent'],
    }).catch(() => ({ ok: false as const }));
    if (!session.ok)
      return redirectAfterPost(request, reply, '/admin/login', 'The admin account is ready. Log in with it.');
    setSessionCookie(request, reply, session.secret);
    return redirectAfterPost(request, reply, '/admin', 'The admin account is ready: you are logged in.');
  });

  app.get<{ Querystring: { next?: string } }>('/login', { config: { access: 'public' } }, async (request, reply) => {
    if (request.adminSession) return reply.redirect(safeNext(request.query.next), 303);
    if (await setupNeeded(ctx)) return reply.redirect('/admin/setup', 303);
    const token = await ensureFormCookie(request, reply, formToken);
    return sendPage(reply, loginPage(chrome(request, reply, token), EMPTY_FORM, safeNext(request.query.next)));
  });

  app.post('/login', { config: { access: 'public' } }, async (request, reply) => {
    const values = formValues(request);
    const next = safeNext(values.next);
    const result = await logIn(ctx, {
      email: values.email,
      password: values.password,
      address: request.ip,
      userAgent: request.headers['user-agent'],
    });
    if (result.ok) {
      setSessionCookie(request, reply, result.secret);
      return reply.redirect(next, 303);
    }
    const message =
      result.reason === 'throttled'
        ? `Too many failed logins: try again in ${waitText(result.retryAfterMs)}.`
        : `The email or password is wrong.${result.retryAfterMs > 0 ? ` Wait ${waitText(result.retryAfterMs)} before trying again.` : ''}`;
    const state: FormState = { values: { email: values.email ?? '' }, errors: {}, formError: message };
    const token = await ensureFormCookie(request, reply, formToken);
    if (result.reason === 'throttled') reply.header('retry-after', String(Math.ceil(result.retryAfterMs / 1000)));
    return sendPage(
      reply,
      loginPage(chrome(request, reply, token), state, next),
      result.reason === 'throttled' ? 429 : 401,
    );
  });

  app.post('/logout', { config: { access: 'editor' } }, async (request, reply) => {
    await logOut(ctx, request.adminSession!, request.ip);
    clearSessionCookie(request, reply);
    return redirectAfterPost(request, reply, '/admin/login', 'You are logged out.');
  });

  app.get('/account', { config: { access: 'editor' } }, async (request, reply) =>
    sendPage(reply, accountPage(chrome(request, reply), EMPTY_FORM)),
  );

  app.post('/account/password', { config: { access: 'editor' } }, async (request, reply) => {
    const values = formValues(request);
    try {
      await changePassword(ctx, request.adminSession!, { ...values, address: request.ip });
    } catch (error) {
      const state = formFromError(error, {}, ['current', 'password', 'confirm']);
      return sendPage(reply, accountPage(chrome(request, reply), state), 400);
    }
    return redirectAfterPost(
      request,
      reply,
      '/admin/account',
      'Your password is changed. Your other sessions have ended.',
    );
  });
}
