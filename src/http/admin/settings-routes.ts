import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import { getSiteSettings, updateSiteSettings } from '../../services/site-settings.ts';
import { SITE_SETTING_KEYS } from '../../domain/site-settings.ts';
import type { FormState } from '../../views/admin/forms.ts';
import { settingsPage } from '../../views/admin/settings.ts';
import { formFromError, formValues } from './form-input.ts';
import { actorOf, chrome, redirectAfterPost, sendPage } from './respond.ts';

/** The site's settings (admins only: the default access). */
export async function settingsRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;

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
}
