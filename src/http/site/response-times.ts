import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import { responseTimes } from '../../services/response-times.ts';
import { renderSparkline } from '../../views/sparkline.ts';

/** Samples arrive every few seconds without change notices: a short max-age instead of the page cache. */
const CACHE_CONTROL = 'public, max-age=60';

/** The response-time graph of a service's page (SVG) and its numbers (JSON). */
export async function responseTimeRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  app.get<{ Params: { slug: string } }>('/services/:slug/response-times.svg', async (request, reply) => {
    const series = await responseTimes(options.ctx, request.params.slug);
    return reply
      .headers({
        'cache-control': CACHE_CONTROL,
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      })
      .type('image/svg+xml; charset=utf-8')
      .send(renderSparkline(series));
  });
  app.get<{ Params: { slug: string } }>('/services/:slug/response-times.json', async (request, reply) => {
    const series = await responseTimes(options.ctx, request.params.slug);
    return reply
      .headers({ 'cache-control': CACHE_CONTROL, 'access-control-allow-origin': '*' })
      .type('application/json; charset=utf-8')
      .send({
        service: series.service.slug,
        from: new Date(series.from).toISOString(),
        to: new Date(series.to).toISOString(),
        checks: series.checks.map((c) => ({
          name: c.name,
          kind: c.kind,
          buckets: c.buckets.map((b) => ({
            start: new Date(b.start).toISOString(),
            mean_ms: b.meanMs,
            runs: b.samples,
            failures: b.failures,
          })),
        })),
      });
  });
}
