import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, TestClock, startTestApp, type TestApp } from './support/harness.ts';
import { startSmtpSink, type SmtpSink } from './support/receivers.ts';
import { deliverDue, type DeliveryDeps } from '../src/services/delivery.ts';
import { deliveryTransports } from '../src/workers/delivery-runtime.ts';
import { DEFAULT_DELIVERY_POLICY } from '../src/domain/delivery-policy.ts';

const SITE = 'http://status.test';

function linkIn(text: string, path: string): string {
  const match = new RegExp(`${SITE.replace(/\./g, '\\.')}${path}\\?token=[A-Za-z0-9_%-]+`).exec(text);
  assert.ok(match, `a ${path} link in: ${text}`);
  const url = new URL(match[0]);
  return `${url.pathname}${url.search}`;
}

for (const backend of BACKENDS) {
  describe(`subscribe page and managing a subscription (${backend})`, () => {
    let t: TestApp;
    let sink: SmtpSink;
    let deps: DeliveryDeps;
    let closeTransports: () => void;
    const clock = new TestClock();

    before(async () => {
      t = await startTestApp(backend, { clock, env: { OUTBOUND_ALLOW: '127.0.0.1' } });
      sink = await startSmtpSink();
      const transports = deliveryTransports(t.config);
      closeTransports = transports.close;
      deps = {
        transports: transports.transports,
        policy: { ...DEFAULT_DELIVERY_POLICY, retryBaseMs: 1000 },
        owner: 'manage-test',
        fallbackBaseUrl: SITE,
      };
      await t.post('/services', { name: 'API', description: 'The API' });
      await t.post('/services', { name: 'Website', description: 'The site' });
    });
    after(async () => {
      closeTransports();
      await t.close();
      await sink.close();
    });

    const run = () => deliverDue(t.ctx, deps, clock.now());

    async function session(url = '/subscribe') {
      const page = await t.inject({ method: 'GET', url });
      const cookie = String(page.headers['set-cookie'] ?? '').split(';')[0] ?? '';
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      return { page, cookie, csrf };
    }

    const postForm = (url: string, cookie: string, fields: Array<[string, string]>) =>
      t.inject({
        method: 'POST',
        url,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      });

    it('without email delivery says so plainly, offers the feeds, and never claims a link was sent', async () => {
      const { page } = await session();
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Email updates are not available here yet/);
      assert.match(page.body, /<a href="\/atom">Atom feed<\/a>/);
      assert.doesNotMatch(page.body, /type="email"/, 'no form that could not be honoured');
      const sent = await postForm('/subscribe', '', [['email', 'a@example.com']]);
      assert.doesNotMatch(sent.body, /Check your inbox/);
    });

    it('links every notice to a page where the reader changes services or leaves, through a real SMTP server', async () => {
      const smtp = await t.post('/smtp', {
        host: '127.0.0.1',
        port: String(sink.port),
        security: 'none',
        from: 'Status <status@example.com>',
      });
      assert.equal(smtp.statusCode, 200, smtp.body);
      const form = await session();
      assert.match(form.page.body, /type="email"/);
      const res = await postForm('/subscribe', form.cookie, [
        ['csrf', form.csrf],
        ['email', 'reader@example.com'],
        ['scope', 'all'],
      ]);
      assert.match(res.body, /Check your inbox/);
      await run();
      const confirm = linkIn(sink.messages.at(-1)!.mail.text ?? '', '/subscribe/confirm');
      assert.equal((await t.inject({ method: 'GET', url: confirm })).statusCode, 200);

      sink.messages.length = 0;
      await t.post('/services/api/events', { status: 'down', message: 'API down' });
      await run();
      assert.equal(sink.messages.length, 1);
      const text = sink.messages[0]!.mail.text ?? '';
      const manage = linkIn(text, '/subscribe/manage');
      assert.match(text, /Change your services or leave: /);
      assert.ok(String(sink.messages[0]!.mail.html).includes('Manage your subscription'));

      const page = await session(manage);
      assert.equal(page.page.statusCode, 200);
      assert.match(page.page.body, /Updates go to <strong>reader@example.com<\/strong>/);
      const token = new URLSearchParams(manage.split('?')[1]).get('token')!;

      const empty = await postForm('/subscribe/manage', page.cookie, [
        ['csrf', page.csrf],
        ['token', token],
        ['scope', 'some'],
      ]);
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Choose at least one service/);
      const forged = await postForm('/subscribe/manage', page.cookie, [
        ['csrf', 'wrong'],
        ['token', token],
        ['scope', 'some'],
        ['services', 'website'],
      ]);
      assert.equal(forged.statusCode, 403);

      const saved = await postForm('/subscribe/manage', page.cookie, [
        ['csrf', page.csrf],
        ['token', token],
        ['scope', 'some'],
        ['services', 'website'],
        ['action', 'save'],
      ]);
      assert.equal(saved.statusCode, 200);
      assert.match(saved.body, /Saved: your choice of services is changed/);
      assert.match(saved.body, /value="website"\s+checked/);

      sink.messages.length = 0;
      await t.post('/services/api/events', { status: 'up', message: 'API back' });
      await t.post('/services/website/events', { status: 'down', message: 'Website down' });
      await run();
      assert.deepEqual(
        sink.messages.map((m) => m.mail.subject),
        ['[Stashboard] Website is Down'],
        'only the chosen service now',
      );

      const left = await postForm('/subscribe/manage', page.cookie, [
        ['csrf', page.csrf],
        ['token', token],
        ['action', 'leave'],
      ]);
      assert.match(left.body, /You are unsubscribed/);
      assert.equal((await t.inject({ method: 'GET', url: manage })).statusCode, 404);
      assert.equal((await t.get('/subscribers')).json().subscribers.length, 0);
    });
  });
}
