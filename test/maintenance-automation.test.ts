import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { createToken } from '../src/services/tokens.ts';
import { runMaintenanceTransitions } from '../src/services/maintenances.ts';
import { runDueChecks } from '../src/services/checks.ts';
import { CheckProbe } from '../src/outbound/check-probe.ts';
import { AddressGuard, parseAllowList } from '../src/outbound/address-guard.ts';

/** §9.2 at completion, with several automation sources reporting on one service during the window. */
const START = Date.UTC(2026, 2, 5, 10, 0, 0);
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

for (const backend of BACKENDS) {
  describe(`automation at the end of a maintenance window, several sources (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    let target: http.Server;
    let failing = false;
    let targetUrl = '';
    const probe = new CheckProbe(new AddressGuard({ allow: parseAllowList('127.0.0.1') }));

    before(async () => {
      clock = new TestClock(START - HOUR);
      t = await startTestApp(backend, { clock });
      for (const name of ['API', 'Website'])
        assert.equal((await t.post('/services', { name, description: name })).statusCode, 201);
      for (const slug of ['api', 'website'])
        await t.post(`/services/${slug}/events`, { status: 'up', message: 'fine' });
      target = http.createServer((_req, res) => (failing ? res.writeHead(503).end('no') : res.end('ok')));
      await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
      targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
    });
    after(async () => {
      await t.close();
      target.closeAllConnections();
      await new Promise((r) => target.close(r));
    });

    const current = async (slug: string) => (await t.get(`/services/${slug}/events/current`)).json();
    const schedule = async (services: string[], from: number, until: number) => {
      const res = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/maintenances',
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: JSON.stringify({
          name: 'Upgrade',
          body: 'Planned work.',
          services,
          scheduled_for: iso(from),
          scheduled_until: iso(until),
          deliver_notifications: false,
        }),
      });
      assert.equal(res.statusCode, 201, res.body);
      return res.json().id as string;
    };
    const push = async (secret: string, status: string, msg: string) => {
      const res = await t.inject({ method: 'GET', url: `/api/push/${secret}?status=${status}&msg=${msg}` });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().outcome, 'noted');
    };

    it('a failing check is posted at the end even when a push URL reported a milder problem after it', async () => {
      const check = await t.post('/services/api/checks', {
        name: 'api-http',
        target: targetUrl,
        interval: '10',
        timeout: '2',
      });
      assert.equal(check.statusCode, 201, check.body);
      const secret = (await t.post('/services/api/push')).json().secret as string;
      await schedule(['api'], START, START + HOUR);
      clock.current = START;
      assert.equal(await runMaintenanceTransitions(t.ctx, clock.now()), 1);
      failing = true;
      clock.advance(60_000);
      const runs = await runDueChecks(t.ctx, probe, clock.now());
      assert.equal(runs[0]!.outcome, 'noted');
      clock.advance(60_000);
      await push(secret, 'warning', 'slow');
      assert.equal((await current('api')).status.id, 'up', 'nothing changes during the window');
      clock.current = START + HOUR;
      assert.equal(await runMaintenanceTransitions(t.ctx, clock.now()), 1);
      const now = await current('api');
      assert.equal(now.status.id, 'down', 'the check still reports a problem: it is posted');
      assert.equal(now.informational, false);
      assert.equal(now.author, 'check:api-http');
      // One event, not one per source.
      const events = (await t.get('/services/api/events')).json().events as Array<{ timestamp: string }>;
      assert.equal(events.filter((e) => Date.parse(e.timestamp) === START + HOUR).length, 1);
      failing = false;
      await t.post('/services/api/events', { status: 'up', message: 'Fixed' });
    });

    it('a check that failed and passes again before the end posts nothing', async () => {
      clock.current = START + 3 * HOUR;
      await runDueChecks(t.ctx, probe, clock.now());
      await schedule(['api'], START + 4 * HOUR, START + 5 * HOUR);
      clock.current = START + 4 * HOUR;
      assert.equal(await runMaintenanceTransitions(t.ctx, clock.now()), 1);
      failing = true;
      clock.advance(60_000);
      assert.equal((await runDueChecks(t.ctx, probe, clock.now()))[0]!.outcome, 'noted');
      failing = false;
      clock.advance(60_000);
      assert.equal((await runDueChecks(t.ctx, probe, clock.now()))[0]!.outcome, 'unchanged');
      const before = (await current('api')).sid;
      clock.current = START + 5 * HOUR;
      assert.equal(await runMaintenanceTransitions(t.ctx, clock.now()), 1);
      const now = await current('api');
      assert.equal(now.status.id, 'up');
      assert.equal(now.sid, before, 'no event: automation no longer reports a problem');
    });

    it('when every source reports recovery of a service that was down, the newest report is posted', async () => {
      await t.post('/services/website/events', { status: 'down', message: 'Broken before the work' });
      const one = (await t.post('/services/website/push')).json().secret as string;
      const { secret: token } = await createToken(
        t.ctx,
        { kind: 'cli', name: 'test', scope: 'admin' },
        { name: 'monitoring', scope: 'events' },
      );
      await schedule(['website'], START + 6 * HOUR, START + 7 * HOUR);
      clock.current = START + 6 * HOUR;
      assert.equal(await runMaintenanceTransitions(t.ctx, clock.now()), 1);
      clock.advance(1000);
      await push(one, 'warning', 'slow');
      clock.advance(1000);
      await push(one, 'up', 'ok');
      clock.advance(1000);
      const byToken = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services/website/events',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'status=up&message=all%20good',
      });
      assert.equal(byToken.statusCode, 201, byToken.body);
      assert.equal(byToken.json().informational, true);
      assert.equal((await current('website')).status.id, 'down');
      clock.current = START + 7 * HOUR;
      assert.equal(await runMaintenanceTransitions(t.ctx, clock.now()), 1);
      const now = await current('website');
      assert.equal(now.status.id, 'up', "each source's latest word is up: the recovery is posted");
      assert.equal(now.message, 'all good');
    });
  });
}
