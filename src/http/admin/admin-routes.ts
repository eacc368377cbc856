import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, Context } from '../../services/context.ts';
import { createToken, listTokens, revokeToken } from '../../services/tokens.ts';
import { regenerateOAuthCredentials, showOAuthCredentials } from '../../services/oauth.ts';
import { changeRole, createUser, getUser, listUsers, parseUserId, removeUser } from '../../services/users.ts';
import { getSiteSettings, updateSiteSettings } from '../../services/site-settings.ts';
import { browseAudit } from '../../services/audit.ts';
import { Conflict } from '../../domain/errors.ts';
import { SITE_SETTING_KEYS } from '../../domain/site-settings.ts';
import { html } from '../../views/html.ts';
import { EMPTY_FORM, type FormState } from '../../views/admin/forms.ts';
import { credentialsPage, type CredentialsData } from '../../views/admin/credentials.ts';
import { usersPage } from '../../views/admin/users.ts';
import { settingsPage } from '../../views/admin/settings.ts';
import { auditPage } from '../../views/admin/audit.ts';
import { confirmPage } from '../../views/admin/manage.ts';
import { formFromError, formValues } from './form-input.ts';
import { chrome, redirectAfterPost, sendPage } from './respond.ts';

type IdParams = { Params: { id: string } };

function actorOf(request: FastifyRequest): Actor {
  return request.adminSession!.actor;
}

