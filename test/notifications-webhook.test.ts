import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { BACKENDS, TestClock, startTestApp, type TestApp } from './support/harness.ts';
import { startHttpReceiver, type HttpReceiver } from './support/receivers.ts';
import { deliverDue, type DeliveryDeps } from '../src/services/delivery.ts';
import { deliveryTransports } from '../src/workers/delivery-runtime.ts';
import { loadConfig } from '../src/config.ts';
import { DEFAULT_DELIVERY_POLICY, type DeliveryPolicy } from '../src/domain/delivery-policy.ts';

const BASE = 1_000;

function workerDeps(t: TestApp, policy: Partial<DeliveryPolicy> = {}, owner = 'worker-a'): DeliveryDeps {
  return {
    transports: deliveryTransports(t.config).transports,
    policy: { ...DEFAULT_DELIVERY_POLICY, retryBaseMs: BASE, ...policy },
    owner,
    fallbackBaseUrl: 'http://status.test',
  };
}

/** Verifies `X-Stashboard-Signature: t=...,v1=...` as docs/notifications.md tells receivers to. */
function verifySignature(secret: string, header: string | undefined, body: string): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=') as [string, string]));
  if (!parts.t || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex');
  return expected === parts.v1;
}

for (const backend of BACKENDS) {
  describe(`webhook and Slack delivery (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    let receiver: HttpReceiver;

    before(async () => {
      clock = new TestClock();
      t = await startTestApp(backend, { clock, env: { OUTBOUND_ALLOW: '127.0.0.1' } });
      receiver = await startHttpReceiver();
      assert.equal((await t.post('/services', { name: 'API', description: 'The API' })).statusCode, 201);
      assert.equal((await t.post('/services', { name: 'Website', description: 'The site' })).statusCode, 201);
    });
    after(async () => {
      await receiver.close();
      await t.close();
    });

    async function channel(form: Record<string, string>) {
      const res = await t.post('/channels', form);
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: number; secret: string; paused: boolean };
    }

    async function drain(deps: DeliveryDeps) {
      // Delivers everything due now, then keeps moving the clock past each back-off.
      return deliverDue(t.ctx, deps, clock.now());
    }

    it('signs the documented JSON body, sends an idempotency key, and records the attempt', async () => {
      receiver.arrivals.length = 0;
      receiver.answer = () => 200;
      const hook = await channel({ kind: 'webhook', name: 'Ops hook', url: `${receiver.url}/hook`, notes: 'true' });
      assert.match(hook.secret, /^[A-Za-z0-9_-]{40,}$/);
      const posted = (
        await t.post('/services/api/events', { message: 'Elevated <errors> & "timeouts"', status: 'down' })
      ).json();
      const run = await drain(workerDeps(t));
      assert.equal(run.delivered, 1);
      assert.equal(receiver.arrivals.length, 1);
      const arrival = receiver.arrivals[0]!;
      assert.equal(arrival.method, 'POST');
      assert.equal(arrival.path, '/hook');
      assert.match(String(arrival.headers['content-type']), /^application\/json/);
      assert.ok(
        verifySignature(hook.secret, arrival.headers['x-stashboard-signature'] as string, arrival.body),
        'signature verifies',
      );
      assert.ok(!verifySignature('wrong secret', arrival.headers['x-stashboard-signature'] as string, arrival.body));
      const body = JSON.parse(arrival.body);
      assert.equal(body.type, 'event.created');
      assert.equal(arrival.headers['idempotency-key'], body.delivery);
      assert.equal(arrival.headers['x-stashboard-delivery'], body.delivery);
      assert.match(body.delivery, new RegExp(`^\\d+\\.c${hook.id}$`));
      assert.equal(body.service.id, 'api');
      assert.equal(body.service.url, 'http://status.test/services/api');
      assert.equal(body.event.sid, posted.sid);
      assert.equal(body.event.message, 'Elevated <errors> & "timeouts"');
      assert.equal(body.event.status.id, 'down');
      assert.equal(body.event.status.level, 'ERROR');
      assert.equal(body.event.informational, false);
      assert.equal(body.event.timestamp, posted.timestamp);
      const history = (await t.get(`/channels/${hook.id}/deliveries`)).json().deliveries;
      assert.equal(history.length, 1);
      assert.equal(history[0].state, 'delivered');
      assert.equal(history[0].tries.length, 1);
      assert.equal(history[0].tries[0].status_code, 200);
      assert.equal(history[0].tries[0].ok, true);
      assert.equal(typeof history[0].tries[0].duration_ms, 'number');
      // Nothing is due any more: a second pass sends nothing.
      assert.equal((await drain(workerDeps(t))).delivered, 0);
      assert.equal(receiver.arrivals.length, 1);
      assert.equal((await t.del(`/channels/${hook.id}`)).statusCode, 200);
    });

    it('limits a channel to chosen services and to status changes', async () => {
      receiver.arrivals.length = 0;
      receiver.answer = () => 200;
      const hook = await channel({
        kind: 'webhook',
        name: 'API only',
        url: `${receiver.url}/api-only`,
        services: 'api',
      });
      await t.post('/services/website/events', { message: 'site down', status: 'down' });
      await t.post('/services/api/events', { message: 'a note', informational: 'true' });
      await t.post('/services/api/events', { message: 'api back', status: 'up' });
      await drain(workerDeps(t));
      assert.deepEqual(
        receiver.arrivals.map((a) => JSON.parse(a.body).event.message),
        ['api back'],
      );
      const unknown = await t.post('/channels', { kind: 'webhook', name: 'x', url: receiver.url, services: 'nope' });
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.json().message, /nope/);
      await t.del(`/channels/${hook.id}`);
    });

    it('retries with back-off: three failures, then exactly one successful delivery; the history shows all four', async () => {
      receiver.arrivals.length = 0;
      receiver.answer = (_a, n) => (n <= 3 ? 503 : 200);
      const hook = await channel({ kind: 'webhook', name: 'Flaky', url: `${receiver.url}/flaky` });
      await t.post('/services/api/events', { message: 'flaky', status: 'down' });
      const deps = workerDeps(t);
      const waits: number[] = [];
      let start = clock.now();
      await drain(deps);
      for (let i = 0; i < 10 && receiver.arrivals.filter((a) => a.status === 200).length === 0; i += 1) {
        // Not yet due just before the back-off ends; due at its end.
        const before = receiver.arrivals.length;
        const wait = BASE * 2 ** i;
        clock.advance(wait - 1);
        await drain(deps);
        assert.equal(receiver.arrivals.length, before, `nothing is sent before the back-off of ${wait} ms ends`);
        clock.advance(1);
        await drain(deps);
        waits.push(clock.now() - start);
        start = clock.now();
      }
      assert.deepEqual(waits, [BASE, 2 * BASE, 4 * BASE]);
      assert.deepEqual(
        receiver.arrivals.map((a) => a.status),
        [503, 503, 503, 200],
      );
      assert.equal(
        new Set(receiver.arrivals.map((a) => a.headers['idempotency-key'])).size,
        1,
        'one key for every attempt',
      );
      assert.equal(new Set(receiver.arrivals.map((a) => a.body)).size, 1, 'the same body every attempt');
      clock.advance(60 * 60_000);
      await drain(deps);
      assert.equal(receiver.arrivals.length, 4);
      const [delivery] = (await t.get(`/channels/${hook.id}/deliveries`)).json().deliveries;
      assert.equal(delivery.state, 'delivered');
      assert.deepEqual(
        delivery.tries.map((x: { status_code: number }) => x.status_code),
        [503, 503, 503, 200],
      );
      assert.deepEqual(
        delivery.tries.map((x: { error: string }) => x.error),
        ['HTTP 503', 'HTTP 503', 'HTTP 503', ''],
      );
      const channelNow = (await t.get(`/channels/${hook.id}`)).json();
      assert.equal(channelNow.consecutive_failures, 0);
      assert.equal(channelNow.paused, false);
      await t.del(`/channels/${hook.id}`);
    });

    it('pauses a channel after N failures in a row, tells the admin, and resumes on request', async () => {
      receiver.arrivals.length = 0;
      receiver.answer = () => 500;
      const hook = await channel({ kind: 'webhook', name: 'Broken', url: `${receiver.url}/broken` });
      await t.post('/services/api/events', { message: 'one', status: 'down' });
      await t.post('/services/api/events', { message: 'two', status: 'up' });
      const deps = workerDeps(t, { pauseAfterFailures: 3 });
      await drain(deps); // two failures
      clock.advance(BASE);
      await drain(deps); // the third pauses; the fourth is not attempted
      const paused = (await t.get(`/channels/${hook.id}`)).json();
      assert.equal(paused.paused, true);
      assert.match(paused.pause_reason, /3 failed attempts in a row; the last: HTTP 500/);
      assert.equal(receiver.arrivals.length, 3);
      clock.advance(10 * 60_000);
      await drain(deps);
      assert.equal(receiver.arrivals.length, 3, 'a paused channel is not tried');
      const { browseAudit } = await import('../src/services/audit.ts');
      const audit = await browseAudit(
        t.ctx,
        { kind: 'cli', name: 'test', scope: 'admin' },
        { action: 'channel.paused' },
      );
      assert.equal(audit.entries.length, 1);
      assert.equal(audit.entries[0]!.target, String(hook.id));
      receiver.answer = () => 204;
      assert.equal((await t.post(`/channels/${hook.id}/resume`)).json().paused, false);
      clock.advance(60 * 60_000);
      await drain(deps);
      const messages = receiver.arrivals
        .filter((a) => a.status === 204)
        .map((a) => JSON.parse(a.body).event.message)
        .sort();
      assert.deepEqual(messages, ['one', 'two']);
      await t.del(`/channels/${hook.id}`);
    });

    it('sends Slack a readable message with the status and a link', async () => {
      receiver.arrivals.length = 0;
      receiver.answer = () => 200;
      const slack = await channel({
        kind: 'slack',
        name: 'Slack #status',
        url: `${receiver.url}/services/T000/B000/XXX`,
      });
      await t.post('/services/api/events', { message: 'Latency <high> & rising', status: 'warning' });
      await drain(workerDeps(t));
      assert.equal(receiver.arrivals.length, 1);
      const { text } = JSON.parse(receiver.arrivals[0]!.body);
      assert.match(text, /\*API\* is now \*Warning\*: Latency &lt;high&gt; &amp; rising/);
      assert.match(text, /<http:\/\/status\.test\/services\/api\|View API on Stashboard>/);
      assert.equal(receiver.arrivals[0]!.headers['x-stashboard-signature'], undefined);
      await t.del(`/channels/${slack.id}`);
    });

    it('never sends one delivery twice when several workers run at once', async () => {
      receiver.arrivals.length = 0;
      receiver.answer = () => 200;
      const hook = await channel({ kind: 'webhook', name: 'Busy', url: `${receiver.url}/busy` });
      for (let i = 0; i < 30; i += 1)
        await t.post('/services/api/events', { message: `n${i}`, status: i % 2 ? 'up' : 'down' });
      const workers = ['w1', 'w2', 'w3', 'w4'].map((owner) => workerDeps(t, {}, owner));
      await Promise.all(workers.map((deps) => deliverDue(t.ctx, { ...deps, batchSize: 4 }, clock.now())));
      await Promise.all(workers.map((deps) => deliverDue(t.ctx, deps, clock.now())));
      const keys = receiver.arrivals.map((a) => a.headers['idempotency-key']);
      assert.equal(keys.length, 30);
      assert.equal(new Set(keys).size, 30);
      await t.del(`/channels/${hook.id}`);
    });

    it('starts no send once half the lease is gone: the rest is given back and sent by a later pass, once', async () => {
      receiver.arrivals.length = 0;
      receiver.answer = () => 200;
      const hook = await channel({ kind: 'webhook', name: 'Slow lane', url: `${receiver.url}/lane` });
      for (let i = 0; i < 5; i += 1) await t.post('/services/api/events', { message: `lane ${i}`, status: 'down' });
      const base = workerDeps(t, { leaseMs: 200 });
      // Each send takes 40 ms: half the lease (100 ms) is gone after two or three of them.
      const deps = {
        ...base,
        transports: {
          ...base.transports,
          postJson: async (...args: Parameters<typeof base.transports.postJson>) => {
            await new Promise((r) => setTimeout(r, 40));
            return base.transports.postJson(...args);
          },
        },
      };
      const first = await deliverDue(t.ctx, deps, clock.now());
      assert.ok(
        first.delivered >= 1 && first.delivered < 5,
        `delivered ${first.delivered} before the lease ran half out`,
      );
      assert.equal(first.more, true);
      for (let i = 0; i < 10 && receiver.arrivals.length < 5; i += 1) {
        clock.advance(201);
        await deliverDue(t.ctx, deps, clock.now());
      }
      assert.deepEqual(
        receiver.arrivals.map((a) => JSON.parse(a.body).event.message),
        ['lane 0', 'lane 1', 'lane 2', 'lane 3', 'lane 4'],
      );
      const history = (await t.get(`/channels/${hook.id}/deliveries`)).json().deliveries;
      assert.ok(
        history.every((d: { attempts: number; tries: unknown[] }) => d.attempts === 1 && d.tries.length === 1),
        'given-back claims are not counted as attempts',
      );
      await t.del(`/channels/${hook.id}`);
    });

    it('refuses private targets unless the allow-list names them', async () => {
      receiver.arrivals.length = 0;
      receiver.answer = () => 200;
      const hook = await channel({ kind: 'webhook', name: 'Internal', url: `${receiver.url}/internal` });
      await t.post('/services/api/events', { message: 'guarded', status: 'down' });
      const strict = {
        ...workerDeps(t),
        transports: deliveryTransports(loadConfig({ database: t.databaseUrl }, {})).transports,
      };
      const run = await deliverDue(t.ctx, strict, clock.now());
      assert.equal(run.failed, 1);
      assert.equal(receiver.arrivals.length, 0);
      const [delivery] = (await t.get(`/channels/${hook.id}/deliveries`)).json().deliveries;
      assert.equal(delivery.state, 'pending');
      assert.match(delivery.tries[0].error, /refused to connect to 127\.0\.0\.1.*loopback/);
      assert.equal(delivery.tries[0].status_code, null);
      await t.del(`/channels/${hook.id}`);
    });

    it('forgets settled notices after 30 days, keeping those still waiting', async () => {
      receiver.arrivals.length = 0;
      receiver.answer = (a) => (a.path === '/ok' ? 200 : 503);
      const ok = await channel({ kind: 'webhook', name: 'Fine', url: `${receiver.url}/ok` });
      const failing = await channel({ kind: 'webhook', name: 'Down', url: `${receiver.url}/down` });
      await t.post('/services/api/events', { message: 'old news', status: 'down' });
      await t.post('/services/website/events', { message: 'only for the fine one', status: 'down' });
      await t.post(`/channels/${failing.id}`, { services: 'api' });
      const deps = workerDeps(t);
      await drain(deps);
      clock.advance(31 * 24 * 60 * 60_000);
      const { pruneNotifications } = await import('../src/services/notification-retention.ts');
      const pruned = await pruneNotifications(t.ctx);
      assert.ok(pruned.notifications >= 1);
      const okHistory = (await t.get(`/channels/${ok.id}/deliveries`)).json().deliveries;
      const failingHistory = (await t.get(`/channels/${failing.id}/deliveries`)).json().deliveries;
      assert.deepEqual(
        failingHistory.map((d: { state: string }) => d.state),
        ['pending'],
        'a notice still waiting is kept',
      );
      assert.equal(okHistory.length, 1, 'only the notice the failing channel still waits for remains');
      await t.del(`/channels/${ok.id}`);
      await t.del(`/channels/${failing.id}`);
    });

    it('checks channel input and needs the admin scope', async () => {
      assert.equal((await t.post('/channels', { kind: 'pigeon', name: 'x', url: receiver.url })).statusCode, 400);
      assert.equal(
        (await t.post('/channels', { kind: 'webhook', name: 'x', url: 'ftp://example.com/' })).statusCode,
        400,
      );
      assert.equal(
        (await t.post('/channels', { kind: 'email', name: 'x', addresses: 'not-an-address' })).statusCode,
        400,
      );
      assert.equal((await t.get('/channels/999999')).statusCode, 404);
      assert.equal((await t.inject({ method: 'GET', url: '/api/v1/channels' })).statusCode, 404);
      assert.equal((await t.inject({ method: 'GET', url: '/admin/api/v1/channels' })).statusCode, 401);
    });
  });
}
