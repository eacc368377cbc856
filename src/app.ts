import { createServer } from 'node:http';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerFactory,
  type RouteOptions,
} from 'fastify';
import proxyAddr from '@fastify/proxy-addr';
import { pino } from 'pino';
import { BatchedDestination } from './log-destination.ts';
import type { Config, TrustProxy } from './config.ts';
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
import { HitPath, type TrustFn } from './http/cache/hit-path.ts';
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
import { historyFeedRoutes } from './http/site/history-feeds.ts';
import { maintenanceCalendarRoutes } from './http/site/maintenance-calendar.ts';
import { subscribeRoutes } from './http/site/subscribe.ts';
import { metricsRoute } from './http/metrics-route.ts';
import type { Metrics } from './metrics.ts';

export interface AppDeps {
  config: Readonly<Config>;
  ctx: Context;
  /** A pino destination for logs (tests pass a stream to inspect them). */
  logStream?: NodeJS.WritableStream;
  /** Called for every route as it is added (tests list the admin routes from the router itself). */
  onRoute?: (route: RouteOptions) => void;
  /** Sends the admin's SMTP test email (default: a mailer of the app's own, closed with it). */
  mailer?: MailSender;
  /** Prometheus metrics (when turned on): requests, cache, live connections are reported here. */
  metrics?: Metrics;
}

const logDestinations = new WeakMap<FastifyInstance, BatchedDestination>();
const draining = new WeakSet<FastifyInstance>();
const hitPaths = new WeakMap<FastifyInstance, HitPath>();

/**
 * The process is shutting down: answers from now on carry `Connection: close`, so clients
 * and load balancers send their next request elsewhere.
 */
export function beginDraining(app: FastifyInstance): void {
  draining.add(app);
  const hits = hitPaths.get(app);
  if (hits) hits.draining = true;
}

const unflushed = new Set<BatchedDestination>();

/** A process exiting without a clean shutdown still writes out the log lines it has. */
function flushAtExit(destination: BatchedDestination): void {
  if (unflushed.size === 0) process.once('exit', () => unflushed.forEach((d) => d.flushSync()));
  unflushed.add(destination);
}

/** The cache hit path in front of the app's server (tests count what it answered). */
export function hitPathOf(app: FastifyInstance): HitPath | undefined {
  return hitPaths.get(app);
}

/** Writes out log lines still buffered, blocking (when the process must exit at once). */
export function flushLogs(app: FastifyInstance): void {
  logDestinations.get(app)?.flushSync();
}

/** Resolves once every log line written so far is out (call after the app closed, before exiting). */
export async function endLogs(app: FastifyInstance): Promise<void> {
  await logDestinations.get(app)?.end();
}

