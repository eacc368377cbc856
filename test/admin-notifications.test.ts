import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, TestClock, startTestApp, type TestApp } from './support/harness.ts';
import { loggedIn, type AdminClient } from './support/admin-client.ts';
import { startHttpReceiver, startSmtpSink, type HttpReceiver, type SmtpSink } from './support/receivers.ts';
import { deliverDue, type DeliveryDeps } from '../src/services/delivery.ts';
import { deliveryTransports } from '../src/workers/delivery-runtime.ts';
import { DEFAULT_DELIVERY_POLICY } from '../src/domain/delivery-policy.ts';

for (const backend of BACKENDS) {
  describe(`admin notification pages (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    let admin: AdminClient;
    let receiver: HttpReceiver;
    let sink: SmtpSink;
    let deps: DeliveryDeps;

    before(async () => {
      clock = new TestClock();
      t = await startTestApp(backend, { clock, env: { OUTBOUND_ALLOW: '127.0.0.1' } });
      admin = await loggedIn(t, 'admin@example.com', 'admin');
      receiver = await startHttpReceiver();
      sink = await startSmtpSink();
      deps = {
        transports: deliveryTransports(t.config).transports,
        policy: { ...DEFAULT_DELIVERY_POLICY, retryBaseMs: 1000, pauseAfterFailures: 2 },
        owner: 'admin-test',
        fallbackBaseUrl: 'http://status.test',
      };
      await t.post('/services', { name: 'API', description: 'The API' });
      await t.post('/services', { name: 'Web <site>', description: 'The site' });
    });
    after(async () => {
      await t.close();
      await receiver.close();
      await sink.close();
    });

    it('adds a webhook with chosen services, shows its secret once, history, and a banner on every page when it is paused', async () => {
      const page = await admin.get('/admin/notifications');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /href="\/admin\/notifications" aria-current="page">Notifications/);
      assert.match(page.body, /Web &lt;site&gt;/);
      const bad = await admin.post('/admin/notifications/channels', {
        kind: 'webhook',
        name: 'Hook',
        url: 'not a url',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /id="ch-url-error">URL must be an absolute http or https URL/);
      const created = await t.inject({
        method: 'POST',
        url: '/admin/notifications/channels',
        remoteAddress: '127.0.0.1',
        headers: {
          cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams([
          ['_csrf', admin.csrf],
          ['kind', 'webhook'],
          ['name', 'Ops <hook>'],
          ['url', `${receiver.url}/x`],
          ['services', 'api'],
          ['services', 'web-site'],
          ['notes', 'true'],
        ]).toString(),
      });
      // Answered directly (not redirected): the signing secret is shown in this answer only.
      assert.equal(created.statusCode, 200, created.body);
      const channel = (await t.get('/channels')).json().channels[0];
      const location = `/admin/notifications/channels/${channel.id}`;
      assert.deepEqual(channel.services, ['api', 'web-site']);
      assert.equal(channel.notes, true);
      assert.equal(channel.secret, undefined, 'the API never shows it again');
      const secret = /<code>([A-Za-z0-9_-]{40,})<\/code>/.exec(created.body)?.[1];
      assert.ok(secret, 'the new secret is on the page that made it');
      assert.match(created.body, /shown only this once/);
      const stored = await t.ctx.database.db
        .selectFrom('notification_channels')
        .select('secret')
        .executeTakeFirstOrThrow();
      assert.equal(stored.secret, secret);
      const detail = await admin.get(location);
      assert.match(detail.body, /Ops &lt;hook&gt;/);
      assert.ok(!detail.body.includes(secret), 'later visits never show it');
      assert.match(detail.body, /Nothing sent yet/);
      const rotated = await admin.post(location, {
        name: 'Ops <hook>',
        url: `${receiver.url}/x`,
        services: 'api',
        notes: 'true',
        rotate_secret: 'true',
      });
      assert.equal(rotated.statusCode, 200, rotated.body);
      const fresh = /<code>([A-Za-z0-9_-]{40,})<\/code>/.exec(rotated.body)?.[1];
      assert.ok(fresh && fresh !== secret);
      assert.ok(!(await admin.get(location)).body.includes(fresh));

      receiver.answer = () => 500;
      await t.post('/services/api/events', { message: 'one', status: 'down' });
      await deliverDue(t.ctx, deps, clock.now());
      clock.advance(1000);
      await deliverDue(t.ctx, deps, clock.now());
      const history = await admin.get(location);
      assert.match(history.body, /failed \(HTTP 500\) — HTTP 500/);
      assert.match(history.body, /<h2>Paused<\/h2>/);
      const elsewhere = await admin.get('/admin/services');
      assert.match(elsewhere.body, /Notifications paused/);
      assert.ok(elsewhere.body.includes(`<a href="/admin/notifications/channels/${channel.id}">Ops &lt;hook&gt;</a>`));

      receiver.answer = () => 200;
      assert.equal((await admin.post(`${location}/resume`)).statusCode, 303);
      assert.doesNotMatch((await admin.get('/admin/services')).body, /Notifications paused/);
      clock.advance(60_000);
      await deliverDue(t.ctx, deps, clock.now());
      assert.match((await admin.get(location)).body, /delivered \(HTTP 200\)/);
      assert.equal((await admin.post(`${location}/delete`)).statusCode, 303);
      assert.deepEqual((await t.get('/channels')).json().channels, []);
    });

    it('saves SMTP settings without showing the password, and sends a test email', async () => {
      const saved = await admin.post('/admin/notifications/email', {
        host: '127.0.0.1',
        port: String(sink.port),
        security: 'none',
        user: 'mailer',
        password: 'p4ss-w0rd',
        from: 'Status <status@example.com>',
      });
      assert.equal(saved.statusCode, 303);
      const form = await admin.get('/admin/notifications/email');
      assert.ok(!form.body.includes('p4ss-w0rd'));
      assert.match(form.body, /A password is stored/);
      const bad = await admin.post('/admin/notifications/email', {
        host: 'x',
        port: '99999',
        security: 'none',
        from: 'a@b.c',
      });
      assert.equal(bad.statusCode, 400);
      const sent = await admin.post('/admin/notifications/email/test', { to: 'me@example.com' });
      assert.equal(sent.statusCode, 200);
      assert.match(sent.body, /accepted by the SMTP server/);
      assert.deepEqual(sink.messages.at(-1)!.to, ['me@example.com']);
      assert.equal((await t.get('/smtp')).json().user, 'mailer');
    });

    it('is for admins only', async () => {
      const editor = await loggedIn(t, 'editor@example.com', 'editor');
      assert.equal((await editor.get('/admin/notifications')).statusCode, 403);
      assert.equal(
        (await editor.post('/admin/notifications/channels', { kind: 'slack', name: 'x', url: receiver.url }))
          .statusCode,
        403,
      );
    });
  });
}