/** Credentials, users, settings and the audit log: admins only (the default access). */
export async function adminOnlyRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;

  // ---- credentials
  async function showCredentials(
    request: FastifyRequest,
    reply: FastifyReply,
    state: FormState,
    created?: CredentialsData['created'],
    status = 200,
  ) {
    const actor = actorOf(request);
    const [tokens, oauth, site] = await Promise.all([
      listTokens(ctx, actor),
      showOAuthCredentials(ctx, actor),
      getSiteSettings(ctx),
    ]);
    const data: CredentialsData = {
      tokens,
      oauth,
      origin: `${request.protocol}://${request.host}`,
      timeZone: site.timeZone,
      created,
    };
    return sendPage(reply, credentialsPage(chrome(request, reply), data, state), status);
  }

  app.get('/credentials', async (request, reply) => showCredentials(request, reply, EMPTY_FORM));

  app.post('/credentials/tokens', async (request, reply) => {
    const values = formValues(request);
    try {
      const created = await createToken(ctx, actorOf(request), { name: values.name, scope: values.scope || 'events' });
      // The secret is shown in this answer and never again: no redirect (nothing else could show it).
      return showCredentials(request, reply, EMPTY_FORM, created);
    } catch (error) {
      return showCredentials(request, reply, formFromError(error, values, ['name', 'scope']), undefined, 400);
    }
  });

  app.post<IdParams>('/credentials/tokens/:id/revoke', async (request, reply) => {
    const token = await revokeToken(ctx, actorOf(request), request.params.id);
    return redirectAfterPost(request, reply, '/admin/credentials', `Token “${token.name}” is revoked.`);
  });

  app.get('/credentials/oauth/regenerate', async (request, reply) =>
    sendPage(
      reply,
      confirmPage(
        chrome(request, reply),
        'Regenerate the OAuth credentials?',
        '/admin/credentials/oauth/regenerate',
        html`<p>New consumer and access keys and secrets replace the current ones. Every OAuth client signing with the
        current ones is refused from then on, until it is given the new ones. API tokens are not affected.</p>`,
        'Regenerate',
        '/admin/credentials',
      ),
    ),
  );

  app.post('/credentials/oauth/regenerate', async (request, reply) => {
    await regenerateOAuthCredentials(ctx, actorOf(request));
    return redirectAfterPost(request, reply, '/admin/credentials#oauth', 'New OAuth credentials are in force.');
  });

  // ---- users
  async function showUsers(
    request: FastifyRequest,
    reply: FastifyReply,
    state: FormState,
    options: Parameters<typeof usersPage>[4] = {},
    status = 200,
  ) {
    const [users, site] = await Promise.all([listUsers(ctx, actorOf(request)), getSiteSettings(ctx)]);
    return sendPage(reply, usersPage(chrome(request, reply), users, site.timeZone, state, options), status);
  }

  app.get('/users', async (request, reply) => showUsers(request, reply, EMPTY_FORM));

  app.post('/users', async (request, reply) => {
    const values = formValues(request);
    try {
      const { user, generatedPassword } = await createUser(ctx, actorOf(request), values);
      if (generatedPassword)
        return showUsers(request, reply, EMPTY_FORM, { created: { user, password: generatedPassword } });
      return redirectAfterPost(request, reply, '/admin/users', `${user.email} can log in now.`);
    } catch (error) {
      const state = formFromError(
        error,
        { email: values.email ?? '', role: values.role ?? '' },
        ['email', 'role', 'password'],
        'email',
      );
      return showUsers(request, reply, state, {}, 400);
    }
  });

  app.post<IdParams>('/users/:id/role', async (request, reply) => {
    const id = parseUserId(request.params.id);
    try {
      const user = await changeRole(ctx, actorOf(request), id, formValues(request).role);
      return redirectAfterPost(
        request,
        reply,
        '/admin/users',
        `${user.email} is now ${user.role === 'admin' ? 'an admin' : 'an editor'}.`,
      );
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
      return showUsers(request, reply, EMPTY_FORM, { rowError: { id, message: error.message } }, 409);
    }
  });

  app.get<IdParams>('/users/:id/delete', async (request, reply) => {
    const user = await getUser(ctx, actorOf(request), parseUserId(request.params.id));
    return sendPage(
      reply,
      confirmPage(
        chrome(request, reply),
        `Remove ${user.email}?`,
        `/admin/users/${user.id}/delete`,
        html`<p><strong>${user.email}</strong> (${user.role}) can no longer log in, and their sessions end at once.
        What they posted stays, with their name as its author.</p>`,
        `Remove ${user.email}`,
        '/admin/users',
      ),
    );
  });

  app.post<IdParams>('/users/:id/delete', async (request, reply) => {
    const id = parseUserId(request.params.id);
    try {
      const user = await removeUser(ctx, actorOf(request), id);
      return redirectAfterPost(request, reply, '/admin/users', `${user.email} is removed.`);
    } catch (error) {
      if (!(error instanceof Conflict)) throw error;
      return showUsers(request, reply, EMPTY_FORM, { rowError: { id, message: error.message } }, 409);
    }
  });

  // ---- settings
  const settingValues = (settings: Record<string, unknown>) =>
    Object.fromEntries(
      SITE_SETTING_KEYS.map((k) => [k, settings[k] === null || settings[k] === undefined ? '' : String(settings[k])]),
    );

  app.get('/settings', async (request, reply) => {
    const settings = await getSiteSettings(ctx);
    const state: FormState = { values: settingValues(settings as unknown as Record<string, unknown>), errors: {} };
    return sendPage(reply, settingsPage(chrome(request, reply), [...SITE_SETTING_KEYS], state));
  });

  app.post('/settings', async (request, reply) => {
    const values = formValues(request);
    const partial = Object.fromEntries(SITE_SETTING_KEYS.filter((k) => k in values).map((k) => [k, values[k]]));
    try {
      await updateSiteSettings(ctx, actorOf(request), partial);
      return redirectAfterPost(request, reply, '/admin/settings', 'Settings saved. The public page shows them now.');
    } catch (error) {
      const state = formFromError(error, values, [...SITE_SETTING_KEYS]);
      return sendPage(reply, settingsPage(chrome(request, reply), [...SITE_SETTING_KEYS], state), 400);
    }
  });

  // ---- audit log
  app.get<{ Querystring: Record<string, string | undefined> }>('/audit', async (request, reply) => {
    const q = request.query;
    const filter: Record<string, string> = {};
    for (const key of ['actor', 'action', 'target', 'from', 'to'] as const) {
      const value = q[key];
      if (typeof value === 'string' && value.trim() !== '') filter[key] = value.trim().slice(0, 200);
    }
    const instant = (text: string | undefined, end: boolean): number | undefined | 'bad' => {
      if (text === undefined) return undefined;
      const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text);
      if (!m) return 'bad';
      const ms = Date.UTC(
        +m[1]!,
        +m[2]! - 1,
        +m[3]!,
        m[4] === undefined ? (end ? 23 : 0) : +m[4],
        m[5] === undefined ? (end ? 59 : 0) : +m[5],
      );
      return Number.isNaN(ms) ? 'bad' : ms + (end ? 59_999 : 0);
    };
    const from = instant(filter.from, false);
    const to = instant(filter.to, true);
    const before = typeof q.before === 'string' && /^\d{1,15}$/.test(q.before) ? Number(q.before) : undefined;
    const site = await getSiteSettings(ctx);
    const bad = from === 'bad' || to === 'bad';
    const result = await browseAudit(ctx, actorOf(request), {
      actor: filter.actor,
      action: filter.action,
      target: filter.target,
      from: bad ? undefined : (from as number | undefined),
      to: bad ? undefined : (to as number | undefined),
      beforeId: before,
    });
    const query = (extra: Record<string, string>) =>
      `/admin/audit?${new URLSearchParams({ ...filter, ...extra }).toString()}`;
    return sendPage(
      reply,
      auditPage(chrome(request, reply), {
        entries: result.entries,
        actions: result.actions,
        filter,
        timeZone: site.timeZone,
        olderHref: result.nextBeforeId === undefined ? undefined : query({ before: String(result.nextBeforeId) }),
        newestHref: before === undefined ? undefined : query({}),
        error: bad ? 'Dates look like 2026-11-26 or 2026-11-26T14:30 (UTC)' : undefined,
      }),
      bad ? 400 : 200,
    );
  });
}
