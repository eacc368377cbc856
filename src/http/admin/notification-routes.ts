import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, Context } from '../../services/context.ts';
import {
  channelHistory,
  createChannel,
  deleteChannel,
  getChannel,
  listChannels,
  pausedChannels,
  resumeChannel,
  rotatesSecret,
  updateChannel,
  type ChannelInput,
} from '../../services/channels.ts';
import { listSubscribers, removeSubscriber } from '../../services/subscriptions.ts';
import { getSmtpSettings, sendTestEmail, updateSmtpSettings } from '../../services/smtp-settings.ts';
import type { MailSender } from '../../services/delivery-transports.ts';
import { listServices } from '../../services/services.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import { NotFound } from '../../domain/errors.ts';
import { EMPTY_FORM, type FormState } from '../../views/admin/forms.ts';
import {
  channelPage,
  emailSettingsPage,
  notificationsPage,
  pausedBanner,
  subscribersPage,
} from '../../views/admin/notifications.ts';
import type { Html } from '../../views/html.ts';
import { formFromError, formValues } from './form-input.ts';
import { chrome, redirectAfterPost, sendPage } from './respond.ts';
import { setFlash } from './cookies.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Shown above every admin page while a notification channel is paused. */
    adminBanner?: Html;
  }
}

type IdParams = { Params: { id: string } };

function actorOf(request: FastifyRequest): Actor {
  return request.adminSession!.actor;
}

function idOf(text: string, what: string): number {
  if (!/^\d{1,9}$/.test(text)) throw new NotFound(`${what} ${text} does not exist`);
  return Number(text);
}

/** Every value of a repeated form field (checkboxes). */
function allValues(request: FastifyRequest, name: string): string[] {
  return (request.formEntries ?? []).filter(([key]) => key === name).map(([, value]) => value);
}

function channelInput(request: FastifyRequest, values: Record<string, string>): ChannelInput {
  return {
    kind: values.kind,
    name: values.name,
    url: values.url,
    addresses: values.addresses,
    services: allValues(request, 'services'),
    notes: values.notes === 'true',
    rotateSecret: values.rotate_secret === 'true',
  };
}

/**
 * Tells admins on every page that a channel is paused (the audit log has the entry too).
 * Called on the admin site's scope, after its session gate.
 */
export function pausedChannelBanner(app: FastifyInstance, ctx: Context): void {
  app.addHook('preHandler', async (request) => {
    const session = request.adminSession;
    if (!session || session.role !== 'admin' || request.method !== 'GET') return;
    const paused = await pausedChannels(ctx, session.actor).catch(() => []);
    if (paused.length > 0) request.adminBanner = pausedBanner(paused);
  });
}

