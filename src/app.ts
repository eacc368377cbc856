import Fastify, { LogController, type FastifyInstance, type RouteOptions } from 'fastify';
import type { Config } from './config.ts';
import type { Context } from './services/context.ts';
import './http/request-types.ts';
import { describeError, isApiPath, sendJsonError } from './http/errors.ts';
import { adminApi, publicApi } from './http/api/mounts.ts';
import { RouteCatalog } from './http/api/openapi.ts';
import { rssRoutes } from './http/site/rss.ts';
import { imageRoutes } from './http/site/images.ts';
import { healthRoutes } from './http/site/health.ts';
import { requestLogLine } from './http/logging.ts';
import { ResponseCache } from './http/cache/response-cache.ts';
import { SiteAssets } from './http/site/assets.ts';
import { sitePages } from './http/site/pages.ts';
import { badgeRoutes } from './http/site/badges.ts';
import { htmlErrorPages } from './http/site/error-pages.ts';
import { LiveHub } from './http/live/live-hub.ts';
import { listServices } from './services/services.ts';
import { parseFormBody } from './http/form-body.ts';
import { frameworkErrors } from './http/framework-errors.ts';
import { adminSite } from './http/admin/site.ts';
import { pushRoutes } from './http/api/push.ts';
import { responseTimeRoutes } from './http/site/response-times.ts';
import type { MailSender } from './services/delivery-transports.ts';
import { SmtpMailer } from './outbound/smtp-mailer.ts';
import { AddressGuard } from './outbound/address-guard.ts';
import { atomRoutes } from './http/site/atom.ts';
import { subscribeRoutes } from './http/site/subscribe.ts';

export interface AppDeps {
  config: Readonly<Config>;
  ctx: Context;
  /** A pino destination for logs (tests pass a stream to inspect them). */
  logStream?: NodeJS.WritableStream;
  /** Called for every route as it is added (tests list the admin routes from the router itself). */
  onRoute?: (route: RouteOptions) => void;
  /** Sends the admin's SMTP test email (default: a mailer of the app's own, closed with it). */
  mailer?: MailSender;
}

/** Wires the HTTP application; never listens (tests inject into it). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, ctx } = deps;
  const app = Fastify({
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // One line per request is logged by the onResponse hook below, not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    logger: { level: config.logLevel, ...(deps.logStream ? { stream: deps.logStream } : {}) },
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors,
  });
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  // The OpenAPI document is made from the routes as they are registered.
  const catalog = new RouteCatalog();
  app.addHook('onRoute', catalog.add);
  app.decorateRequest('actor', null);
  app.decorateRequest('formEntries', undefined);

  // Public pages and JSON are cached until the next change notice; live streams follow the same notices.
  const cache = new ResponseCache({ bus: ctx.changes, now: () => ctx.clock.now() });
  const live = new LiveHub({ bus: ctx.changes, loadServices: () => listServices(ctx) });
  const assets = new SiteAssets();
  const htmlError = htmlErrorPages(ctx, assets);
  app.addHook('preClose', async () => live.close());
  app.addHook('onClose', async () => cache.close());

  if (ctx.freshness) {
    const freshness = ctx.freshness;
    // Another instance may have written: drop stale caches before serving a read.
    // When the database is unreachable, serve what is cached.
    app.addHook('onRequest', async (request) => {
      if (request.method === 'GET' || request.method === 'HEAD') await freshness.check().catch(() => {});
    });
  }

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    let form;
    try {
      form = parseFormBody(body as string);
    } catch (error) {
      return done(error as Error, undefined);
    }
    request.formEntries = form.entries;
    done(null, form.fields);
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info(requestLogLine(request, reply.statusCode, reply.elapsedTime), 'request');
  });

  app.setErrorHandler(async (error, request, reply) => {
    const answer = describeError(error, request.id);
    if (answer.unexpected) request.log.error({ err: error, reqId: request.id }, 'unexpected error');
    if (isApiPath(request)) return sendJsonError(reply, answer);
    return htmlError(request, reply, answer);
  });

  app.setNotFoundHandler(async (request, reply) => {
    const message = `Nothing lives at ${request.url.split('?')[0]}`;
    if (isApiPath(request)) return sendJsonError(reply, { status: 404, message, headers: {} });
    return htmlError(request, reply, { status: 404, message, headers: {} });
  });

  await app.register(publicApi, { prefix: '/api', ctx, adminToken: config.adminToken, cache, live, catalog });
  const mailer = deps.mailer ?? ownMailer(app, config);
  await app.register(adminApi, {
    prefix: '/admin/api',
    ctx,
    adminToken: config.adminToken,
    rateLimit: config.adminRateLimit,
    mailer,
    alertmanager: config.monitoring.alertmanager,
  });
  await app.register(pushRoutes, { ctx });
  await app.register(responseTimeRoutes, { ctx });
  await app.register(rssRoutes, { ctx, cache });
  await app.register(atomRoutes, { ctx, cache });
  await app.register(subscribeRoutes, { ctx, assets });
  await app.register(sitePages, { ctx, cache, assets });
  await app.register(badgeRoutes, { ctx, cache });
  assets.register(app);
  await app.register(imageRoutes);
  await app.register(healthRoutes, { ctx });
  await app.register(adminSite, { prefix: '/admin', ctx, mailer });
  return app;
}

function ownMailer(app: FastifyInstance, config: Readonly<Config>): MailSender {
  const smtp = new SmtpMailer(new AddressGuard({ allow: config.outboundAllow }));
  app.addHook('onClose', async () => smtp.close());
  return (settings, mail) => smtp.send(settings, mail);
}
