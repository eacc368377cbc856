import { requireService } from './lookups.ts';
import { bucketSamples, type ResponseTimeSeries } from '../domain/response-times.ts';
import { checksOfService } from '../db/repositories/checks.ts';
import { samplesSince } from '../db/repositories/check-samples.ts';
import type { Context } from './context.ts';

export type { ResponseTimeSeries };

/** The public response-time graph's data: the last `hours` of every enabled check of the service. */
export async function responseTimes(
  ctx: Context,
  slug: string,
  options: { hours?: number; buckets?: number } = {},
): Promise<ResponseTimeSeries> {
  const to = ctx.clock.now();
  const from = to - (options.hours ?? 24) * 3_600_000;
  const db = ctx.database.db;
  const service = await requireService(db, slug);
  const checks = (await checksOfService(db, service.id)).filter((c) => c.enabled);
  const samples = await samplesSince(
    db,
    checks.map((c) => c.id),
    from,
  );
  return {
    service: { slug: service.slug, name: service.name },
    from,
    to,
    checks: checks.map((c) => ({
      name: c.name,
      kind: c.kind,
      buckets: bucketSamples(
        samples.filter((s) => s.checkId === c.id),
        from,
        to,
        options.buckets ?? 96,
      ),
    })),
  };
}

/** Whether the service has a check whose response times the public page can show. */
export async function hasResponseTimes(ctx: Context, serviceId: number): Promise<boolean> {
  return (await checksOfService(ctx.database.db, serviceId)).some((c) => c.enabled);
}
