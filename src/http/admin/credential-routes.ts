import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../services/context.ts';
import { createToken, listTokens, revokeToken } from '../../services/tokens.ts';
import { regenerateOAuthCredentials, showOAuthCredentials } from '../../services/oauth.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import { html } from '../../views/html.ts';
import { EMPTY_FORM, type FormState } from '../../views/admin/forms.ts';
import { credentialsPage, type CredentialsData } from '../../views/admin/credentials.ts';
import { confirmPage } from '../../views/admin/confirm.ts';
import { formFromError, formValues } from './form-input.ts';
import { actorOf, chrome, redirectAfterPost, sendPage } from './respond.ts';

type IdParams = { Params: { id: string } };

/** API tokens and the OAuth credentials (admins only: the default access). */
export async function credentialRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;

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
}
