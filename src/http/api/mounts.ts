import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Context } from '../../services/context.ts';
import { HttpError } from '../errors.ts';
import { v1Routes } from './v1/routes.ts';
import { authenticate, offersCredential } from './auth.ts';
import { jsonpCallback, safeJsonpCallback } from './jsonp.ts';
import { Unauthorized } from '../../domain/errors.ts';
import type { ResponseCache } from '../cache/response-cache.ts';
import type { LiveHub } from '../live/live-hub.ts';
import { liveRoutes } from './live.ts';
import { v2Routes } from './v2/routes.ts';
import { openApiDocument, type RouteCatalog } from './openapi.ts';
import { PUBLIC_CACHE_CONTROL } from '../site/page-headers.ts';
import { notificationApi } from './v1/notifications.ts';
import { monitoringApi } from './v1/monitoring.ts';
import { incidentApi } from './v1/incidents.ts';
import { maintenanceApi } from './v1/maintenances.ts';
import { DEFAULT_ALERTMANAGER_RULES, type AlertmanagerRules } from '../../domain/alertmanager.ts';
import type { MailSender } from '../../services/delivery-transports.ts';

export interface ApiMountOptions {
  ctx: Context;
  adminToken: string | undefined;
}

export interface PublicApiOptions extends ApiMountOptions {
  /** Caches GET answers until the next change notice. */
  cache?: ResponseCache;
  /** Serves `/v1/live` (Server-Sent Events). */
  live?: LiveHub;
  /** The registered routes, for `/openapi.json`. */
  catalog?: RouteCatalog;
  /** Live streams one client address may hold open. */
  liveStreamsPerAddress?: number;
}

export interface AdminApiOptions extends ApiMountOptions {
  /** Requests per minute per client address, counted before authentication. */
  rateLimit: number;
  /** Sends the admin's SMTP test email (channels, subscribers and SMTP live under /admin/api/v1 too). */
  mailer: MailSender;
  /** How Alertmanager's alerts name services and map severities (default: label `service`, critical -> down). */
  alertmanager?: Readonly<AlertmanagerRules>;
}

const ANONYMOUS = Object.freeze({ kind: 'system', name: 'anonymous', scope: 'reader' } as const);

/** Wraps JSON answers of GETs with a valid `callback` as JSONP. */
function jsonpWrapping(app: FastifyInstance): void {
  // Callback-style hooks: no promise per request on the cached read path.
  app.addHook('preHandler', (request, _reply, done) => {
    try {
      jsonpCallback(request);
    } catch (error) {
      return done(error as Error);
    }
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const callback = typeof payload === 'string' ? safeJsonpCallback(request) : undefined;
    if (!callback) return done(null, payload);
    reply.type('application/javascript; charset=utf-8');
    done(null, `${callback}(${payload as string});`);
  });
}

/**
 * The admin mount never answers JSONP: a script tag on any page could otherwise read admin
 * data with the credentials the browser sends by itself. A `callback` is refused, not ignored,
 * so a client expecting JSONP learns why at once.
 */
function noJsonp(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (
      (request.method === 'GET' || request.method === 'HEAD') &&
      (request.query as Record<string, unknown>).callback !== undefined
    ) {
      throw new HttpError(400, 'callback: JSONP is served only by the public API (/api/v1), never by /admin/api/v1');
    }
    return payload;
  });
}

function unknownPath(app: FastifyInstance): void {
  const notFound = async (request: { url: string }) => {
    throw new HttpError(404, `No such API resource: ${request.url.split('?')[0]}`);
  };
  app.all('/', notFound);
  app.all('/*', notFound);
}

/** The version of the API the document describes (v1 is Stashboard's 2010 contract; v2 is Statuspage's). */
const API_VERSION = '1.0.0';

/** `/api/openapi.json`: the OpenAPI 3.1 document, made once from the registered routes. */
function openApiRoute(app: FastifyInstance, catalog: RouteCatalog, cache: ResponseCache | undefined): void {
  let body: string | undefined;
  const render = async () => {
    body ??= JSON.stringify(openApiDocument(catalog, API_VERSION));
    return { type: 'application/json; charset=utf-8', body };
  };
  app.route({
    method: ['GET', 'HEAD'],
    url: '/openapi.json',
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      if (cache) return cache.serve(request, reply, PUBLIC_CACHE_CONTROL, render);
      const { type, body: text } = await render();
      return reply.header('cache-control', PUBLIC_CACHE_CONTROL).type(type).send(text);
    },
  });
}

/** `/api`: the public, read-only mount, open to any origin. */
export async function publicApi(app: FastifyInstance, options: PublicApiOptions): Promise<void> {
  app.addHook('onRequest', (request, reply, done) => {
    request.actor = ANONYMOUS;
    reply.header('access-control-allow-origin', '*');
    done();
  });
  jsonpWrapping(app);
  unknownPath(app);
  await app.register(v1Routes, {
    prefix: '/v1',
    mount: 'public',
    mountPath: '/api/v1',
    ctx: options.ctx,
    cache: options.cache,
  });
  await app.register(v2Routes, { prefix: '/v2', ctx: options.ctx, cache: options.cache });
  if (options.catalog) openApiRoute(app, options.catalog, options.cache);
  if (options.live) {
    await app.register(liveRoutes, { prefix: '/v1', hub: options.live, perAddress: options.liveStreamsPerAddress });
  }
}

/** `/admin/api`: the read-write mount; every request, reads included, needs an admin credential. */
export async function adminApi(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  // Counted per instance (each protects itself), before credentials are checked, so
  // guessing tokens or signatures is slow.
  await app.register(rateLimit, { max: options.rateLimit, timeWindow: 60_000, keyGenerator: (request) => request.ip });
  noJsonp(app);
  // preParsing, not onRequest: the rate limit's (route-level) onRequest hook runs first.
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!offersCredential(request)) throw new Unauthorized('An API token or OAuth signature is required');
    if (request.headers.authorization?.match(/^Bearer\s/i)) {
      request.actor = await authenticate(options.ctx, options.adminToken, request);
    }
    return payload;
  });
  app.addHook('preHandler', async (request, reply) => {
    if (!request.actor) request.actor = await authenticate(options.ctx, options.adminToken, request);
    reply.header('cache-control', 'no-store');
  });
  unknownPath(app);
  await app.register(v1Routes, { prefix: '/v1', mount: 'admin', mountPath: '/admin/api/v1', ctx: options.ctx });
  await app.register(notificationApi, { prefix: '/v1', ctx: options.ctx, mailer: options.mailer });
  await app.register(incidentApi, { prefix: '/v1', ctx: options.ctx });
  await app.register(maintenanceApi, { prefix: '/v1', ctx: options.ctx });
  await app.register(monitoringApi, {
    prefix: '/v1',
    ctx: options.ctx,
    alertmanager: options.alertmanager ?? DEFAULT_ALERTMANAGER_RULES,
  });
}
