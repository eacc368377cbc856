import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../services/context.ts';
import { changeRole, createUser, getUser, listUsers, parseUserId, removeUser } from '../../services/users.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import { Conflict } from '../../domain/errors.ts';
import { html } from '../../views/html.ts';
import { EMPTY_FORM, type FormState } from '../../views/admin/forms.ts';
import { usersPage } from '../../views/admin/users.ts';
import { confirmPage } from '../../views/admin/confirm.ts';
import { formFromError, formValues } from './form-input.ts';
import { actorOf, chrome, redirectAfterPost, sendPage } from './respond.ts';

type IdParams = { Params: { id: string } };

/** Users: list, add, change role, remove (admins only: the default access). */
export async function userRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;

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
}
