import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Context } from '../../services/context.ts';
import { receivePush } from '../../services/push.ts';
import { param } from './v1/params.ts';
import { PUSH_ROUTE } from '../logging.ts';

export interface PushRoutesOptions {
  ctx: Context;
}

/**
 * `GET|POST /api/push/<secret>?status=up|warning|down&msg=...`: the push URL. The secret in
 * the path is the credential (request logs redact it: src/http/logging.ts).
 */
export async function pushRoutes(app: FastifyInstance, options: PushRoutesOptions): Promise<void> {
  const handler = async (request: FastifyRequest<{ Params: { secret: string } }>) => {
    const result = await receivePush(options.ctx, request.params.secret, {
      status: param(request, 'status'),
      message: param(request, 'msg') ?? param(request, 'message'),
    });
    return { ok: true, ...result };
  };
  app.route({
    method: ['GET', 'POST'],
    url: PUSH_ROUTE,
    handler: async (request, reply) => {
      const body = await handler(request as FastifyRequest<{ Params: { secret: string } }>);
      return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(body);
    },
  });
}
