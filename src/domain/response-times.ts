import type { AutomationState } from './automation-state.ts';

/** Response-time samples reduced to a fixed number of buckets, for a small graph. */

export interface Sample {
  at: number;
  result: AutomationState;
  latencyMs: number | null;
}

export interface Bucket {
  start: number;
  /** Mean latency of the answers in the bucket; null when none answered. */
  meanMs: number | null;
  samples: number;
  /** Runs in the bucket that were down. */
  failures: number;
}

export function bucketSamples(samples: Sample[], from: number, to: number, count: number): Bucket[] {
  const width = (to - from) / count;
  const buckets: Bucket[] = Array.from({ length: count }, (_, i) => ({
    start: Math.round(from + i * width),
    meanMs: null,
    samples: 0,
    failures: 0,
  }));
  const sums = new Array<number>(count).fill(0);
  const answered = new Array<number>(count).fill(0);
  for (const s of samples) {
    if (s.at < from || s.at >= to) continue;
    const i = Math.min(count - 1, Math.floor((s.at - from) / width));
    const b = buckets[i]!;
    b.samples += 1;
    if (s.result === 'down') b.failures += 1;
    if (s.latencyMs !== null) {
      sums[i]! += s.latencyMs;
      answered[i]! += 1;
    }
  }
  buckets.forEach((b, i) => {
    if (answered[i]! > 0) b.meanMs = Math.round(sums[i]! / answered[i]!);
  });
  return buckets;
}

export interface ResponseTimeSeries {
  service: { slug: string; name: string };
  from: number;
  to: number;
  /** One series per enabled check, by name (targets are not public). */
  checks: Array<{ name: string; kind: string; buckets: Bucket[] }>;
}
