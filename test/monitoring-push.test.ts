import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { createToken } from '../src/services/tokens.ts';
import { runSilentHeartbeats } from '../src/services/heartbeats.ts';

interface EventJson {
  message: string;
  status: { id: string };
  informational: boolean;
  author?: string;
}

for (const backend of BACKENDS) {
  describe(`push URLs, heartbeats and the escalation policy (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    let events: Record<string, string>;
    const logs: string[] = [];
    before(async () => {
      clock = new TestClock();
      const logStream = new Writable({
        write(chunk, _enc, done) {
          logs.push(String(chunk));
          done();
        },
      });
      t = await startTestApp(backend, { clock, logStream });
      for (const name of ['Web', 'Batch', 'Policy', 'Flappy']) {
        assert.equal((await t.post('/services', { name, description: name })).statusCode, 201);
      }
      const { secret } = await createToken(
        t.ctx,
        { kind: 'cli', name: 'test', scope: 'admin' },
        { name: 'monitoring', scope: 'events' },
      );
      events = { authorization: `Bearer ${secret}` };
    });
    after(async () => t.close());

    const history = async (slug: string): Promise<EventJson[]> =>
      (await t.get(`/services/${slug}/events`)).json().events;
    const current = async (slug: string): Promise<EventJson> =>
      (await t.get(`/services/${slug}/events/current`)).json();
    const push = (secret: string, query = '', method: 'GET' | 'POST' = 'GET') =>
      t.inject({ method, url: `/api/push/${secret}${query}` });

    it('shows no push URL until one is made; makes it (shown once), regenerates and removes it (admin scope only)', async () => {
      const none = await t.get('/services/web/push');
      assert.equal(none.statusCode, 200);
      assert.deepEqual(none.json(), { service: 'web', enabled: false, secret: null, url: null, last_push_at: null });
      const made = await t.post('/services/web/push');
      assert.equal(made.statusCode, 200);
      const { secret, url } = made.json();
      assert.match(secret, /^[A-Za-z0-9_-]{32}$/);
      assert.equal(url, `http://localhost:80/api/push/${secret}`);
      // Shown once: later reads say it exists, never what it is; the database keeps only its hash.
      const later = await t.get('/services/web/push');
      assert.deepEqual(later.json(), { service: 'web', enabled: true, secret: null, url: null, last_push_at: null });
      const stored = await t.ctx.database.db.selectFrom('service_automation').selectAll().execute();
      assert.ok(stored.every((row) => row.push_secret === null));
      assert.ok(!JSON.stringify(stored).includes(secret));
      const again = (await t.post('/services/web/push')).json().secret;
      assert.notEqual(again, secret);
      assert.equal((await push(secret)).statusCode, 404, 'the old URL stops working');
      assert.equal((await push(again)).statusCode, 200);
      const byEventsToken = await t.inject({ method: 'GET', url: '/admin/api/v1/services/web/push', headers: events });
      assert.equal(byEventsToken.statusCode, 403);
      assert.equal(
        (await t.inject({ method: 'GET', url: '/api/v1/services/web/push' })).statusCode,
        404,
        'never on the public mount',
      );
      assert.equal((await t.del('/services/web/push')).json().enabled, false);
      assert.equal((await push(again)).statusCode, 404);
    });

    it('sets the status by GET or POST, authored `push`, only when it changes; never logs the secret', async () => {
      const { secret } = (await t.post('/services/batch/push')).json();
      const down = await push(secret, '?status=down&msg=Nightly%20backup%20failed');
      assert.equal(down.statusCode, 200);
      assert.deepEqual(down.json(), { ok: true, service: 'batch', state: 'down', outcome: 'posted' });
      assert.deepEqual(await current('batch'), {
        ...(await current('batch')),
        message: 'Nightly backup failed',
        author: 'push',
      });
      assert.equal((await current('batch')).status.id, 'down');
      assert.equal((await push(secret, '?status=down&msg=again')).json().outcome, 'unchanged');
      const up = await t.inject({
        method: 'POST',
        url: `/api/push/${secret}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'status=up&msg=Backup+ok',
      });
      assert.equal(up.json().outcome, 'posted');
      assert.equal((await current('batch')).status.id, 'up');
      assert.equal((await history('batch')).length, 2);
      assert.equal((await push(secret, '?status=sideways')).statusCode, 400);
      assert.equal((await push('x'.repeat(32))).statusCode, 404);
      assert.ok(logs.length > 0);
      assert.ok(!logs.some((line) => line.includes(secret)), 'the secret never reaches the log');
    });

    it('heartbeat: silence longer than the period posts the configured status once; a push brings it back', async () => {
      const { secret } = (await t.post('/services/batch/push')).json();
      const set = await t.post('/services/batch/automation', { heartbeat_period: '300', heartbeat_state: 'down' });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal(set.json().heartbeat_period, 300);
      clock.advance(299_000);
      assert.deepEqual(await runSilentHeartbeats(t.ctx, clock.now()), []);
      clock.advance(2_000);
      assert.deepEqual(await runSilentHeartbeats(t.ctx, clock.now()), [{ service: 'batch', outcome: 'posted' }]);
      const silent = await current('batch');
      assert.equal(silent.status.id, 'down');
      assert.equal(silent.author, 'heartbeat');
      assert.match(silent.message, /No push received for 5 min \(expected at least every 5 min\)/);
      clock.advance(600_000);
      assert.deepEqual(await runSilentHeartbeats(t.ctx, clock.now()), [], 'once per silence');
      assert.equal((await push(secret)).json().outcome, 'posted');
      assert.equal((await current('batch')).status.id, 'up');
      clock.advance(301_000);
      assert.equal((await runSilentHeartbeats(t.ctx, clock.now())).length, 1);
      assert.equal((await t.post('/services/batch/automation', { heartbeat_period: '0' })).json().heartbeat_period, 0);
    });

    describe('the escalation policy through the HTTP API', () => {
      const asEvents = (slug: string, form: Record<string, string>) =>
        t.inject({
          method: 'POST',
          url: `/admin/api/v1/services/${slug}/events`,
          headers: { ...events, 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(form).toString(),
        });

      it('is off by default: automation may recover a service', async () => {
        assert.equal((await asEvents('policy', { status: 'down', message: 'broken' })).statusCode, 201);
        assert.equal((await asEvents('policy', { status: 'up', message: 'fixed' })).statusCode, 201);
        assert.equal((await current('policy')).status.id, 'up');
      });

      const cases: Array<[string, () => Promise<void>]> = [
        [
          'automation down is allowed',
          async () => {
            const res = await asEvents('policy', { status: 'down', message: 'Database unreachable' });
            assert.equal(res.statusCode, 201);
            assert.equal((await current('policy')).status.id, 'down');
          },
        ],
        [
          'automation up from ERROR is refused and turned into a note',
          async () => {
            const res = await asEvents('policy', { status: 'up', message: 'looks fine' });
            assert.equal(res.statusCode, 201);
            const note = res.json();
            assert.equal(note.informational, true);
            assert.equal(note.status.id, 'down', 'the status stays');
            assert.equal(note.message, 'Automation reports recovery; waiting for confirmation (looks fine)');
            assert.equal((await current('policy')).status.id, 'down');
            const automation = (await t.get('/services/policy/automation')).json();
            assert.equal(automation.recovery_pending, true);
            assert.equal(automation.recovery_pending_status, 'up');
          },
        ],
        [
          'a repeated automated recovery adds no second note (409)',
          async () => {
            const before = (await history('policy')).length;
            const res = await asEvents('policy', { status: 'up', message: 'still fine' });
            assert.equal(res.statusCode, 409);
            assert.match(res.json().message, /waits for a human to confirm/);
            assert.equal((await history('policy')).length, before);
          },
        ],
        [
          'push is automation too',
          async () => {
            const { secret } = (await t.post('/services/policy/push')).json();
            assert.equal((await push(secret, '?status=up')).json().outcome, 'ignored');
            assert.equal((await current('policy')).status.id, 'down');
          },
        ],
        [
          'a human confirms recovery with one call',
          async () => {
            const res = await t.post('/services/policy/confirm-recovery');
            assert.equal(res.statusCode, 201, res.body);
            assert.equal(res.json().status.id, 'up');
            assert.equal(res.json().message, 'Recovery confirmed');
            assert.equal(res.json().author, 'token:test admin');
            assert.equal((await t.get('/services/policy/automation')).json().recovery_pending, false);
            const byAutomation = await t.inject({
              method: 'POST',
              url: '/admin/api/v1/services/policy/confirm-recovery',
              headers: events,
            });
            assert.equal(byAutomation.statusCode, 403);
          },
        ],
        [
          'a human may always set any status (up from ERROR)',
          async () => {
            assert.equal((await asEvents('policy', { status: 'down', message: 'again' })).statusCode, 201);
            const res = await t.post('/services/policy/events', { status: 'up', message: 'Fixed by hand' });
            assert.equal(res.statusCode, 201);
            assert.equal(res.json().informational, false);
            assert.equal((await current('policy')).status.id, 'up');
          },
        ],
      ];
      it('turns the policy on', async () => {
        const res = await t.post('/services/policy/automation', { recovery_needs_human: 'true' });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().recovery_needs_human, true);
      });
      for (const [name, run] of cases) it(name, run);

      it('flapping: automation may not change the status twice within the minimum interval; humans may', async () => {
        assert.equal((await t.post('/services/flappy/automation', { min_change_interval: '300' })).statusCode, 200);
        assert.equal((await asEvents('flappy', { status: 'down', message: 'one' })).statusCode, 201);
        clock.advance(60_000);
        const flap = await asEvents('flappy', { status: 'up', message: 'two' });
        assert.equal(flap.statusCode, 409);
        assert.match(flap.json().message, /changed status too recently/);
        assert.equal((await asEvents('flappy', { status: 'down', message: 'same status, new words' })).statusCode, 201);
        assert.equal((await current('flappy')).status.id, 'down');
        clock.advance(240_000);
        assert.equal((await asEvents('flappy', { status: 'up', message: 'three' })).statusCode, 201);
        assert.equal((await t.post('/services/flappy/events', { status: 'down', message: 'human' })).statusCode, 201);
      });

      it('validates settings', async () => {
        assert.equal((await t.post('/services/flappy/automation', { min_change_interval: 'soon' })).statusCode, 400);
        assert.equal((await t.post('/services/flappy/automation', { heartbeat_state: 'sideways' })).statusCode, 400);
        assert.equal((await t.post('/services/flappy/automation', { status_down: 'nope' })).statusCode, 400);
        assert.equal((await t.post('/services/ghost/automation', { recovery_needs_human: 'true' })).statusCode, 404);
      });
    });
  });
}
