import type { FastifyInstance } from 'fastify';
import type { LiveHub } from '../live/live-hub.ts';
import { queryList } from '../query-list.ts';
import { HttpError } from '../errors.ts';

/**
 * `GET /api/v1/live`: Server-Sent Events, one `change` event per change notice (all
 * services, or `?services=a,b`), a `hello` with the overall state first, heartbeats between.
 * One client address may hold at most `perAddress` streams open (each holds a connection).
 */
export async function liveRoutes(app: FastifyInstance, options: { hub: LiveHub; perAddress?: number }): Promise<void> {
  const open = new Map<string, number>();
  const limit = options.perAddress ?? 10;
  app.get('/live', async (request, reply) => {
    const address = request.ip;
    const count = open.get(address) ?? 0;
    if (count >= limit) {
      throw new HttpError(429, `This address already has ${limit} live streams open; close one first`, {
        'retry-after': '30',
      });
    }
    open.set(address, count + 1);
    reply.raw.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
    reply.hijack();
    await options.hub.open(reply.raw, queryList(request.query, 'services'));
  });
}
