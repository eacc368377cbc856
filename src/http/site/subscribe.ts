import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Invalid } from '../../domain/errors.ts';
import type { SiteSettings } from '../../domain/site-settings.ts';
import type { Context } from '../../services/context.ts';
import { listServices } from '../../services/services.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import {
  changeSubscription,
  checkUnsubscribeToken,
  confirmSubscription,
  emailDeliveryConfigured,
  subscribe,
  subscriptionForLink,
  TooManyRequests,
  unsubscribe,
} from '../../services/subscriptions.ts';
import { html, type Html } from '../../views/html.ts';
import type { PageChrome } from '../../views/site/layout.ts';
import { managePage, subscribePage, subscriptionMessagePage } from '../../views/site/subscribe.ts';
import { readCookie, setCookie } from '../cookies.ts';
import type { SiteAssets } from './assets.ts';
import { securityHeaders } from './page-headers.ts';

const CSRF_COOKIE = 'sb_subscribe';

function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

function field(request: FastifyRequest, name: string): string | undefined {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a repeated form field (checkboxes). */
function fields(request: FastifyRequest, name: string): string[] {
  return (request.formEntries ?? []).filter(([key]) => key === name).map(([, value]) => value);
}

function queryToken(request: FastifyRequest): string {
  const token = (request.query as Record<string, unknown>).token;
  return typeof token === 'string' ? token : '';
}

/**
 * The public subscription pages: the form (CSRF: a cookie that must match a form field,
 * and a same-origin check; rate limited per address and per email in the use case), the
 * confirmation link, and the unsubscribe link (GET from the email body, or the RFC 8058
 * one-click POST that mail clients send from the List-Unsubscribe header).
 */
export async function subscribeRoutes(
  app: FastifyInstance,
  options: { ctx: Context; assets: SiteAssets },
): Promise<void> {
  const { ctx, assets } = options;
  // RFC 8058 allows the one-click POST as multipart/form-data: its body is not needed.
  app.addContentTypeParser('multipart/form-data', (_request, payload, done) => {
    payload.resume();
    payload.on('end', () => done(null, {}));
  });

  const chrome = (request: FastifyRequest, settings: SiteSettings): PageChrome => ({
    settings,
    assets: { css: assets.url('site.css'), js: assets.url('live.js') },
    path: request.url.split('?')[0] ?? '/',
  });
  const send = (reply: FastifyReply, settings: SiteSettings, status: number, page: Html) =>
    reply
      .code(status)
      .headers(securityHeaders(settings))
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(page.value);
  const message = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    title: string,
    paragraphs: Array<string | Html>,
  ) => {
    const settings = await getSiteSettings(ctx);
    return send(reply, settings, status, subscriptionMessagePage(chrome(request, settings), { title, paragraphs }));
  };

  const form = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    extra: { values?: object; error?: { message: string; field?: string } } = {},
  ) => {
    const [settings, services, deliveryConfigured] = await Promise.all([
      getSiteSettings(ctx),
      listServices(ctx),
      emailDeliveryConfigured(ctx),
    ]);
    return send(
      reply,
      settings,
      status,
      subscribePage(chrome(request, settings), {
        services: services.map((s) => ({ slug: s.slug, name: s.name })),
        csrfToken: csrfToken(request, reply),
        deliveryConfigured,
        ...extra,
      }),
    );
  };

  const csrfToken = (request: FastifyRequest, reply: FastifyReply): string => {
    let token = readCookie(request, CSRF_COOKIE);
    if (!token || !/^[A-Za-z0-9_-]{32,64}$/.test(token)) {
      token = ctx.ids.secret(24);
      setCookie(reply, CSRF_COOKIE, token, { path: '/subscribe', secure: request.protocol === 'https' });
    }
    return token;
  };

  const csrfOk = (request: FastifyRequest): boolean => {
    const origin = request.headers.origin;
    const sameOrigin = origin === undefined || origin === `${request.protocol}://${request.host}`;
    return sameOrigin && tokensEqual(readCookie(request, CSRF_COOKIE) ?? '', field(request, 'csrf') ?? '');
  };

  const manage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    extra: { error?: string; saved?: boolean; status?: number; services?: string[] | null } = {},
  ) => {
    const subscriber = await subscriptionForLink(ctx, token);
    if (!subscriber)
      return message(request, reply, 404, 'This link does not work', [
        'The link is unknown: the address may be unsubscribed already.',
        html`<a href="/subscribe">Subscribe again</a>.`,
      ]);
    const [settings, services] = await Promise.all([getSiteSettings(ctx), listServices(ctx)]);
    return send(
      reply,
      settings,
      extra.status ?? 200,
      managePage(chrome(request, settings), {
        email: subscriber.email,
        services: extra.services !== undefined ? extra.services : subscriber.services,
        all: services.map((s) => ({ slug: s.slug, name: s.name })),
        token,
        csrfToken: csrfToken(request, reply),
        error: extra.error,
        saved: extra.saved,
      }),
    );
  };

  // "Manage my subscription", linked from every email (the link's token is the unsubscribe token).
  app.get('/subscribe/manage', (request, reply) => manage(request, reply, queryToken(request)));

  app.post('/subscribe/manage', async (request, reply) => {
    const token = field(request, 'token') ?? '';
    if (!csrfOk(request))
      return manage(request, reply, token, {
        status: 403,
        error: 'The form expired or came from another site; please send it again.',
      });
    if (field(request, 'action') === 'leave') {
      if (await unsubscribe(ctx, token)) return unsubscribed(request, reply);
      return manage(request, reply, token);
    }
    const some = field(request, 'scope') === 'some';
    const chosen = fields(request, 'services');
    if (some && chosen.length === 0)
      return manage(request, reply, token, {
        status: 400,
        services: [],
        error: 'Choose at least one service, or every service.',
      });
    try {
      await changeSubscription(ctx, token, { services: some ? chosen : undefined });
    } catch (error) {
      if (error instanceof Invalid)
        return manage(request, reply, token, { status: 400, services: chosen, error: error.message });
      throw error;
    }
    return manage(request, reply, token, { saved: true });
  });

  app.get('/subscribe', (request, reply) => form(request, reply, 200));

  app.post('/subscribe', async (request, reply) => {
    if (!csrfOk(request)) {
      return form(request, reply, 403, {
        error: { message: 'The form expired or came from another site; please send it again.' },
      });
    }
    // Without email delivery nothing could be sent: the page says so and offers the feeds.
    if (!(await emailDeliveryConfigured(ctx))) return form(request, reply, 503);
    const scope = field(request, 'scope') === 'some' ? 'some' : 'all';
    const chosen = fields(request, 'services');
    const values = { email: field(request, 'email'), scope, services: chosen };
    if (scope === 'some' && chosen.length === 0) {
      return form(request, reply, 400, {
        values,
        error: { message: 'Choose at least one service, or every service.', field: 'services' },
      });
    }
    try {
      await subscribe(ctx, {
        email: values.email,
        services: scope === 'some' ? chosen : undefined,
        address: request.ip,
      });
    } catch (error) {
      if (error instanceof TooManyRequests) {
        reply.header('retry-after', '3600');
        return form(request, reply, 429, { values, error: { message: error.message } });
      }
      if (error instanceof Invalid)
        return form(request, reply, 400, { values, error: { message: error.message, field: error.field } });
      throw error;
    }
    return message(request, reply, 200, 'Check your inbox', [
      html`We sent a confirmation link to <strong>${values.email ?? ''}</strong>.`,
      'Open it to start receiving updates; until then nothing else is sent to this address.',
    ]);
  });

  app.get('/subscribe/confirm', async (request, reply) => {
    try {
      const subscriber = await confirmSubscription(ctx, queryToken(request));
      const what = subscriber.services === null ? 'every service' : subscriber.services.join(', ');
      return message(request, reply, 200, 'Subscription confirmed', [
        html`<strong>${subscriber.email}</strong> now gets updates about ${what}.`,
        'Every email has a link to unsubscribe with one click.',
      ]);
    } catch {
      return message(request, reply, 404, 'This link does not work', [
        'The confirmation link is unknown or has expired (links work for a week).',
        html`<a href="/subscribe">Subscribe again</a> to get a new one.`,
      ]);
    }
  });

  const unsubscribed = (request: FastifyRequest, reply: FastifyReply) =>
    message(request, reply, 200, 'You are unsubscribed', [
      'This address gets no more updates, and we no longer keep it.',
      html`Changed your mind? <a href="/subscribe">Subscribe again</a>.`,
    ]);

  // The link in every email: opening it unsubscribes at once (one click).
  app.get('/unsubscribe', async (request, reply) => {
    const token = queryToken(request);
    if (await unsubscribe(ctx, token)) return unsubscribed(request, reply);
    return message(request, reply, 404, 'This link does not work', [
      'The unsubscribe link is unknown: the address may be unsubscribed already.',
    ]);
  });

  // RFC 8058 one-click: the mail client POSTs `List-Unsubscribe=One-Click` to the header's URL.
  app.post('/unsubscribe', async (request, reply) => {
    const token = queryToken(request) || (field(request, 'token') ?? '');
    const known = await checkUnsubscribeToken(ctx, token);
    if (known) await unsubscribe(ctx, token);
    if (request.headers.accept?.includes('text/html')) {
      return known
        ? unsubscribed(request, reply)
        : message(request, reply, 404, 'This link does not work', ['The unsubscribe link is unknown.']);
    }
    return reply
      .code(known ? 200 : 404)
      .header('cache-control', 'no-store')
      .type('text/plain; charset=utf-8')
      .send(known ? 'unsubscribed\n' : 'unknown link\n');
  });
}