/** Wires the HTTP application; never listens (tests inject into it). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, ctx } = deps;
  // Log lines go out asynchronously and in batches (never blocking a response): 64 KB or every
  // 250 ms; endLogs() writes out the rest on shutdown, and a process exiting otherwise flushes them.
  const destination = deps.logStream ? undefined : new BatchedDestination(1);
  if (destination) flushAtExit(destination);
  const pinoLogger = pino({ level: config.logLevel }, deps.logStream ?? destination);
  const logger: FastifyBaseLogger = pinoLogger;
  if (destination) {
    destination.onDropped = (dropped) =>
      logger.warn({ dropped }, 'log lines dropped: standard output took them slower than they came');
  }
  // Fastify's own request ids (`req-1`, `req-2`, ...), shared with the cache hit path.
  let lastReqId = 0;
  const genReqId = () => `req-${(lastReqId = (lastReqId + 1) & 0x7fffffff).toString(36)}`;
  const trustProxy = fastifyTrustProxy(config.trustProxy);
  const freshness = ctx.freshness;
  const hits = new HitPath({
    log: pinoLogger,
    writeLine: destination
      ? (line, length) => destination.writeBytes(line, length)
      : (line, length) => deps.logStream!.write(line.toString('utf8', 0, length)),
    // pino's own time function reads the same clock.
    logTime: Date.now,
    genReqId,
    trust: trustFunction(trustProxy),
    onAnswered: deps.metrics && ((...args) => deps.metrics!.request(...args)),
    // With other instances writing, every cached answer waits for a version check first.
    fresh: freshness && (() => false),
  });
  // Fastify's HTTP/1 server, with the cache hit path answering first (see http/cache/hit-path.ts).
  const serverFactory: FastifyServerFactory = (handler, fastifyOptions) => {
    // The timeouts as Fastify sets them on a server of its own (its defaults filled in).
    const options = fastifyOptions as {
      keepAliveTimeout?: number;
      requestTimeout?: number;
      connectionTimeout?: number;
    };
    const server = createServer((req, res) => {
      if (!hits.answer(req, res)) handler(req, res);
    });
    server.keepAliveTimeout = options.keepAliveTimeout ?? 72_000;
    server.requestTimeout = options.requestTimeout ?? 0;
    server.setTimeout(options.connectionTimeout ?? 0);
    return server;
  };
  const app = Fastify({
    serverFactory,
    genReqId,
    bodyLimit: config.bodyLimit,
    trustProxy,
    // One line per request is logged by the onResponse hook below, not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    loggerInstance: logger,
    // No child logger per request: the request line and error lines carry the request id themselves.
    childLoggerFactory: (parent) => parent,
    routerOptions: { ignoreTrailingSlash: true },
    // While draining (SIGTERM), requests on open connections are still answered, with `Connection: close`.
    return503OnClosing: false,
    frameworkErrors,
  });
  if (destination) logDestinations.set(app, destination);
  hitPaths.set(app, hits);
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  // The OpenAPI document is made from the routes as they are registered.
  const catalog = new RouteCatalog();
  app.addHook('onRoute', catalog.add);
  app.decorateRequest('actor', null);
  app.decorateRequest('formEntries', undefined);

  // Public pages and JSON are cached until the next change notice; live streams follow the same notices.
  const cache = new ResponseCache({
    bus: ctx.changes,
    now: () => ctx.clock.now(),
    rendersPerAddress: config.renderLimit,
    // Another instance may have written: before serving a cached answer, compare the shared data
    // version (concurrent reads share one query). Reads that do not come from the cache read the
    // database anyway and need no check. When the database is unreachable, serve what is cached.
    beforeRead: freshness && (() => freshness.check()),
    hits,
  });
  const live = new LiveHub({ bus: ctx.changes, loadServices: () => listServices(ctx) });
  if (deps.metrics) {
    deps.metrics.watchCache(cache.stats);
    deps.metrics.watchLive(() => live.size);
  }
  const assets = new SiteAssets();
  const htmlError = htmlErrorPages(ctx, assets);
  app.addHook('preClose', async () => live.close());
  app.addHook('onClose', async () => cache.close());

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

  app.addHook('onRequest', (_request, reply, done) => {
    if (draining.has(app)) reply.header('connection', 'close');
    done();
  });

  const metrics = deps.metrics;
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(requestLogLine(request, reply.statusCode, reply.elapsedTime), 'request');
    metrics?.request(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
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

  await app.register(publicApi, {
    prefix: '/api',
    ctx,
    adminToken: config.adminToken,
    cache,
    live,
    catalog,
    liveStreamsPerAddress: config.liveStreamsPerAddress,
  });
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
  await app.register(historyFeedRoutes, { ctx, cache });
  await app.register(maintenanceCalendarRoutes, { ctx, cache });
  await app.register(subscribeRoutes, { ctx, assets });
  await app.register(sitePages, { ctx, cache, assets });
  await app.register(badgeRoutes, { ctx, cache });
  assets.register(app, hits);
  await app.register(imageRoutes);
  await app.register(healthRoutes, { ctx });
  await app.register(adminSite, { prefix: '/admin', ctx, mailer });
  if (deps.metrics && config.metrics.token && !config.metrics.listen) {
    await app.register(metricsRoute, { metrics: deps.metrics, token: config.metrics.token });
  }
  return app;
}

/** Fastify's form of the proxy setting: a hop count trusts the first `hops` hops from the server. */
function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return trust === false ? false : [...trust];
}

/** The same setting as the function Fastify makes of it, for the hit path. */
function trustFunction(trust: ReturnType<typeof fastifyTrustProxy>): TrustFn | false {
  if (trust === false) return false;
  if (typeof trust === 'function') return trust;
  return proxyAddr.compile(trust as string[]);
}

function ownMailer(app: FastifyInstance, config: Readonly<Config>): MailSender {
  const smtp = new SmtpMailer(new AddressGuard({ allow: config.outboundAllow }));
  app.addHook('onClose', async () => smtp.close());
  return (settings, mail) => smtp.send(settings, mail);
}