/** `/admin/notifications`: channels and their delivery history, subscribers, SMTP settings (admins only). */
export async function notificationRoutes(
  app: FastifyInstance,
  options: { ctx: Context; mailer: MailSender },
): Promise<void> {
  const { ctx, mailer } = options;
  const serviceChoices = async () => (await listServices(ctx)).map((s) => ({ slug: s.slug, name: s.name }));

  async function overview(request: FastifyRequest, reply: FastifyReply, state: FormState, status = 200) {
    const actor = actorOf(request);
    const [channels, services, subscribers, smtp, site] = await Promise.all([
      listChannels(ctx, actor),
      serviceChoices(),
      listSubscribers(ctx, actor),
      getSmtpSettings(ctx, actor),
      getSiteSettings(ctx),
    ]);
    const confirmed = subscribers.filter((s) => s.confirmedAt !== null).length;
    return sendPage(
      reply,
      notificationsPage(
        chrome(request, reply),
        {
          channels,
          services,
          subscribers: { confirmed, pending: subscribers.length - confirmed },
          smtp,
          timeZone: site.timeZone,
        },
        state,
      ),
      status,
    );
  }

  async function channelView(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    state: FormState,
    status = 200,
    showSecret = false,
  ) {
    const actor = actorOf(request);
    const [channel, history, services, site] = await Promise.all([
      getChannel(ctx, actor, id),
      channelHistory(ctx, actor, id, 50),
      serviceChoices(),
      getSiteSettings(ctx),
    ]);
    return sendPage(
      reply,
      channelPage(chrome(request, reply), channel, history, services, state, site.timeZone, showSecret),
      status,
    );
  }

  app.get('/notifications', (request, reply) => overview(request, reply, EMPTY_FORM));

  app.post('/notifications/channels', async (request, reply) => {
    const values = formValues(request);
    try {
      const channel = await createChannel(ctx, actorOf(request), channelInput(request, values));
      // A webhook's signing secret is shown in this answer only, so no redirect.
      if (channel.kind === 'webhook') {
        setFlash(request, reply, `Channel “${channel.name}” is added.`);
        return channelView(request, reply, channel.id, EMPTY_FORM, 200, true);
      }
      return redirectAfterPost(
        request,
        reply,
        `/admin/notifications/channels/${channel.id}`,
        `Channel “${channel.name}” is added.`,
      );
    } catch (error) {
      const state = formFromError(error, { ...values, services: allValues(request, 'services').join(',') }, [
        'kind',
        'name',
        'url',
        'addresses',
        'services',
        'notes',
      ]);
      return overview(request, reply, state, 400);
    }
  });

  app.get<IdParams>('/notifications/channels/:id', (request, reply) =>
    channelView(request, reply, idOf(request.params.id, 'Channel'), EMPTY_FORM),
  );

  app.post<IdParams>('/notifications/channels/:id', async (request, reply) => {
    const id = idOf(request.params.id, 'Channel');
    const values = formValues(request);
    try {
      const input = channelInput(request, values);
      const channel = await updateChannel(ctx, actorOf(request), id, input);
      if (channel.kind === 'webhook' && rotatesSecret(input)) {
        return channelView(request, reply, id, EMPTY_FORM, 200, true);
      }
      return redirectAfterPost(
        request,
        reply,
        `/admin/notifications/channels/${id}`,
        `Channel “${channel.name}” is saved.`,
      );
    } catch (error) {
      const state = formFromError(error, { ...values, services: allValues(request, 'services').join(',') }, [
        'name',
        'url',
        'addresses',
        'services',
        'notes',
      ]);
      return channelView(request, reply, id, state, 400);
    }
  });

  app.post<IdParams>('/notifications/channels/:id/resume', async (request, reply) => {
    const channel = await resumeChannel(ctx, actorOf(request), idOf(request.params.id, 'Channel'));
    return redirectAfterPost(
      request,
      reply,
      `/admin/notifications/channels/${channel.id}`,
      `Channel “${channel.name}” is resumed; waiting notices go out now.`,
    );
  });

  app.post<IdParams>('/notifications/channels/:id/delete', async (request, reply) => {
    const channel = await deleteChannel(ctx, actorOf(request), idOf(request.params.id, 'Channel'));
    return redirectAfterPost(request, reply, '/admin/notifications', `Channel “${channel.name}” is deleted.`);
  });

  app.get('/notifications/subscribers', async (request, reply) => {
    const [subscribers, site] = await Promise.all([listSubscribers(ctx, actorOf(request)), getSiteSettings(ctx)]);
    return sendPage(reply, subscribersPage(chrome(request, reply), subscribers, site.timeZone));
  });

  app.post<IdParams>('/notifications/subscribers/:id/delete', async (request, reply) => {
    await removeSubscriber(ctx, actorOf(request), idOf(request.params.id, 'Subscriber'));
    return redirectAfterPost(request, reply, '/admin/notifications/subscribers', 'The subscriber is removed.');
  });

  async function emailView(
    request: FastifyRequest,
    reply: FastifyReply,
    state: FormState,
    testState: FormState,
    result?: { ok: boolean; error?: string },
    status = 200,
  ) {
    const smtp = await getSmtpSettings(ctx, actorOf(request));
    return sendPage(reply, emailSettingsPage(chrome(request, reply), smtp, state, testState, result), status);
  }

  app.get('/notifications/email', (request, reply) => emailView(request, reply, EMPTY_FORM, EMPTY_FORM));

  app.post('/notifications/email', async (request, reply) => {
    const values = formValues(request);
    try {
      await updateSmtpSettings(ctx, actorOf(request), values);
      return redirectAfterPost(request, reply, '/admin/notifications/email', 'Email settings are saved.');
    } catch (error) {
      return emailView(
        request,
        reply,
        formFromError(error, values, ['host', 'port', 'security', 'user', 'password', 'from']),
        EMPTY_FORM,
        undefined,
        400,
      );
    }
  });

  app.post('/notifications/email/test', async (request, reply) => {
    const values = formValues(request);
    try {
      const result = await sendTestEmail(ctx, actorOf(request), mailer, {
        to: values.to,
        fallbackBaseUrl: `${request.protocol}://${request.host}`,
      });
      return emailView(request, reply, EMPTY_FORM, { values, errors: {} }, result, result.ok ? 200 : 502);
    } catch (error) {
      return emailView(request, reply, EMPTY_FORM, formFromError(error, values, ['to']), undefined, 400);
    }
  });
}
