import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context, Actor } from '../../../services/context.ts';
import { HttpError } from '../../errors.ts';
import { Forbidden, Unauthorized } from '../../../domain/errors.ts';
import { permits, refusal, type Action } from '../../../domain/permissions.ts';
import { V1Serializer } from './serialize.ts';
import type { ResponseCache } from '../../cache/response-cache.ts';
import { PUBLIC_CACHE_CONTROL } from '../../site/page-headers.ts';
import { jsonpCallback } from '../jsonp.ts';

export type Mount = 'public' | 'admin';

export interface V1Options {
  mount: Mount;
  /** The path the mount is served at, e.g. `/api/v1` (for absolute `url`s). */
  mountPath: string;
  ctx: Context;
  /** Caches GET answers (public mount only) until the next change notice. */
  cache?: ResponseCache;
}

export interface Call {
  request: FastifyRequest;
  reply: FastifyReply;
  ctx: Context;
  /** The authenticated actor (admin mount only). */
  actor: Actor;
  json: V1Serializer;
  params: Record<string, string>;
  /** Headers of the answer (kept with it in the cache), e.g. `link`. */
  headers: Record<string, string>;
}

type Method = 'GET' | 'POST' | 'DELETE';
export interface Handler {
  run: (call: Call) => Promise<unknown>;
  /**
   * What the call does, as the permission table (domain/permissions.ts) knows it; the mount
   * refuses with 403 an actor the table does not allow. Absent: admin-only configuration.
   */
  action?: Action;
  /** The status of a successful answer. */
  status?: number;
  /** Whether the answer changes state (refused on the public mount). */
  write?: boolean;
  /** The query parameters a GET reads: the cache key is made of these only (others cannot force a render). */
  query?: readonly string[];
  /** The answer's JSON Schema, for the OpenAPI document (http/api/openapi.ts); `$ref`s name shared schemas. */
  response?: unknown;
  /** The parameters a write takes (form or JSON), as the route checks them, for the OpenAPI document. */
  body?: unknown;
}

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/**
 * Registers one resource path on a mount. Methods it does not support (all writes on the
 * public mount, PUT everywhere) answer 405 with an `Allow` header.
 */
export function resource(
  app: FastifyInstance,
  options: V1Options,
  path: string,
  handlers: Partial<Record<Method, Handler>>,
): void {
  const available = Object.entries(handlers).filter(([, h]) => options.mount === 'admin' || !h.write);
  const supported = new Map(available as Array<[Method, Handler]>);
  const allow = ['GET', 'HEAD', ...[...supported.keys()].filter((m) => m !== 'GET')].join(', ');
  app.route({
    method: [...ALL_METHODS],
    url: path,
    exposeHeadRoute: false,
    // What the OpenAPI document lists for this path (http/api/openapi.ts).
    config: {
      documented: {
        methods: [...supported.keys()],
        statuses: Object.fromEntries([...supported].map(([m, h]) => [m, h.status ?? 200])),
        responses: Object.fromEntries([...supported].flatMap(([m, h]) => (h.response ? [[m, h.response]] : []))),
        bodies: Object.fromEntries([...supported].flatMap(([m, h]) => (h.body ? [[m, h.body]] : []))),
      },
    },
    handler: async (request, reply) => {
      if (request.method === 'OPTIONS') {
        return reply.code(204).header('allow', allow).header('access-control-allow-methods', allow).send();
      }
      const method = (request.method === 'HEAD' ? 'GET' : request.method) as Method;
      const handler = supported.get(method);
      if (!handler) {
        throw new HttpError(405, `Method ${request.method} is not allowed here; allowed: ${allow}`, { allow });
      }
      const actor = request.actor;
      // Both mounts name the actor before any route runs; this only guards a mount that forgot.
      if (!actor) throw new Unauthorized('An API token or OAuth signature is required');
      const action = handler.action ?? 'configuration.read';
      if (!permits(actor.scope, action)) throw new Forbidden(refusal(actor, action));
      const json = new V1Serializer(request, options.mountPath, options.mount === 'admin');
      const headers: Record<string, string> = {};
      const call = () =>
        handler.run({
          request,
          reply,
          ctx: options.ctx,
          actor,
          json,
          params: request.params as Record<string, string>,
          headers,
        });
      if (options.cache && options.mount === 'public' && method === 'GET') {
        const render = async () => ({
          type: 'application/json; charset=utf-8',
          body: JSON.stringify(await call()),
          headers,
        });
        const known = handler.query ?? [];
        // JSONP: the same cached JSON, wrapped per callback by the mount (so not compressed here).
        if (jsonpCallback(request) !== undefined) {
          const entry = await options.cache.entry(request, render, known);
          return reply.headers(entry.headers).type(entry.type).send(entry.identity.toString());
        }
        return options.cache.serve(request, reply, PUBLIC_CACHE_CONTROL, render, known);
      }
      const body = await call();
      // A handler without a fixed status may have set one itself (e.g. a replayed idempotent answer).
      return reply
        .headers(headers)
        .code(handler.status ?? reply.statusCode)
        .type('application/json; charset=utf-8')
        .send(body);
    },
  });
}
