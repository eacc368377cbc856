import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, TestClock, startTestApp, type TestApp } from './support/harness.ts';
import { startHttpReceiver, startSmtpSink, type HttpReceiver, type SmtpSink } from './support/receivers.ts';
import { deliverDue, type DeliveryDeps } from '../src/services/delivery.ts';
import { deliveryTransports } from '../src/workers/delivery-runtime.ts';
import { DEFAULT_DELIVERY_POLICY } from '../src/domain/delivery-policy.ts';
import { insertSubscriberRows } from '../src/db/repositories/subscribers.ts';
import { runMaintenanceTransitions } from '../src/services/maintenances.ts';

const SITE = 'http://status.test';
const START = Date.UTC(2026, 2, 5, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

for (const backend of BACKENDS) {
  describe(`maintenance notifications (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    let receiver: HttpReceiver;
    let sink: SmtpSink;
    let deps: DeliveryDeps;
    let closeTransports: () => void;

    before(async () => {
      clock = new TestClock(START - 3_600_000);
      t = await startTestApp(backend, { clock, env: { OUTBOUND_ALLOW: '127.0.0.1' } });
      receiver = await startHttpReceiver();
      receiver.answer = () => 200;
      sink = await startSmtpSink();
      const transports = deliveryTransports(t.config);
      closeTransports = transports.close;
      deps = {
        transports: transports.transports,
        policy: { ...DEFAULT_DELIVERY_POLICY, retryBaseMs: 1000 },
        owner: 'maintenance-test',
        fallbackBaseUrl: SITE,
      };
      for (const name of ['API', 'Website']) await t.post('/services', { name, description: name });
      await t.post('/services/api/events', { status: 'up', message: 'ok' });
      await t.post('/smtp', {
        host: '127.0.0.1',
        port: String(sink.port),
        security: 'none',
        from: 'status@example.com',
      });
      for (const [name, form] of [
        ['hook', { kind: 'webhook', url: `${receiver.url}/stashboard` }],
        ['sp', { kind: 'webhook', url: `${receiver.url}/statuspage`, format: 'statuspage' }],
        ['slack', { kind: 'slack', url: `${receiver.url}/slack` }],
        ['website-only', { kind: 'webhook', url: `${receiver.url}/website`, services: 'website' }],
      ] as const) {
        const res = await t.post('/channels', { name, ...form });
        assert.equal(res.statusCode, 201, res.body);
      }
      await insertSubscriberRows(t.ctx.database.db, [
        { email: 'reader@example.com', services: ['api'], confirmedAt: clock.now(), createdAt: clock.now() },
      ]);
      await deliverDue(t.ctx, deps, clock.now());
      receiver.arrivals.length = 0;
      sink.messages.length = 0;
    });
    after(async () => {
      closeTransports();
      await receiver.close();
      await sink.close();
      await t.close();
    });

    const arrivalsAt = (path: string) =>
      receiver.arrivals.filter((a) => a.path === path).map((a) => JSON.parse(a.body));

    it('tells every channel kind when a maintenance is scheduled, starts and completes; filters respected', async () => {
      const res = await t.post('/maintenances', {
        name: 'API upgrade',
        body: 'The API may be slow.',
        services: 'api',
        scheduled_for: iso(START),
        scheduled_until: iso(START + 3_600_000),
      });
      assert.equal(res.statusCode, 201, res.body);
      const m = res.json();
      await deliverDue(t.ctx, deps, clock.now());
      const created = arrivalsAt('/stashboard');
      assert.equal(created.length, 1);
      assert.deepEqual(Object.keys(created[0]), ['type', 'delivery', 'notice', 'site', 'maintenance', 'update']);
      assert.equal(created[0].type, 'maintenance.created');
      assert.equal(created[0].maintenance.id, m.id);
      assert.equal(created[0].maintenance.scheduled_for, iso(START));
      assert.equal(created[0].update.status, 'scheduled');
      const sp = arrivalsAt('/statuspage');
      assert.deepEqual(Object.keys(sp[0]), ['meta', 'page', 'incident']);
      assert.equal(sp[0].incident.impact, 'maintenance');
      assert.equal(sp[0].incident.scheduled_until, iso(START + 3_600_000));
      assert.match(arrivalsAt('/slack')[0].text, /Scheduled maintenance: API upgrade/);
      assert.equal(arrivalsAt('/website').length, 0, 'a channel filtered to another service hears nothing');
      assert.equal(sink.messages.length, 1);
      assert.match(sink.messages[0]!.mail.subject ?? '', /Scheduled maintenance: API upgrade/);

      clock.current = START;
      assert.equal(await runMaintenanceTransitions(t.ctx, clock.now()), 1);
      await deliverDue(t.ctx, deps, clock.now());
      const started = arrivalsAt('/stashboard')[1];
      assert.equal(started.type, 'maintenance.updated');
      assert.equal(started.maintenance.status, 'in_progress');
      assert.equal(started.update.body.startsWith('Scheduled maintenance is currently in progress'), true);
      assert.equal(arrivalsAt('/statuspage')[1].page.status_indicator, 'maintenance');
      assert.match(arrivalsAt('/slack')[1].text, /API: operational → under maintenance/);

      clock.current = START + 3_600_000;
      assert.equal(await runMaintenanceTransitions(t.ctx, clock.now()), 1);
      await deliverDue(t.ctx, deps, clock.now());
      assert.equal(arrivalsAt('/stashboard')[2].maintenance.status, 'completed');
      assert.equal(sink.messages.length, 3);
      assert.match(sink.messages[2]!.mail.subject ?? '', /API upgrade: Completed/);
      assert.equal(arrivalsAt('/website').length, 0);
    });

    it('deliver_notifications false: scheduling and its automatic transitions notify nobody', async () => {
      const before = receiver.arrivals.length;
      clock.current = START + 2 * 3_600_000;
      const res = await t.post('/maintenances', {
        name: 'Quiet work',
        body: 'Nobody needs to know.',
        services: 'api',
        scheduled_for: iso(clock.now() + 1000),
        scheduled_until: iso(clock.now() + 2000),
        deliver_notifications: 'false',
      });
      assert.equal(res.statusCode, 201, res.body);
      clock.advance(2000);
      assert.equal(await runMaintenanceTransitions(t.ctx, clock.now()), 2, 'started and completed in one round');
      await deliverDue(t.ctx, deps, clock.now());
      assert.equal(receiver.arrivals.length, before);
    });

    it("an incident's notice gives the page status as the page shows it, under maintenance", async () => {
      clock.current = START + 3 * 3_600_000;
      const res = await t.post('/maintenances', {
        name: 'Database move',
        body: 'Moving the database.',
        services: 'api',
        scheduled_for: iso(clock.now() + 1000),
        scheduled_until: iso(clock.now() + 3_600_000),
        deliver_notifications: 'false',
      });
      assert.equal(res.statusCode, 201, res.body);
      clock.advance(1000);
      assert.equal(await runMaintenanceTransitions(t.ctx, clock.now()), 1);
      const before = arrivalsAt('/statuspage').length;
      const incident = await t.post('/incidents', { name: 'Slow pages', body: 'We are looking into it.' });
      assert.equal(incident.statusCode, 201, incident.body);
      await deliverDue(t.ctx, deps, clock.now());
      const notice = arrivalsAt('/statuspage')
        .slice(before)
        .find((b) => 'incident' in b);
      assert.equal(notice.incident.name, 'Slow pages');
      assert.equal(notice.page.status_indicator, 'maintenance');
      assert.equal(notice.page.status_description, 'Service Under Maintenance');
    });
  });
}
