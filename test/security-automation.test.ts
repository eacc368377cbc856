import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { loggedIn, type AdminClient } from './support/admin-client.ts';
import { runSilentHeartbeats } from '../src/services/heartbeats.ts';
import { runDueChecks, type CheckRunner } from '../src/services/checks.ts';

function alertFor(service: string, fingerprint: string) {
  return {
    status: 'firing',
    labels: { alertname: 'Down', service, severity: 'critical' },
    annotations: { summary: `${service} is down` },
    startsAt: '2010-06-28T22:10:00.000Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.example/graph',
    fingerprint,
  };
}

for (const backend of BACKENDS) {
  describe(`deleting a status never breaks automation (${backend})`, () => {
    let t: TestApp;
    let admin: AdminClient;
    const clock = new TestClock();
    before(async () => {
      t = await startTestApp(backend, { clock });
      admin = await loggedIn(t, 'admin@example.com', 'admin');
      for (const name of ['Alpha', 'Beta', 'Gamma']) await t.post('/services', { name, description: name });
      await t.post('/statuses', { name: 'Degraded', description: 'Slow', level: 'WARNING', image: 'traffic-cone' });
      await t.post('/services/alpha/automation', { status_warning: 'degraded' });
    });
    after(async () => t.close());

    const automation = async (slug: string) => (await t.get(`/services/${slug}/automation`)).json();

    it('says on the confirmation page which services map to the status, and moves them in the same transaction', async () => {
      const confirm = await admin.get('/admin/statuses/warning/delete');
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /beta \(warning\)/);
      assert.match(confirm.body, /gamma \(warning\)/);
      assert.match(confirm.body, /will post <strong>degraded<\/strong> instead/);
      assert.doesNotMatch(confirm.body, /alpha \(/);
      assert.equal((await admin.post('/admin/statuses/warning/delete')).statusCode, 303);
      for (const slug of ['alpha', 'beta', 'gamma']) {
        assert.equal((await automation(slug)).statuses.warning, 'degraded', slug);
      }
      const deleted = await t.del('/statuses/degraded?force=true');
      assert.equal(deleted.statusCode, 200);
      // No WARNING status is left: the next more severe one.
      for (const slug of ['alpha', 'beta', 'gamma']) assert.equal((await automation(slug)).statuses.warning, 'down');
      const res = await t.inject({
        method: 'GET',
        url: `/api/push/${(await t.post('/services/beta/push')).json().secret}?status=warning`,
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal((await t.get('/services/beta/events/current')).json().status.id, 'down');
    });

    it('isolates failures: one service whose status is gone does not stop heartbeats, checks or alerts of others', async () => {
      // A mapping to a status that no longer exists (as data written before this was guarded could hold).
      const ids = await t.ctx.database.db.selectFrom('services').select(['id', 'slug']).execute();
      const alpha = ids.find((s) => s.slug === 'alpha')!.id;
      for (const slug of ['alpha', 'gamma']) {
        await t.post(`/services/${slug}/automation`, { heartbeat_period: '60', heartbeat_state: 'down' });
        await t.inject({ method: 'GET', url: `/api/push/${(await t.post(`/services/${slug}/push`)).json().secret}` });
      }
      await t.ctx.database.db
        .updateTable('service_automation')
        .set({ status_down: 'gone', status_up: 'gone' })
        .where('service_id', '=', alpha)
        .execute();
      clock.advance(120_000);
      const beats = await runSilentHeartbeats(t.ctx, clock.now());
      const byService = Object.fromEntries(beats.map((b) => [b.service, b.outcome]));
      assert.equal(byService.gamma, 'posted');
      assert.equal(byService.alpha, 'failed');
      assert.equal((await t.get('/services/gamma/events/current')).json().author, 'heartbeat');

      const alerts = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/hooks/alertmanager',
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: JSON.stringify({
          receiver: 'stashboard',
          status: 'firing',
          alerts: [alertFor('alpha', 'fa'), alertFor('beta', 'fb')],
          groupLabels: {},
          commonLabels: {},
          commonAnnotations: {},
          externalURL: 'http://am.example',
          version: '4',
          groupKey: '{}:{alertname="Down"}',
          truncatedAlerts: 0,
        }),
      });
      assert.equal(alerts.statusCode, 200, alerts.body);
      assert.deepEqual(
        alerts.json().services.map((s: { service: string }) => s.service),
        ['beta'],
      );
      assert.equal(alerts.json().ignored.length, 1);
      assert.equal(alerts.json().ignored[0].fingerprint, 'fa');
      assert.match(alerts.json().ignored[0].reason, /alpha/);
      assert.match((await t.get('/services/beta/events/current')).json().author, /^alertmanager:/);

      const check = { kind: 'tcp', target: 'db.example.com:5432', interval: '30', timeout: '5' };
      assert.equal((await t.post('/services/alpha/checks', { ...check, name: 'a-tcp' })).statusCode, 201);
      assert.equal((await t.post('/services/gamma/checks', { ...check, name: 'g-tcp' })).statusCode, 201);
      await t.post('/services/gamma/events', { status: 'down', message: 'by hand' });
      const runner: CheckRunner = { run: async () => ({ state: 'up', message: 'connected', latencyMs: 3 }) };
      clock.advance(60_000);
      const runs = await runDueChecks(t.ctx, runner, clock.now());
      const outcomes = Object.fromEntries(runs.map((r) => [r.check, r.outcome]));
      assert.equal(outcomes['a-tcp'], 'failed');
      assert.equal(outcomes['g-tcp'], 'posted');
      assert.equal((await t.get('/services/gamma/events/current')).json().author, 'check:g-tcp');
    });
  });
}
