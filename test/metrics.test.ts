import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import parsePrometheusTextFormat, { type Family } from 'parse-prometheus-text-format';
import { freshDatabaseUrl } from './support/harness.ts';
import { freePort, startServerProcess, waitFor, type ServerProcess } from './support/server-process.ts';
import { startHttpReceiver, type HttpReceiver } from './support/receivers.ts';

const ADMIN = 'metrics-test-admin-token-0123456789';
const METRICS = 'metrics-test-scrape-token-0123456789';

interface Scraped {
  families: Map<string, Family>;
  text: string;
}

/** Scrapes /metrics and parses it with an independent text-format parser. */
async function scrape(url: string, token: string | undefined = METRICS): Promise<Scraped> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  return { families: new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f])), text };
}

/** The value of one counter or gauge series (0 when the series does not exist yet). */
function value(scraped: Scraped, name: string, labels: Record<string, string> = {}): number {
  const family = scraped.families.get(name);
  assert.ok(family, `metric ${name} is exported`);
  assert.notEqual(family.type, 'HISTOGRAM');
  const sample = family.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample ? Number(sample.value) : 0;
}

/**
 * The observation count of one histogram series. The parser keeps only the buckets of
 * labelled histograms, so the family is checked with it and the `_count` line read here.
 */
function histogramCount(scraped: Scraped, name: string, labels: Record<string, string>): number {
  assert.equal(scraped.families.get(name)?.type, 'HISTOGRAM', `${name} is a histogram`);
  const line = scraped.text
    .split('\n')
    .find((l) => l.startsWith(`${name}_count{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

async function admin(server: ServerProcess, path: string, form: Record<string, string>) {
  return fetch(`${server.url}/admin/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}` },
    body: new URLSearchParams(form),
  });
}

describe('Prometheus metrics', () => {
  let server: ServerProcess;
  let receiver: HttpReceiver;
  let drop: () => Promise<void>;
  let metricsUrl: string;

  before(async () => {
    const db = await freshDatabaseUrl('sqlite');
    drop = db.drop;
    receiver = await startHttpReceiver();
    receiver.answer = () => 500;
    server = await startServerProcess(db.url, {
      STASHBOARD_ADMIN_TOKEN: ADMIN,
      METRICS: 'true',
      METRICS_TOKEN: METRICS,
      OUTBOUND_ALLOW: '127.0.0.1',
      NOTIFY_POLL_MS: '50',
      NOTIFY_RETRY_BASE_MS: '60000',
      MONITORS: 'false',
    });
    metricsUrl = `${server.url}/metrics`;
  });
  after(async () => {
    await server.stop();
    await receiver.close();
    await drop();
  });

  it('answers 401 without the bearer token, and with a wrong one', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer not-the-token-at-all-0000' },
      { authorization: METRICS },
    ];
    for (const headers of attempts) {
      const res = await fetch(metricsUrl, { headers });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="metrics"');
      assert.doesNotMatch(await res.text(), /stashboard_/);
    }
  });

  it('exports process metrics, database health and query timings', async () => {
    const m = await scrape(metricsUrl);
    assert.ok(value(m, 'process_resident_memory_bytes') > 10_000_000);
    assert.equal(value(m, 'stashboard_database_up'), 1);
    assert.ok(histogramCount(m, 'stashboard_db_query_duration_seconds', { outcome: 'ok' }) > 0, 'queries are timed');
    assert.equal(m.families.get('stashboard_http_request_duration_seconds')?.type, 'HISTOGRAM');
  });

  it('a request and a cache hit each move their metric', async () => {
    const before = await scrape(metricsUrl);
    const route = { method: 'GET', route: '/api/v1/services', status: '200' };
    for (let i = 0; i < 3; i += 1) assert.equal((await fetch(`${server.url}/api/v1/services`)).status, 200);
    const after = await scrape(metricsUrl);
    assert.equal(
      value(after, 'stashboard_http_requests_total', route) - value(before, 'stashboard_http_requests_total', route),
      3,
    );
    const latency = { method: 'GET', route: '/api/v1/services' };
    assert.equal(
      histogramCount(after, 'stashboard_http_request_duration_seconds', latency) -
        histogramCount(before, 'stashboard_http_request_duration_seconds', latency),
      3,
    );
    assert.ok(value(after, 'stashboard_cache_hits_total') - value(before, 'stashboard_cache_hits_total') >= 2);
    assert.ok(value(after, 'stashboard_cache_misses_total') >= 1);
    // An unknown path is counted under one label, not one per URL.
    await fetch(`${server.url}/no/such/page/${Date.now()}`);
    const unmatched = await scrape(metricsUrl);
    assert.equal(value(unmatched, 'stashboard_http_requests_total', { route: 'unmatched', status: '404' }), 1);
  });

  it('an open live connection moves the gauge, and closing it moves it back', async () => {
    assert.equal(value(await scrape(metricsUrl), 'stashboard_live_connections'), 0);
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/v1/live`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    assert.equal(value(await scrape(metricsUrl), 'stashboard_live_connections'), 1);
    controller.abort();
    await waitFor('the live connection to be gone', async () => {
      return value(await scrape(metricsUrl), 'stashboard_live_connections') === 0 || undefined;
    });
  });

  it('a delivery failure moves the delivery counter and the backlog', async () => {
    const hook = await admin(server, '/channels', { kind: 'webhook', name: 'Failing', url: `${receiver.url}/in` });
    assert.equal(hook.status, 201);
    assert.equal((await admin(server, '/services', { name: 'API', description: 'The API' })).status, 201);
    assert.equal((await admin(server, '/services/api/events', { status: 'down', message: 'Broken' })).status, 201);
    const m = await waitFor('a failed delivery in the metrics', async () => {
      const scraped = await scrape(metricsUrl);
      return value(scraped, 'stashboard_notification_deliveries_total', { kind: 'webhook', outcome: 'failed' }) === 1
        ? scraped
        : undefined;
    });
    assert.equal(receiver.arrivals.length, 1);
    assert.equal(value(m, 'stashboard_notification_deliveries_total', { kind: 'webhook', outcome: 'delivered' }), 0);
    // It waits for its retry: the backlog shows it.
    assert.equal(value(m, 'stashboard_notification_deliveries', { state: 'pending' }), 1);
    assert.equal(value(m, 'stashboard_notification_channels_paused', { kind: 'webhook' }), 0);
  });
});

describe('Prometheus metrics on a separate address', () => {
  it('serves /metrics there without a token, and not on the main address', async () => {
    const db = await freshDatabaseUrl('sqlite');
    const port = await freePort();
    const server = await startServerProcess(db.url, { METRICS_LISTEN: `127.0.0.1:${port}`, MONITORS: 'false' });
    try {
      const m = await scrape(`http://127.0.0.1:${port}/metrics`, undefined);
      assert.equal(value(m, 'stashboard_database_up'), 1);
      assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 404);
      assert.equal((await fetch(`${server.url}/metrics`)).status, 404);
    } finally {
      await server.stop();
      await db.drop();
    }
  });

  it('refuses to start with metrics on the main address but no token', async () => {
    const db = await freshDatabaseUrl('sqlite');
    try {
      await assert.rejects(startServerProcess(db.url, { METRICS: 'true' }), /METRICS_TOKEN/);
    } finally {
      await db.drop();
    }
  });
});
