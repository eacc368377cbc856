import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BACKENDS, TestClock, startTestApp, type TestApp } from './support/harness.ts';
import { startSmtpSink, type SmtpSink } from './support/receivers.ts';
import { deliverDue, type DeliveryDeps } from '../src/services/delivery.ts';
import { deliveryTransports } from '../src/workers/delivery-runtime.ts';
import { DEFAULT_DELIVERY_POLICY } from '../src/domain/delivery-policy.ts';
import type { ParsedMail } from 'mailparser';
import { insertSubscriberRows } from '../src/db/repositories/subscribers.ts';

const SITE = 'http://status.test';

/** The path and query of a link in an email, to follow it against the app under test. */
function pathOf(link: string): string {
  const url = new URL(link);
  assert.equal(url.origin, SITE);
  return `${url.pathname}${url.search}`;
}

/** A header as sent, unfolded. */
function headerLine(mail: ParsedMail, name: string): string {
  return (mail.headerLines.find((h) => h.key === name)?.line ?? '').replace(/\r?\n[ \t]+/g, ' ');
}

function linkIn(text: string, path: string): string {
  const match = new RegExp(`${SITE.replace(/\./g, '\\.')}${path}\\?token=[A-Za-z0-9_%-]+`).exec(text);
  assert.ok(match, `a ${path} link in: ${text}`);
  return match[0];
}

