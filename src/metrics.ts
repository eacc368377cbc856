import type { Registry } from 'prom-client';
import type { ObservedState } from './services/observability.ts';

/** What the rest of the process reports; a no-op unless metrics are turned on. */
export interface Metrics {
  readonly contentType: string;
  /** The text exposition format. */
  text(): Promise<string>;
  request(method: string, route: string, status: number, seconds: number): void;
  query(seconds: number, failed: boolean): void;
  deliveryAttempt(kind: string, ok: boolean): void;
  checkRun(kind: string, state: string): void;
  /** Sources read at scrape time. */
  watchCache(stats: { readonly hits: number; readonly misses: number }): void;
  watchLive(size: () => number): void;
  watchState(read: () => Promise<ObservedState>): void;
}

/**
 * The Prometheus metrics, from prom-client (loaded only when metrics are on). Every name
 * starts with `stashboard_`; process metrics use prom-client's standard names.
 */
export async function createMetrics(): Promise<Metrics> {
  const client = await import('prom-client');
  const registry: Registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = new client.Counter({
    name: 'stashboard_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const latency = new client.Histogram({
    name: 'stashboard_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const queries = new client.Histogram({
    name: 'stashboard_db_query_duration_seconds',
    help: 'Database query time, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers,
  });
  const deliveries = new client.Counter({
    name: 'stashboard_notification_deliveries_total',
    help: 'Notification delivery attempts, by channel kind (or subscriber) and outcome.',
    labelNames: ['kind', 'outcome'] as const,
    registers,
  });
  const checks = new client.Counter({
    name: 'stashboard_check_runs_total',
    help: 'Built-in check runs, by check kind and result state.',
    labelNames: ['kind', 'result'] as const,
    registers,
  });

  let cacheStats: { readonly hits: number; readonly misses: number } | undefined;
  new client.Counter({
    name: 'stashboard_cache_hits_total',
    help: 'Public answers served from the response cache.',
    registers,
    collect() {
      this.reset();
      this.inc(cacheStats?.hits ?? 0);
    },
  });
  new client.Counter({
    name: 'stashboard_cache_misses_total',
    help: 'Public answers that had to be rendered.',
    registers,
    collect() {
      this.reset();
      this.inc(cacheStats?.misses ?? 0);
    },
  });
  let liveSize: (() => number) | undefined;
  new client.Gauge({
    name: 'stashboard_live_connections',
    help: 'Open live-update (Server-Sent Events) connections.',
    registers,
    collect() {
      this.set(liveSize?.() ?? 0);
    },
  });

  let readState: (() => Promise<ObservedState>) | undefined;
  const databaseUp = new client.Gauge({
    name: 'stashboard_database_up',
    help: '1 when the database answered at scrape time, else 0.',
    registers,
  });
  const backlog = new client.Gauge({
    name: 'stashboard_notification_deliveries',
    help: 'Notification deliveries in the outbox, by state (pending is the backlog).',
    labelNames: ['state'] as const,
    registers,
  });
  const paused = new client.Gauge({
    name: 'stashboard_notification_channels_paused',
    help: 'Notification channels paused after repeated failures, by kind.',
    labelNames: ['kind'] as const,
    registers,
  });

  return {
    contentType: registry.contentType,
    async text() {
      if (readState) {
        const state = await readState().catch((): ObservedState => ({
          databaseUp: false,
          deliveries: {},
          pausedChannels: {},
        }));
        databaseUp.set(state.databaseUp ? 1 : 0);
        backlog.reset();
        backlog.set({ state: 'pending' }, 0);
        for (const [state_, n] of Object.entries(state.deliveries)) backlog.set({ state: state_ }, n);
        paused.reset();
        for (const kind of ['webhook', 'slack', 'email']) paused.set({ kind }, 0);
        for (const [kind, n] of Object.entries(state.pausedChannels)) paused.set({ kind }, n);
      }
      return registry.metrics();
    },
    request(method, route, status, seconds) {
      requests.inc({ method, route, status: String(status) });
      latency.observe({ method, route }, seconds);
    },
    query(seconds, failed) {
      queries.observe({ outcome: failed ? 'error' : 'ok' }, seconds);
    },
    deliveryAttempt(kind, ok) {
      deliveries.inc({ kind, outcome: ok ? 'delivered' : 'failed' });
    },
    checkRun(kind, state) {
      checks.inc({ kind, result: state });
    },
    watchCache(stats) {
      cacheStats = stats;
    },
    watchLive(size) {
      liveSize = size;
    },
    watchState(read) {
      readState = read;
    },
  };
}
