import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import { databaseReachable } from '../../services/health.ts';

/** `/healthz`: 200 when the database answers, 503 when it does not (for load balancers). */
export async function healthRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  app.get('/healthz', async (_request, reply) => {
    const database = await databaseReachable(options.ctx);
    return reply
      .code(database ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({
        status: database ? 'ok' : 'unavailable',
        database: database ? 'reachable' : 'unreachable',
        dialect: options.ctx.database.dialect,
      });
  });
}
