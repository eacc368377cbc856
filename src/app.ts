import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { Context } from './services/context.ts';
import './http/request-types.ts';
import { describeError, isApiPath, sendJsonError } from './http/errors.ts';
import { adminApi, publicApi } from './http/api/mounts.ts';
import { rssRoutes } from './http/site/rss.ts';
import { imageRoutes } from './http/site/images.ts';
import { healthRoutes } from './http/site/health.ts';
import { requestLogLine } from './http/logging.ts';
import { escapeText } from './views/escape.ts';
import { parseFormBody } from './http/form-body.ts';
import { frameworkErrors } from './http/framework-errors.ts';

export interface AppDeps {
  config: Readonly<Config>;
  ctx: Context;
  /** A pino destination for logs (tests pass a stream to inspect them). */
  logStream?: NodeJS.WritableStream;
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
  app.decorateRequest('actor', null as never);
  app.decorateRequest('formEntries', undefined);

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
    return reply
      .code(answer.status)
      .headers(answer.headers)
      .type('text/html; charset=utf-8')
      .send(`<!doctype html><title>${answer.status}</title><p>${escapeText(answer.message)}</p>`);
  });

  app.setNotFoundHandler(async (request, reply) => {
    const message = `Nothing lives at ${request.url.split('?')[0]}`;
    if (isApiPath(request)) return sendJsonError(reply, { status: 404, message, headers: {} });
    return reply.code(404).type('text/html; charset=utf-8').send(`<!doctype html><title>Not found</title><p>${escapeText(message)}</p>`);
  });

  await app.register(publicApi, { prefix: '/api', ctx, adminToken: config.adminToken });
  await app.register(adminApi, { prefix: '/admin/api', ctx, adminToken: config.adminToken, rateLimit: config.adminRateLimit });
  await app.register(rssRoutes, { ctx, siteName: 'Stashboard' });
  await app.register(imageRoutes);
  await app.register(healthRoutes, { ctx });
  return app;
}
