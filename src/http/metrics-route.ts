import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.ts';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** `GET /metrics` on the main address: the text exposition format, for a bearer token only. */
export async function metricsRoute(app: FastifyInstance, options: { metrics: Metrics; token: string }): Promise<void> {
  const expected = digest(`Bearer ${options.token}`);
  app.get('/metrics', async (request, reply) => {
    const given = request.headers.authorization;
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .header('cache-control', 'no-store')
        .type('text/plain; charset=utf-8')
        .send('The metrics need the bearer token set in METRICS_TOKEN.\n');
    }
    const text = await options.metrics.text();
    return reply.header('cache-control', 'no-store').type(options.metrics.contentType).send(text);
  });
}
