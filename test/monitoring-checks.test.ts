import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { freePort } from './support/server-process.ts';
import { runDueChecks, pruneMonitoringData } from '../src/services/checks.ts';
import { CheckProbe } from '../src/outbound/check-probe.ts';
import { AddressGuard, parseAllowList } from '../src/outbound/address-guard.ts';

interface EventJson {
  message: string;
  status: { id: string };
  informational: boolean;
  author?: string;
}

/** A local HTTP target whose behaviour the test sets per path; counts hits. */
async function startTarget() {
  const hits = new Map<string, number>();
  const pending: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const path = req.url!.split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/ok') return res.end('<html>All systems go</html>');
    if (path === '/error') return res.writeHead(500).end('oops');
    if (path === '/maintenance') return res.end('<html>Down for maintenance: error</html>');
    if (path === '/slow') {
      setTimeout(() => res.end('All systems go, eventually'), 150);
      return;
    }
    if (path === '/hang') {
      pending.push(res);
      return;
    }
    if (path === '/redirect-private') return res.writeHead(302, { location: 'http://10.20.30.40/' }).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

for (const backend of BACKENDS) {
  describe(`built-in checks (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    let target: Awaited<ReturnType<typeof startTarget>>;
    let tcp: net.Server;
    let tcpPort: number;
    const probe = new CheckProbe(new AddressGuard({ allow: parseAllowList('127.0.0.1') }));
    before(async () => {
      clock = new TestClock();
      t = await startTestApp(backend, { clock });
      target = await startTarget();
      tcp = net.createServer((socket) => socket.end());
      await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
      tcpPort = (tcp.address() as AddressInfo).port;
      for (const name of ['API', 'Site', 'Slow', 'Hang', 'Database', 'Closed', 'Strict']) {
        assert.equal((await t.post('/services', { name, description: name })).statusCode, 201);
      }
    });
    after(async () => {
      await t.close();
      await target.close();
      await new Promise((r) => tcp.close(r));
    });

    const history = async (slug: string): Promise<EventJson[]> =>
      (await t.get(`/services/${slug}/events`)).json().events;
    const addCheck = async (slug: string, form: Record<string, string>) => {
      const res = await t.post(`/services/${slug}/checks`, form);
      assert.equal(res.statusCode, 201, res.body);
      return res.json();
    };
    const run = () => runDueChecks(t.ctx, probe, clock.now());

    it('validates checks: interval of at least 10 s, timeout shorter than the interval, http(s) URLs, host:port', async () => {
      const bad: Array<[Record<string, string>, RegExp]> = [
        [{ name: 'x', target: `${target.base}/ok`, interval: '5' }, /interval must be from 10/],
        [{ name: 'x', target: `${target.base}/ok`, interval: '10', timeout: '10' }, /timeout must be/],
        [{ name: 'x', target: 'ftp://example.com/' }, /http\(s\) URL/],
        [{ name: 'x', kind: 'tcp', target: 'example.com' }, /host:port/],
        [{ name: 'Bad Name', target: `${target.base}/ok` }, /name must be/],
        [{ name: 'x', target: `${target.base}/ok`, expected_statuses: '2xx' }, /expected statuses/],
      ];
      for (const [form, message] of bad) {
        const res = await t.post('/services/api/checks', form);
        assert.equal(res.statusCode, 400, JSON.stringify(form));
        assert.match(res.json().message, message);
      }
    });

    it('a passing HTTP check posts up once, authored check:<name>; the lease runs it once per interval', async () => {
      const check = await addCheck('api', {
        name: 'api-http',
        target: `${target.base}/ok`,
        interval: '30',
        timeout: '5',
        keyword: 'All systems go',
      });
      assert.equal(check.interval, 30);
      const runs = await run();
      assert.equal(runs.length, 1);
      assert.equal(runs[0]!.result.state, 'up');
      const [event] = await history('api');
      assert.equal(event!.status.id, 'up');
      assert.equal(event!.author, 'check:api-http');
      assert.match(event!.message, /^api-http: HTTP 200 in \d+ ms$/);
      clock.advance(10_000);
      assert.equal((await run()).length, 0, 'not due yet');
      clock.advance(20_000);
      assert.equal((await run()).length, 1);
      assert.equal((await history('api')).length, 1, 'an unchanged state posts nothing');
      assert.equal(target.hits.get('/ok'), 2);
      const shown = (await t.get('/services/api/checks/api-http')).json();
      assert.equal(shown.state, 'up');
      assert.equal(shown.last_result, 'up');
      assert.equal(typeof shown.last_latency_ms, 'number');
    });

    it('wrong status: down only after the consecutive-failure threshold', async () => {
      assert.equal(
        (await t.post('/services/api/checks/api-http', { target: `${target.base}/error`, failure_threshold: '2' }))
          .statusCode,
        200,
      );
      clock.advance(30_000);
      const first = await run();
      assert.equal(first[0]!.result.message, 'HTTP 500 (expected 200-299)');
      assert.equal((await history('api'))[0]!.status.id, 'up', 'one failure is not enough');
      clock.advance(30_000);
      await run();
      const [down] = await history('api');
      assert.equal(down!.status.id, 'down');
      // The public event says what a visitor needs; the detail stays with the check (admin only).
      assert.equal(down!.message, 'api-http: HTTP 500');
      assert.equal(down!.author, 'check:api-http');
      assert.equal((await t.post('/services/api/checks/api-http', { target: `${target.base}/ok` })).statusCode, 200);
      clock.advance(30_000);
      await run();
      assert.equal((await history('api'))[0]!.status.id, 'up', 'one pass recovers (policy off)');
    });

    it('keyword missing, keyword that must be absent', async () => {
      await addCheck('site', {
        name: 'home',
        target: `${target.base}/maintenance`,
        keyword: 'All systems go',
        interval: '60',
      });
      await run();
      assert.equal((await history('site'))[0]!.message, 'home: HTTP check failed: unexpected answer');
      await t.post('/services/site/checks/home', { keyword: 'error', keyword_absent: 'true' });
      clock.advance(60_000);
      const runResult = (await run()).find((r) => r.check === 'home');
      assert.equal(runResult!.result.message, 'the answer contains "error"');
    });

    it('slow answers above the latency threshold are a warning', async () => {
      await addCheck('slow', {
        name: 'slow-http',
        target: `${target.base}/slow`,
        latency_warning_ms: '50',
        interval: '60',
      });
      await run();
      const [event] = await history('slow');
      assert.equal(event!.status.id, 'warning');
      assert.match(event!.message, /^slow-http: HTTP 200, slow answer \(\d+ ms\)$/);
    });

    it('a target that never answers times out', async () => {
      await addCheck('hang', { name: 'hang-http', target: `${target.base}/hang`, timeout: '0.2', interval: '60' });
      await run();
      const [event] = await history('hang');
      assert.equal(event!.status.id, 'down');
      assert.equal(event!.message, 'hang-http: HTTP check failed: timeout');
    });

    it('TCP: connects, and reports a refused connection', async () => {
      await addCheck('database', { name: 'pg', kind: 'tcp', target: `127.0.0.1:${tcpPort}`, interval: '60' });
      const closedPort = await freePort();
      await addCheck('closed', { name: 'gone', kind: 'tcp', target: `127.0.0.1:${closedPort}`, interval: '60' });
      await run();
      assert.match((await history('database'))[0]!.message, /^pg: connected in \d+ ms$/);
      assert.equal((await history('database'))[0]!.status.id, 'up');
      const closed = (await history('closed'))[0]!;
      assert.equal(closed.status.id, 'down');
      assert.equal(closed.message, 'gone: TCP check failed: connection refused');
    });

    it('the guard: loopback refused without an allow-list, and a redirect to a private address refused', async () => {
      await addCheck('strict', { name: 'local', target: `${target.base}/ok`, interval: '60' });
      const strictProbe = new CheckProbe(new AddressGuard());
      const before = target.hits.get('/ok');
      await runDueChecks(t.ctx, strictProbe, clock.now());
      const [event] = await history('strict');
      assert.equal(event!.status.id, 'down');
      assert.equal(event!.message, 'local: HTTP check failed: address not allowed');
      assert.equal(target.hits.get('/ok'), before, 'nothing was sent');
      await t.post('/services/strict/checks/local', { target: `${target.base}/redirect-private` });
      await run();
      assert.equal(
        (await t.get('/services/strict/checks/local')).json().last_message,
        'refused to connect to 10.20.30.40: a private address; allow it with --outbound-allow if this is intended',
      );
    });

    it('with "recovery needs a human", passing checks add one note and wait; confirm recovery restores', async () => {
      await t.post('/services/closed/automation', { recovery_needs_human: 'true' });
      await t.post('/services/closed/checks/gone', { kind: 'tcp', target: `127.0.0.1:${tcpPort}` });
      await run();
      const [note] = await history('closed');
      assert.equal(note!.informational, true);
      assert.equal(note!.status.id, 'down');
      assert.match(note!.message, /^Checks pass again; waiting for confirmation \(gone: connected in \d+ ms\)$/);
      clock.advance(60_000);
      await run();
      assert.equal((await history('closed')).length, 2, 'no second note');
      const confirmed = await t.post('/services/closed/confirm-recovery', { message: 'Verified by on-call' });
      assert.equal(confirmed.json().status.id, 'up');
    });

    it('stores response times with a retention limit and draws them on the public graph', async () => {
      for (let i = 0; i < 6; i++) {
        clock.advance(30 * 60_000);
        await run();
      }
      const svg = await t.inject({ method: 'GET', url: '/services/api/response-times.svg' });
      assert.equal(svg.statusCode, 200);
      assert.match(svg.headers['content-type'] as string, /^image\/svg\+xml/);
      assert.match(svg.body, /<title id="t">Response times of API, last 24 hours<\/title>/);
      assert.match(svg.body, /<polyline points=/);
      assert.doesNotMatch(svg.body, /127\.0\.0\.1/, 'targets are not public');
      const json = (await t.inject({ method: 'GET', url: '/services/api/response-times.json' })).json();
      assert.equal(json.checks[0].name, 'api-http');
      assert.ok(json.checks[0].buckets.some((b: { runs: number }) => b.runs > 0));
      assert.equal((await t.inject({ method: 'GET', url: '/services/ghost/response-times.svg' })).statusCode, 404);
      const page = await t.inject({ method: 'GET', url: '/services/api' });
      assert.equal(page.statusCode, 200);
      assert.match(
        page.body,
        /<img src="\/services\/api\/response-times\.svg" width="320" height="64" alt="Graph of API.s response times over the last 24 hours">/,
      );
      clock.advance(8 * 86_400_000);
      const deleted = await pruneMonitoringData(t.ctx, clock.now(), 7);
      assert.ok(deleted >= 20, `deleted ${deleted}`);
      const after = (await t.inject({ method: 'GET', url: '/services/api/response-times.json' })).json();
      assert.ok(after.checks[0].buckets.every((b: { runs: number }) => b.runs === 0));
    });

    it('deletes a check', async () => {
      assert.equal((await t.del('/services/strict/checks/local')).statusCode, 200);
      assert.equal((await t.get('/services/strict/checks/local')).statusCode, 404);
      assert.deepEqual((await t.get('/services/strict/checks')).json(), { checks: [] });
      const page = await t.inject({ method: 'GET', url: '/services/strict' });
      assert.doesNotMatch(page.body, /response-times/, 'no graph without checks');
    });
  });
}
