import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, TestClock, startTestApp, type TestApp } from './support/harness.ts';
import { startHttpReceiver, startSmtpSink, type HttpReceiver, type SmtpSink } from './support/receivers.ts';
import { deliverDue, type DeliveryDeps } from '../src/services/delivery.ts';
import { deliveryTransports } from '../src/workers/delivery-runtime.ts';
import { DEFAULT_DELIVERY_POLICY } from '../src/domain/delivery-policy.ts';
import { insertSubscriberRows } from '../src/db/repositories/subscribers.ts';

const SITE = 'http://status.test';

for (const backend of BACKENDS) {
  describe(`incident notifications (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    let receiver: HttpReceiver;
    let sink: SmtpSink;
    let deps: DeliveryDeps;
    let closeTransports: () => void;
    const ids: Record<string, number> = {};

    before(async () => {
      clock = new TestClock(Date.UTC(2026, 2, 5, 9, 0, 0));
      t = await startTestApp(backend, { clock, env: { OUTBOUND_ALLOW: '127.0.0.1' } });
      receiver = await startHttpReceiver();
      receiver.answer = () => 200;
      sink = await startSmtpSink();
      const transports = deliveryTransports(t.config);
      closeTransports = transports.close;
      deps = {
        transports: transports.transports,
        policy: { ...DEFAULT_DELIVERY_POLICY, retryBaseMs: 1000 },
        owner: 'incident-test',
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
      const make = async (name: string, form: Record<string, string>) => {
        const res = await t.post('/channels', { name, ...form });
        assert.equal(res.statusCode, 201, res.body);
        ids[name] = res.json().id;
      };
      await make('hook', { kind: 'webhook', url: `${receiver.url}/stashboard` });
      await make('sp', { kind: 'webhook', url: `${receiver.url}/statuspage`, format: 'statuspage' });
      await make('slack', { kind: 'slack', url: `${receiver.url}/slack` });
      await make('website-only', { kind: 'webhook', url: `${receiver.url}/website`, services: 'website' });
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

    it('refuses format statuspage on non-webhook channels and unknown formats (400 naming format)', async () => {
      for (const form of [
        { kind: 'slack', name: 'x', url: `${receiver.url}/x`, format: 'statuspage' },
        { kind: 'webhook', name: 'x', url: `${receiver.url}/x`, format: 'pagerduty' },
      ]) {
        const res = await t.post('/channels', form);
        assert.equal(res.statusCode, 400);
        assert.match(res.json().message, /format/);
      }
    });

    it('one message per update to each channel kind, in its format; each delivery records its payload', async () => {
      clock.advance(1000);
      const res = await t.post('/incidents', {
        name: 'API errors',
        body: 'We are investigating.',
        'components[api]': 'down',
      });
      assert.equal(res.statusCode, 201, res.body);
      const incident = res.json();
      const run = await deliverDue(t.ctx, deps, clock.now());
      assert.equal(run.failed, 0);

      // Stashboard webhook: the incident notice and the event.created of the event it posted.
      const hook = arrivalsAt('/stashboard');
      assert.deepEqual(hook.map((b) => b.type).sort(), ['event.created', 'incident.created']);
      const created = hook.find((b) => b.type === 'incident.created');
      assert.deepEqual(Object.keys(created), ['type', 'delivery', 'notice', 'site', 'incident', 'update']);
      assert.equal(created.incident.id, incident.id);
      assert.equal(created.incident.shortlink, `${SITE}/incidents/${incident.id}`);
      assert.equal(created.update.body, 'We are investigating.');
      assert.equal(created.incident.postmortem_body, null);
      const event = hook.find((b) => b.type === 'event.created');
      assert.deepEqual(event.event.incident, {
        id: incident.id,
        name: 'API errors',
        kind: 'incident',
        url: `${SITE}/incidents/${incident.id}`,
      });

      // Statuspage format: meta, page, incident; no event notices (the component change it made is
      // its own component_update notice: test/notifications-components.test.ts).
      const sp = arrivalsAt('/statuspage').filter((b) => 'incident' in b);
      assert.equal(sp.length, 1);
      assert.deepEqual(
        arrivalsAt('/statuspage')
          .filter((b) => 'component_update' in b)
          .map((b) => [b.component.name, b.component_update.old_status, b.component_update.new_status]),
        [['API', 'operational', 'major_outage']],
      );
      assert.deepEqual(Object.keys(sp[0]), ['meta', 'page', 'incident']);
      assert.deepEqual(sp[0].meta, {
        unsubscribe: `${SITE}/subscribe`,
        documentation: `${SITE}/documentation#webhooks`,
      });
      assert.equal(sp[0].page.status_indicator, 'major');
      assert.equal(sp[0].page.status_description, 'Partial System Outage');
      assert.equal(sp[0].incident.status, 'investigating');
      assert.equal(sp[0].incident.impact, 'critical');

      // Slack: one message with name, status, body, status change and link (not the event's own).
      const slack = arrivalsAt('/slack');
      assert.equal(slack.length, 1);
      assert.match(slack[0].text, /API errors/);
      assert.match(slack[0].text, /Investigating/);
      assert.match(slack[0].text, /We are investigating\./);
      assert.match(slack[0].text, /API: operational → major outage/);
      assert.ok(slack[0].text.includes(`${SITE}/incidents/${incident.id}`));

      // A channel filtered to another service hears nothing.
      assert.equal(arrivalsAt('/website').length, 0);

      // The subscriber of API: one email for the incident, none for the event it posted.
      assert.equal(sink.messages.length, 1);
      assert.match(sink.messages[0]!.mail.subject ?? '', /New incident: API errors/);
      assert.match(sink.messages[0]!.mail.text ?? '', /API: operational → major outage/);

      // Each delivery records the exact body it sent.
      const deliveries = (await t.get(`/channels/${ids.sp}/deliveries`)).json().deliveries;
      assert.equal(deliveries.length, 2);
      assert.deepEqual(
        deliveries.map((d: { payload: string }) => d.payload).sort(),
        receiver.arrivals
          .filter((a) => a.path === '/statuspage')
          .map((a) => a.body)
          .sort(),
      );
    });

    it('an update and a postmortem notify again; deliver_notifications=false notifies nobody', async () => {
      receiver.arrivals.length = 0;
      sink.messages.length = 0;
      const [incident] = (await t.get('/incidents')).json().incidents;
      clock.advance(1000);
      await t.post(`/incidents/${incident.id}/updates`, {
        status: 'resolved',
        body: 'Fixed.',
        return_to_default: 'true',
      });
      await deliverDue(t.ctx, deps, clock.now());
      const updated = arrivalsAt('/stashboard').find((b) => b.type === 'incident.updated');
      assert.equal(updated.update.status, 'resolved');
      assert.equal(updated.incident.status, 'resolved');
      assert.equal(arrivalsAt('/slack').length, 1);
      assert.equal(sink.messages.length, 1);

      receiver.arrivals.length = 0;
      sink.messages.length = 0;
      await t.post(`/incidents/${incident.id}/postmortem`, { body: 'Root cause: a bad deploy.' });
      await deliverDue(t.ctx, deps, clock.now());
      const pm = arrivalsAt('/stashboard')[0];
      assert.equal(pm.type, 'incident.updated');
      assert.equal(pm.update, null);
      assert.equal(pm.incident.postmortem_body, 'Root cause: a bad deploy.');

      receiver.arrivals.length = 0;
      sink.messages.length = 0;
      const quiet = await t.post('/incidents', {
        name: 'Quiet',
        body: 'Silent.',
        'components[api]': 'warning',
        deliver_notifications: 'false',
      });
      assert.equal(quiet.statusCode, 201);
      await deliverDue(t.ctx, deps, clock.now());
      assert.equal(receiver.arrivals.length, 0);
      assert.equal(sink.messages.length, 0);
    });
  });
}
