import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Writable } from 'node:stream';
import { startTestApp, type TestApp } from './support/harness.ts';
import { waitFor } from './support/server-process.ts';
import { beginDraining, hitPathOf } from '../src/app.ts';

/** A log destination that keeps everything written to it. */
class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
  requests(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'request');
  }
}

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET over a real connection that keeps the body as sent (fetch would decompress it). */
function rawGet(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    http
      .request(`${base}${path}`, { method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject)
      .end();
  });
}

/** The headers that describe the answer (not the connection or the moment). */
function answerHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!['date', 'connection', 'keep-alive', 'transfer-encoding'].includes(name)) out[name] = value;
  }
  return out;
}

const PATHS = [
  '/',
  '/services/api',
  '/service-lists',
  '/api/v1/services',
  '/api/v1/services/api/events',
  '/api/v1/statuses',
  '/api/v2/summary.json',
  '/api/v2/status.json',
  '/rss',
  '/atom',
  '/badge.svg',
  '/services/api/badge.svg',
  '/widget.js',
  '/favicon.svg',
  '/favicons/l0.svg',
];

describe('the cache hit path', () => {
  let t: TestApp;
  let log: Collector;
  let base: string;
  before(async () => {
    log = new Collector();
    t = await startTestApp('sqlite', { logStream: log });
    assert.equal((await t.post('/services', { name: 'API', description: 'The API' })).statusCode, 201);
    assert.equal((await t.post('/services/api/events', { status: 'down', message: 'First' })).statusCode, 201);
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => t.close());

  it('answers a repeated GET with the same status, headers and bytes as the framework, for every encoding', async () => {
    const hits = hitPathOf(t.app)!;
    for (const path of PATHS) {
      for (const encoding of ['br, gzip', 'gzip', 'identity', '']) {
        const headers: Record<string, string> = encoding ? { 'accept-encoding': encoding } : {};
        // The framework's own answer (inject never goes through the server, so never the hit path).
        const framework = await t.inject({
          method: 'GET',
          url: path,
          headers: { ...headers, host: new URL(base).host },
        });
        assert.equal(framework.statusCode, 200, `${path} ${framework.body.slice(0, 200)}`);
        await rawGet(base, path, headers);
        const before = hits.answered;
        const hit = await rawGet(base, path, headers);
        assert.equal(hits.answered, before + 1, `${path} (${encoding || 'no accept-encoding'}) took the hit path`);
        assert.equal(hit.status, 200);
        assert.deepEqual(answerHeaders(hit.headers), answerHeaders(framework.headers), `${path} ${encoding}`);
        assert.ok(hit.body.equals(framework.rawPayload), `${path} (${encoding}): the same bytes`);
      }
    }
  });

  it('never serves an answer older than the last write', async () => {
    const current = async () =>
      JSON.parse((await rawGet(base, '/api/v1/services/api/events')).body.toString()) as {
        events: Array<{ message: string }>;
      };
    assert.equal((await current()).events[0]!.message, 'First');
    assert.equal((await t.post('/services/api/events', { status: 'up', message: 'Second' })).statusCode, 201);
    assert.equal((await current()).events[0]!.message, 'Second');
    const before = hitPathOf(t.app)!.answered;
    assert.equal((await current()).events[0]!.message, 'Second');
    assert.equal(hitPathOf(t.app)!.answered, before + 1);
  });

  it('logs one line per request, of the same shape on both paths', async () => {
    const before = log.requests().length;
    await rawGet(base, '/api/v1/statuses?x=1');
    await rawGet(base, '/api/v1/statuses');
    const hits = hitPathOf(t.app)!.answered;
    await rawGet(base, '/api/v1/statuses');
    assert.equal(hitPathOf(t.app)!.answered, hits + 1);
    const lines = await waitFor('three request lines', async () => {
      const all = log.requests().slice(before);
      return all.length >= 3 ? all : undefined;
    });
    assert.equal(lines.length, 3);
    const [framework, , hit] = lines as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    // the hit path writes its line itself: the same fields, in the same order, as pino writes
    assert.deepEqual(Object.keys(hit), Object.keys(framework));
    for (const field of ['level', 'pid', 'hostname', 'msg']) assert.equal(hit[field], framework[field], field);
    assert.ok(Math.abs((hit.time as number) - Date.now()) < 60_000, 'the time is now, in epoch ms');
    assert.equal(hit.method, 'GET');
    assert.equal(hit.url, '/api/v1/statuses');
    assert.equal(hit.status, 200);
    assert.equal(hit.ip, '127.0.0.1');
    assert.equal(typeof hit.ms, 'number');
    assert.equal(new Set(log.requests().map((l) => l.reqId)).size, log.requests().length, 'request ids are unique');
  });

  it('leaves to the framework what it cannot answer exactly: queries, conditional requests, HEAD', async () => {
    const hits = hitPathOf(t.app)!;
    const first = await rawGet(base, '/api/v1/services');
    const before = hits.answered;
    const conditional = await rawGet(base, '/api/v1/services', { 'if-none-match': first.headers.etag as string });
    assert.equal(conditional.status, 304);
    const head = await rawGet(base, '/api/v1/services', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body.length, 0);
    const jsonp = await rawGet(base, '/api/v1/services?callback=cb');
    assert.match(jsonp.body.toString(), /^cb\(/);
    assert.equal((await rawGet(base, '/api/v1/services?callback=1bad')).status, 400);
    assert.equal(hits.answered, before);
  });

  it('reads header names in any case, and leaves a request with a repeated Host header to the framework', async () => {
    const hits = hitPathOf(t.app)!;
    const first = await rawGet(base, '/api/v1/statuses', { 'Accept-Encoding': 'gzip' });
    let before = hits.answered;
    const hit = await rawGet(base, '/api/v1/statuses', { 'ACCEPT-ENCODING': 'gzip' });
    assert.equal(hits.answered, before + 1);
    assert.equal(hit.headers['content-encoding'], 'gzip');
    assert.ok(hit.body.equals(first.body));
    before = hits.answered;
    const conditional = await rawGet(base, '/api/v1/statuses', { 'If-None-Match': first.headers.etag as string });
    assert.equal(conditional.status, 304);
    const host = new URL(base).host;
    const twice = await new Promise<number>((resolve, reject) => {
      const request = http.request(`${base}/api/v1/statuses`, { agent: false, setHost: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      request.setHeader('Host', [host, host]);
      request.on('error', reject).end();
    });
    assert.equal(twice, 200);
    assert.equal(hits.answered, before);
  });

  it('while draining, answers carry Connection: close (through the framework)', async () => {
    const hits = hitPathOf(t.app)!;
    await rawGet(base, '/rss');
    const before = hits.answered;
    beginDraining(t.app);
    const res = await rawGet(base, '/rss');
    assert.equal(res.status, 200);
    assert.equal(res.headers.connection, 'close');
    assert.equal(hits.answered, before);
  });
});

describe('the cache hit path behind a trusted proxy', () => {
  let t: TestApp;
  let log: Collector;
  let base: string;
  before(async () => {
    log = new Collector();
    t = await startTestApp('sqlite', { logStream: log, env: { TRUST_PROXY: '1' } });
    assert.equal((await t.post('/services', { name: 'API', description: 'The API' })).statusCode, 201);
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => t.close());

  it('keeps answers apart by forwarded host and scheme, and logs the forwarded client address', async () => {
    const hits = hitPathOf(t.app)!;
    const feed = (host: string, proto: string) =>
      rawGet(base, '/rss', { 'x-forwarded-host': host, 'x-forwarded-proto': proto, 'x-forwarded-for': '203.0.113.7' });
    for (const [host, proto] of [
      ['a.example', 'https'],
      ['b.example', 'https'],
      ['a.example', 'http'],
    ] as const) {
      await feed(host, proto);
      const before = hits.answered;
      const res = await feed(host, proto);
      assert.equal(hits.answered, before + 1);
      assert.match(res.body.toString(), new RegExp(`<link>${proto}://${host.replace('.', '\\.')}/</link>`));
    }
    const lines = await waitFor('the request lines', async () => {
      const all = log.requests().filter((l) => l.url === '/rss');
      return all.length >= 6 ? all : undefined;
    });
    assert.deepEqual(
      lines.map((l) => l.ip),
      Array(6).fill('203.0.113.7'),
    );
  });
});
