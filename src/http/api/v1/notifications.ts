import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Channel, DeliveryHistoryEntry } from '../../../services/channels.ts';
import * as channels from '../../../services/channels.ts';
import {
  listSubscribers,
  removeSubscriber,
  subscriberHistory,
  type Subscriber,
} from '../../../services/subscriptions.ts';
import { getSmtpSettings, sendTestEmail, updateSmtpSettings } from '../../../services/smtp-settings.ts';
import type { MailSender } from '../../../services/delivery-transports.ts';
import type { Context } from '../../../services/context.ts';
import { HttpError } from '../../errors.ts';
import { flagParam, param } from './params.ts';
import { resource } from './resource.ts';

export interface NotificationApiOptions {
  ctx: Context;
  /** Sends the admin's test email. */
  mailer: MailSender;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * A channel as JSON. A webhook's signing secret only in the answer that made or rotated it
 * (`showSecret`): later reads never show it again.
 */
function channelJson(request: FastifyRequest, c: Channel, showSecret = false) {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    url: c.url,
    addresses: c.kind === 'email' ? c.addresses : undefined,
    secret: c.kind === 'webhook' && showSecret ? c.secret : undefined,
    services: c.services,
    notes: c.notes,
    format: c.format,
    paused: c.pausedAt !== null,
    paused_at: iso(c.pausedAt),
    pause_reason: c.pauseReason,
    consecutive_failures: c.consecutiveFailures,
    created_at: iso(c.createdAt),
    self: `${request.protocol}://${request.host}/admin/api/v1/channels/${c.id}`,
  };
}

function historyJson(entry: DeliveryHistoryEntry) {
  return {
    id: entry.id,
    notice: entry.outboxId,
    type: entry.topic,
    state: entry.state,
    attempts: entry.attempts,
    next_attempt_at: entry.state === 'pending' ? iso(entry.nextAttemptAt) : null,
    delivered_at: iso(entry.deliveredAt),
    last_error: entry.lastError,
    created_at: iso(entry.createdAt),
    payload: entry.payload,
    tries: entry.tries.map((t) => ({
      at: iso(t.at),
      ok: t.ok,
      status_code: t.statusCode,
      error: t.error,
      duration_ms: t.durationMs,
    })),
  };
}

function subscriberJson(s: Subscriber) {
  return {
    id: s.id,
    email: s.email,
    services: s.services,
    confirmed: s.confirmedAt !== null,
    confirmed_at: iso(s.confirmedAt),
    created_at: iso(s.createdAt),
  };
}

function channelInput(request: FastifyRequest): channels.ChannelInput {
  const repeated = (request.formEntries ?? []).filter(([key]) => key === 'services').map(([, value]) => value);
  const raw =
    repeated.length > 1
      ? repeated
      : ((request.body as Record<string, unknown> | undefined)?.services ??
        (request.query as Record<string, unknown>).services);
  if (
    raw !== undefined &&
    raw !== null &&
    typeof raw !== 'string' &&
    !(Array.isArray(raw) && raw.every((v) => typeof v === 'string'))
  ) {
    throw new HttpError(400, 'services must be a list of service slugs or text separated by commas');
  }
  return {
    kind: param(request, 'kind'),
    name: param(request, 'name'),
    url: param(request, 'url'),
    addresses: param(request, 'addresses'),
    services: raw ?? undefined,
    notes: flagParam(request, 'notes'),
    rotateSecret: flagParam(request, 'rotate_secret'),
    format: param(request, 'format'),
  };
}

function channelId(params: Record<string, string>): number {
  const id = params.id ?? '';
  if (!/^\d{1,9}$/.test(id)) throw new HttpError(404, `Channel ${id} does not exist`);
  return Number(id);
}

