import type { FastifyInstance } from 'fastify';
import type { LiveHub } from '../live/live-hub.ts';
import { queryList } from '../query-list.ts';

/**
 * `GET /api/v1/live`: Server-Sent Events, one `change` event per change notice (all
 * services, or `?services=a,b`), a `hello` with the overall state first, heartbeats between.
 */
export async function liveRoutes(app: FastifyInstance, options: { hub: LiveHub }): Promise<void> {
  app.get('/live', async (request, reply) => {
    reply.hijack();
    await options.hub.open(reply.raw, queryList(request.query, 'services'));
  });
}