for (const backend of BACKENDS) {
  describe(`email subscriptions and lists (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    let sink: SmtpSink;
    let deps: DeliveryDeps;
    let closeTransports: () => void;

    before(async () => {
      clock = new TestClock();
      t = await startTestApp(backend, { clock, env: { OUTBOUND_ALLOW: '127.0.0.1' } });
      sink = await startSmtpSink();
      const transports = deliveryTransports(t.config);
      closeTransports = transports.close;
      deps = {
        transports: transports.transports,
        policy: { ...DEFAULT_DELIVERY_POLICY, retryBaseMs: 1000 },
        owner: 'email-test',
        fallbackBaseUrl: SITE,
      };
      await t.post('/services', { name: 'API', description: 'The API' });
      await t.post('/services', { name: 'Website', description: 'The site' });
      const smtp = await t.post('/smtp', {
        host: '127.0.0.1',
        port: String(sink.port),
        security: 'none',
        from: 'Status <status@example.com>',
        user: 'u',
        password: 'secret-pw',
      });
      assert.equal(smtp.statusCode, 200, smtp.body);
      assert.equal(smtp.json().passwordSet, true);
      assert.equal(smtp.json().password, undefined, 'the password is never shown');
    });
    after(async () => {
      closeTransports();
      await t.close();
      await sink.close();
    });

    const run = () => deliverDue(t.ctx, deps, clock.now());

    async function formSession(): Promise<{ cookie: string; csrf: string }> {
      const page = await t.inject({ method: 'GET', url: '/subscribe' });
      assert.equal(page.statusCode, 200);
      const cookie = String(page.headers['set-cookie']).split(';')[0]!;
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
      return { cookie, csrf };
    }

    async function subscribeForm(
      fields: Array<[string, string]>,
      session?: { cookie: string; csrf: string },
      headers: Record<string, string> = {},
    ) {
      const s = session ?? (await formSession());
      return t.inject({
        method: 'POST',
        url: '/subscribe',
        headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams([['csrf', s.csrf], ...fields]).toString(),
      });
    }

    it('sends a test email from the admin API', async () => {
      const res = await t.post('/smtp/test', { to: 'admin@example.com' });
      assert.deepEqual(res.json(), { ok: true });
      const last = sink.messages.at(-1)!;
      assert.deepEqual(last.to, ['admin@example.com']);
      assert.equal(last.from, 'status@example.com');
      assert.match(last.mail.subject ?? '', /Test email/);
    });

    it('double opt-in: only the confirmation is sent until its link is opened; then notices with one-click unsubscribe', async () => {
      sink.messages.length = 0;
      const res = await subscribeForm([
        ['email', 'Reader@Example.com'],
        ['scope', 'some'],
        ['services', 'api'],
      ]);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(res.body, /Check your inbox/);
      assert.equal(sink.messages.length, 0, 'the page does not wait for SMTP');
      await t.post('/services/api/events', { message: 'before confirming', status: 'down' });
      await run();
      assert.equal(sink.messages.length, 1, 'only the confirmation');
      const confirm = sink.messages[0]!;
      assert.deepEqual(confirm.to, ['reader@example.com']);
      assert.match(confirm.mail.subject ?? '', /Confirm your subscription/);
      const link = linkIn(confirm.mail.text ?? '', '/subscribe/confirm');
      assert.ok(String(confirm.mail.html).includes(link.replace(/&/g, '&amp;')), 'the HTML part has the same link');
      // Only the token's hash is stored.
      const token = new URL(link).searchParams.get('token')!;
      const rows = await t.ctx.database.db.selectFrom('subscriber_tokens').selectAll().execute();
      assert.ok(rows.some((r) => r.token_hash === createHash('sha256').update(token).digest('hex')));
      assert.ok(rows.every((r) => r.token_hash !== token));
      assert.equal((await t.get('/subscribers')).json().subscribers[0].confirmed, false);

      const opened = await t.inject({ method: 'GET', url: pathOf(link) });
      assert.equal(opened.statusCode, 200);
      assert.match(opened.body, /Subscription confirmed/);
      assert.equal((await t.get('/subscribers')).json().subscribers[0].confirmed, true);
      assert.equal(
        (await t.inject({ method: 'GET', url: pathOf(link) })).statusCode,
        404,
        'a confirmation link works once',
      );

      sink.messages.length = 0;
      await t.post('/services/website/events', { message: 'not chosen', status: 'down' });
      await t.post('/services/api/events', { message: 'API <b>broken</b> & slow', status: 'down' });
      await run();
      assert.equal(sink.messages.length, 1);
      const notice = sink.messages[0]!;
      assert.equal(notice.mail.subject, '[Stashboard] API is Down');
      assert.match(notice.mail.text ?? '', /API <b>broken<\/b> & slow/);
      assert.ok(String(notice.mail.html).includes('API &lt;b&gt;broken&lt;/b&gt; &amp; slow'), 'HTML is escaped');
      const header = headerLine(notice.mail, 'list-unsubscribe');
      const unsubscribeLink = /^List-Unsubscribe:\s*<([^>]+)>$/i.exec(header)![1]!;
      assert.equal(unsubscribeLink, linkIn(notice.mail.text ?? '', '/unsubscribe'));
      assert.equal(
        headerLine(notice.mail, 'list-unsubscribe-post'),
        'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
      );

      // The delivery history keeps what each email said, its one-time link token hidden.
      const subscriberId = (await t.get('/subscribers')).json().subscribers[0].id;
      const history = (await t.get(`/subscribers/${subscriberId}/deliveries`)).json().deliveries;
      assert.deepEqual(
        history.map((d: { type: string; state: string }) => [d.type, d.state]),
        [
          ['event.created', 'delivered'],
          ['subscription.confirm', 'delivered'],
        ],
      );
      const sent = JSON.parse(history[0].payload);
      assert.deepEqual(Object.keys(sent), ['to', 'subject', 'text', 'html']);
      assert.deepEqual(sent.to, ['reader@example.com']);
      assert.equal(sent.subject, notice.mail.subject);
      assert.match(sent.text, /API <b>broken<\/b> & slow/);
      assert.ok(sent.html.includes('API &lt;b&gt;broken&lt;/b&gt; &amp; slow'));
      const noticeToken = new URL(unsubscribeLink).searchParams.get('token')!;
      assert.ok(sent.text.includes('/unsubscribe?token=[token]'), sent.text);
      assert.ok(!sent.text.includes(noticeToken) && !sent.html.includes(encodeURIComponent(noticeToken)));
      const sentConfirm = JSON.parse(history[1].payload);
      assert.match(sentConfirm.subject, /Confirm your subscription/);
      assert.ok(sentConfirm.text.includes('/subscribe/confirm?token=[token]'));
      assert.ok(!sentConfirm.text.includes(token));
      assert.equal((await t.get('/subscribers/999999/deliveries')).statusCode, 404);

      // The one-click POST a mail client sends.
      const oneClick = await t.inject({
        method: 'POST',
        url: pathOf(unsubscribeLink),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      assert.equal(oneClick.statusCode, 200);
      assert.deepEqual((await t.get('/subscribers')).json().subscribers, []);
      sink.messages.length = 0;
      await t.post('/services/api/events', { message: 'after unsubscribing', status: 'up' });
      await run();
      assert.equal(sink.messages.length, 0);
    });

    it('the unsubscribe link in the body unsubscribes when opened; multipart one-click works too', async () => {
      for (const email of ['one@example.com', 'two@example.com']) {
        sink.messages.length = 0;
        assert.equal(
          (
            await subscribeForm([
              ['email', email],
              ['scope', 'all'],
            ])
          ).statusCode,
          200,
        );
        await run();
        await t.inject({ method: 'GET', url: pathOf(linkIn(sink.messages[0]!.mail.text ?? '', '/subscribe/confirm')) });
      }
      sink.messages.length = 0;
      await t.post('/services/website/events', { message: 'site note', informational: 'true' });
      await run();
      assert.deepEqual(sink.messages.map((m) => m.to[0]).sort(), ['one@example.com', 'two@example.com']);
      const byAddress = new Map(sink.messages.map((m) => [m.to[0], linkIn(m.mail.text ?? '', '/unsubscribe')]));
      const opened = await t.inject({ method: 'GET', url: pathOf(byAddress.get('one@example.com')!) });
      assert.equal(opened.statusCode, 200);
      assert.match(opened.body, /You are unsubscribed/);
      const boundary = 'xyz';
      const multipart = await t.inject({
        method: 'POST',
        url: pathOf(byAddress.get('two@example.com')!),
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
      });
      assert.equal(multipart.statusCode, 200);
      assert.deepEqual((await t.get('/subscribers')).json().subscribers, []);
      assert.equal((await t.inject({ method: 'GET', url: pathOf(byAddress.get('one@example.com')!) })).statusCode, 404);
    });

    it('refuses a form without its CSRF cookie or from another origin, and rate limits', async () => {
      const s = await formSession();
      const noCookie = await t.inject({
        method: 'POST',
        url: '/subscribe',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ csrf: s.csrf, email: 'x@example.com', scope: 'all' }).toString(),
      });
      assert.equal(noCookie.statusCode, 403);
      const crossSite = await subscribeForm(
        [
          ['email', 'x@example.com'],
          ['scope', 'all'],
        ],
        s,
        { origin: 'https://evil.example' },
      );
      assert.equal(crossSite.statusCode, 403);
      assert.equal(
        (
          await subscribeForm(
            [
              ['email', 'not an email'],
              ['scope', 'all'],
            ],
            s,
          )
        ).statusCode,
        400,
      );
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1)
        statuses.push(
          (
            await subscribeForm(
              [
                ['email', 'flood@example.com'],
                ['scope', 'all'],
              ],
              s,
            )
          ).statusCode,
        );
      assert.deepEqual(statuses, [200, 200, 200, 429]);
      clock.advance(61 * 60_000);
      assert.equal(
        (
          await subscribeForm(
            [
              ['email', 'flood@example.com'],
              ['scope', 'all'],
            ],
            s,
          )
        ).statusCode,
        200,
      );
      const subscriber = (await t.get('/subscribers'))
        .json()
        .subscribers.find((x: { email: string }) => x.email === 'flood@example.com');
      assert.equal((await t.del(`/subscribers/${subscriber.id}`)).statusCode, 200);
      await run();
    });

    it('an email list channel gets one email to all its addresses (blind copies), retried after an SMTP failure', async () => {
      const list = await t.post('/channels', {
        kind: 'email',
        name: 'Ops list',
        addresses: 'ops@example.com, oncall@example.com',
        services: 'api',
      });
      assert.equal(list.statusCode, 201, list.body);
      sink.messages.length = 0;
      sink.failNext(1);
      await t.post('/services/api/events', { message: 'list notice', status: 'warning' });
      const first = await run();
      assert.equal(first.failed, 1);
      assert.equal(sink.messages.length, 0);
      clock.advance(1000);
      await run();
      assert.equal(sink.messages.length, 1);
      const mail = sink.messages[0]!;
      assert.deepEqual(mail.to.sort(), ['oncall@example.com', 'ops@example.com']);
      assert.equal(mail.mail.to, undefined, 'no visible To list');
      assert.equal(headerLine(mail.mail, 'list-unsubscribe'), '');
      assert.match(mail.mail.text ?? '', /list notice/);
      const [delivery] = (await t.get(`/channels/${list.json().id}/deliveries`)).json().deliveries;
      assert.equal(delivery.state, 'delivered');
      assert.equal(delivery.tries.length, 2);
      assert.match(delivery.tries[0].error, /451|try again/);
      await t.del(`/channels/${list.json().id}`);
    });

    it('many subscribers: the API answers before any email is sent; the worker sends each one once, in batches', async () => {
      const now = clock.now();
      await insertSubscriberRows(
        t.ctx.database.db,
        Array.from({ length: 300 }, (_, i) => ({
          email: `bulk${i}@example.com`,
          services: null,
          confirmedAt: now,
          createdAt: now,
        })),
      );
      sink.messages.length = 0;
      const started = performance.now();
      const res = await t.post('/services/api/events', { message: 'bulk', status: 'down' });
      const apiMs = performance.now() - started;
      assert.equal(res.statusCode, 201);
      assert.equal(sink.messages.length, 0);
      const sendStarted = performance.now();
      const result = await run();
      const sendMs = performance.now() - sendStarted;
      assert.equal(result.delivered, 300);
      assert.equal(sink.messages.length, 300);
      assert.equal(new Set(sink.messages.map((m) => m.to[0])).size, 300);
      console.log(
        `# ${backend}: POST event with 300 subscribers answered in ${apiMs.toFixed(1)} ms; 300 emails sent in ${sendMs.toFixed(0)} ms`,
      );
    });
  });
}
