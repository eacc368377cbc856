import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, TestClock, startTestApp, type TestApp } from './support/harness.ts';
import { startHttpReceiver, startSmtpSink, type HttpReceiver, type SmtpSink } from './support/receivers.ts';
import { deliverDue, type DeliveryDeps } from '../src/services/delivery.ts';
import { deliveryTransports } from '../src/workers/delivery-runtime.ts';
import { DEFAULT_DELIVERY_POLICY } from '../src/domain/delivery-policy.ts';
import { insertSubscriberRows } from '../src/db/repositories/subscribers.ts';

const SITE = 'http://status.test';
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Statuspage's `component.updated` webhooks (contract §11), received by a real HTTP server. */
for (const backend of BACKENDS) {
  describe(`component.updated notices (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    let receiver: HttpReceiver;
    let sink: SmtpSink;
    let deps: DeliveryDeps;
    let closeTransports: () => void;
    let pageId: string;
    const components: Record<string, { id: string; created_at: string }> = {};

    before(async () => {
      clock = new TestClock(Date.UTC(2026, 2, 5, 9, 0, 0, 123));
      t = await startTestApp(backend, { clock, env: { OUTBOUND_ALLOW: '127.0.0.1' } });
      receiver = await startHttpReceiver();
      sink = await startSmtpSink();
      const transports = deliveryTransports(t.config);
      closeTransports = transports.close;
      deps = {
        transports: transports.transports,
        policy: { ...DEFAULT_DELIVERY_POLICY, retryBaseMs: 1000 },
        owner: 'component-test',
        fallbackBaseUrl: SITE,
      };
      await t.post('/smtp', { host: '127.0.0.1', port: String(sink.port), security: 'none', from: 's@example.com' });
      for (const name of ['API', 'Website']) await t.post('/services', { name, description: name });
      for (const s of ['api', 'website']) await t.post(`/services/${s}/events`, { status: 'up', message: 'ok' });
      for (const [name, form] of [
        ['sp', { kind: 'webhook', url: `${receiver.url}/sp`, format: 'statuspage' }],
        [
          'sp-website',
          { kind: 'webhook', url: `${receiver.url}/sp-website`, format: 'statuspage', services: 'website' },
        ],
        ['hook', { kind: 'webhook', url: `${receiver.url}/hook` }],
        ['slack', { kind: 'slack', url: `${receiver.url}/slack` }],
      ] as const) {
        const res = await t.post('/channels', { name, ...form });
        assert.equal(res.statusCode, 201, res.body);
      }
      await insertSubscriberRows(t.ctx.database.db, [
        { email: 'reader@example.com', services: null, confirmedAt: clock.now(), createdAt: clock.now() },
      ]);
      const v2 = (await t.inject({ method: 'GET', url: '/api/v2/components.json' })).json();
      pageId = v2.page.id;
      for (const c of v2.components) components[c.name] = { id: c.id, created_at: c.created_at };
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

    const received = (path: string) =>
      receiver.arrivals
        .filter((a) => a.path === path)
        .map((a) => JSON.parse(a.body))
        .filter((b) => 'component_update' in b);
    const deliver = async () => {
      const run = await deliverDue(t.ctx, deps, clock.now());
      assert.equal(run.failed, 0);
    };
    const reset = () => {
      receiver.arrivals.length = 0;
      sink.messages.length = 0;
    };

    it('an event that moves a service sends the exact Statuspage payload, field by field', async () => {
      clock.advance(60_000);
      const at = new Date(clock.now()).toISOString();
      assert.equal((await t.post('/services/api/events', { status: 'down', message: 'Boom' })).statusCode, 201);
      await deliver();
      const [body, ...more] = received('/sp');
      assert.equal(more.length, 0);
      assert.deepEqual(Object.keys(body), ['meta', 'page', 'component_update', 'component']);
      assert.deepEqual(body.meta, {
        unsubscribe: `${SITE}/subscribe`,
        documentation: `${SITE}/documentation#webhooks`,
      });
      // The page right after the change: one of two services in a major outage.
      assert.deepEqual(body.page, {
        id: pageId,
        status_indicator: 'major',
        status_description: 'Partial System Outage',
      });
      assert.deepEqual(Object.keys(body.component_update), [
        'created_at',
        'new_status',
        'old_status',
        'id',
        'component_id',
      ]);
      assert.equal(body.component_update.created_at, at);
      assert.equal(body.component_update.new_status, 'major_outage');
      assert.equal(body.component_update.old_status, 'operational');
      assert.match(body.component_update.id, /^[a-z0-9]{12}$/);
      assert.equal(body.component_update.component_id, components.API!.id);
      assert.deepEqual(body.component, {
        created_at: components.API!.created_at,
        id: components.API!.id,
        name: 'API',
        status: 'major_outage',
      });
      assert.match(body.component.created_at, ISO_MS);
      // The documentation link points at a section that exists.
      const doc = await t.inject({ method: 'GET', url: '/documentation' });
      assert.match(doc.body, /<h2 id="webhooks">Webhooks<\/h2>[\s\S]*component_update/);
      // The raw bytes are what the delivery recorded; the event header names the notice.
      const arrival = receiver.arrivals.find((a) => a.path === '/sp' && a.body.includes('component_update'))!;
      assert.equal(arrival.headers['x-stashboard-event'], 'component.updated');

      // Only Statuspage-format webhooks hear of components; a service filter applies.
      assert.equal(received('/sp-website').length, 0);
      assert.equal(received('/hook').length, 0);
      assert.equal(received('/slack').length, 0);
      assert.ok(!sink.messages.some((m) => /component/i.test(m.mail.subject ?? '')));
    });

    it('no notice when the v2 status stays (a note, the same component status); deleting the event moves it back', async () => {
      reset();
      clock.advance(1000);
      await t.post('/services/api/events', { status: 'down', message: 'Still down', informational: 'true' });
      await deliver();
      assert.equal(received('/sp').length, 0);

      const current = (await t.get('/services/api/events/current')).json();
      clock.advance(1000);
      assert.equal((await t.del(`/services/api/events/${current.sid}`)).statusCode, 200);
      const down = (await t.get('/services/api/events/current')).json();
      assert.equal((await t.del(`/services/api/events/${down.sid}`)).statusCode, 200);
      await deliver();
      const [back] = received('/sp');
      assert.equal(back.component_update.old_status, 'major_outage');
      assert.equal(back.component_update.new_status, 'operational');
      assert.equal(back.page.status_indicator, 'none');
    });

    it('a component_status edit of a status in force sends one notice per service at that status', async () => {
      await t.post('/services/website/events', { status: 'warning', message: 'Slow' });
      await deliver();
      reset();
      clock.advance(1000);
      const res = await t.post('/statuses/warning', { component_status: 'partial_outage' });
      assert.equal(res.statusCode, 200, res.body);
      await deliver();
      const bodies = received('/sp');
      assert.deepEqual(
        bodies.map((b) => [b.component.name, b.component_update.old_status, b.component_update.new_status]),
        [['Website', 'degraded_performance', 'partial_outage']],
      );
      assert.equal(received('/sp-website').length, 1, 'the Website-only channel hears of Website');
      await t.post('/statuses/warning', { component_status: 'degraded_performance' });
      await t.post('/services/website/events', { status: 'up', message: 'ok' });
      await deliver();
    });

    it('a maintenance window start and end send under_maintenance and back; deliver_notifications=false sends none', async () => {
      reset();
      clock.advance(1000);
      const now = new Date(clock.now()).toISOString();
      const until = new Date(clock.now() + 3_600_000).toISOString();
      const m = await t.post('/maintenances', {
        name: 'Relay upgrade',
        services: 'website',
        body: 'Upgrading.',
        scheduled_for: now,
        scheduled_until: until,
      });
      assert.equal(m.statusCode, 201, m.body);
      assert.equal(m.json().status, 'in_progress');
      await deliver();
      const [start, ...rest] = received('/sp');
      assert.equal(rest.length, 0);
      assert.equal(start.component.name, 'Website');
      assert.equal(start.component_update.old_status, 'operational');
      assert.equal(start.component_update.new_status, 'under_maintenance');
      assert.equal(start.component.status, 'under_maintenance');
      assert.deepEqual(start.page, {
        id: pageId,
        status_indicator: 'maintenance',
        status_description: 'Service Under Maintenance',
      });

      reset();
      clock.advance(1000);
      await t.post(`/maintenances/${m.json().id}/updates`, { status: 'completed', body: 'Done.' });
      await deliver();
      const [end] = received('/sp');
      assert.equal(end.component_update.old_status, 'under_maintenance');
      assert.equal(end.component_update.new_status, 'operational');

      reset();
      clock.advance(1000);
      const quiet = await t.post('/incidents', {
        name: 'Quiet',
        body: 'Silent.',
        'components[api]': 'down',
        deliver_notifications: 'false',
      });
      assert.equal(quiet.statusCode, 201);
      clock.advance(1000);
      const backdated = await t.post('/services/website/events', {
        status: 'down',
        message: 'history',
        timestamp: new Date(clock.now() - 500).toISOString(),
      });
      assert.equal(backdated.statusCode, 201, backdated.body);
      await deliver();
      assert.equal(received('/sp').length, 0, 'neither a quiet update nor a backdated event sends a notice');
    });
  });
}