/** Admin API for outbound channels, subscribers and SMTP settings (admin scope; the admin mount only). */
export async function notificationApi(app: FastifyInstance, options: NotificationApiOptions): Promise<void> {
  const v1 = { mount: 'admin' as const, mountPath: '/admin/api/v1', ctx: options.ctx };

  resource(app, v1, '/channels', {
    GET: {
      action: 'configuration.read',
      run: async ({ ctx, actor, request }) => ({
        channels: (await channels.listChannels(ctx, actor)).map((c) => channelJson(request, c)),
      }),
    },
    POST: {
      write: true,
      action: 'notifications.configure',
      status: 201,
      run: async ({ ctx, actor, request }) =>
        channelJson(request, await channels.createChannel(ctx, actor, channelInput(request)), true),
    },
  });
  resource(app, v1, '/channels/:id', {
    GET: {
      action: 'configuration.read',
      run: async ({ ctx, actor, request, params }) =>
        channelJson(request, await channels.getChannel(ctx, actor, channelId(params))),
    },
    POST: {
      write: true,
      action: 'notifications.configure',
      run: async ({ ctx, actor, request, params }) => {
        const input = channelInput(request);
        const channel = await channels.updateChannel(ctx, actor, channelId(params), input);
        return channelJson(request, channel, channels.rotatesSecret(input));
      },
    },
    DELETE: {
      write: true,
      action: 'notifications.configure',
      run: async ({ ctx, actor, request, params }) =>
        channelJson(request, await channels.deleteChannel(ctx, actor, channelId(params))),
    },
  });
  resource(app, v1, '/channels/:id/resume', {
    POST: {
      write: true,
      action: 'notifications.configure',
      run: async ({ ctx, actor, request, params }) =>
        channelJson(request, await channels.resumeChannel(ctx, actor, channelId(params))),
    },
  });
  resource(app, v1, '/channels/:id/deliveries', {
    GET: {
      action: 'configuration.read',
      run: async ({ ctx, actor, request, params }) => {
        const limit = param(request, 'limit');
        const n = limit === undefined ? 50 : /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
        if (Number.isNaN(n)) throw new HttpError(400, 'limit must be a whole number');
        return { deliveries: (await channels.channelHistory(ctx, actor, channelId(params), n)).map(historyJson) };
      },
    },
  });

  resource(app, v1, '/subscribers', {
    GET: {
      action: 'configuration.read',
      run: async ({ ctx, actor }) => ({ subscribers: (await listSubscribers(ctx, actor)).map(subscriberJson) }),
    },
  });
  resource(app, v1, '/subscribers/:id', {
    DELETE: {
      write: true,
      action: 'notifications.configure',
      run: async ({ ctx, actor, params }) => {
        const id = params.id ?? '';
        if (!/^\d{1,9}$/.test(id)) throw new HttpError(404, `Subscriber ${id} does not exist`);
        await removeSubscriber(ctx, actor, Number(id));
        return { deleted: Number(id) };
      },
    },
  });

  const smtpFields = ['host', 'port', 'security', 'user', 'password', 'from'] as const;
  resource(app, v1, '/subscribers/:id/deliveries', {
    GET: {
      action: 'configuration.read',
      run: async ({ ctx, actor, request, params }) => {
        const id = params.id ?? '';
        if (!/^\d{1,9}$/.test(id)) throw new HttpError(404, `Subscriber ${id} does not exist`);
        const limit = param(request, 'limit');
        const n = limit === undefined ? 50 : /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
        if (Number.isNaN(n)) throw new HttpError(400, 'limit must be a whole number');
        return { deliveries: (await subscriberHistory(ctx, actor, Number(id), n)).map(historyJson) };
      },
    },
  });

  resource(app, v1, '/smtp', {
    GET: { action: 'configuration.read', run: async ({ ctx, actor }) => getSmtpSettings(ctx, actor) },
    POST: {
      write: true,
      action: 'settings.write',
      run: async ({ ctx, actor, request }) =>
        updateSmtpSettings(
          ctx,
          actor,
          Object.fromEntries(smtpFields.map((f) => [f, param(request, f)]).filter(([, v]) => v !== undefined)),
        ),
    },
  });
  resource(app, v1, '/smtp/test', {
    POST: {
      write: true,
      action: 'settings.write',
      run: async ({ ctx, actor, request }) =>
        sendTestEmail(ctx, actor, options.mailer, {
          to: param(request, 'to'),
          fallbackBaseUrl: `${request.protocol}://${request.host}`,
        }),
    },
  });
}
