import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteOptions } from 'fastify';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { AdminClient, addUser, issueSetupCode, loggedIn, PASSWORD } from './support/admin-client.ts';
import { buildApp } from '../src/app.ts';
import { connect } from '../src/db/connect.ts';
import { ChangeBus } from '../src/changes/bus.ts';
import { systemIds } from '../src/services/system.ts';
import { ACCOUNT_POLICY, ADDRESS_POLICY } from '../src/domain/login-throttle.ts';

interface SeenRoute {
  method: string;
  url: string;
  access: string | undefined;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
/** The only admin routes open to anonymous users; any other public one fails the test. */
const EXPECTED_PUBLIC = [
  'GET /admin/assets/admin.css',
  'GET /admin/assets/admin.js',
  'GET /admin/assets/favicon.svg',
  'GET /admin/login',
  'GET /admin/setup',
  'POST /admin/login',
  'POST /admin/setup',
];

function collect(into: SeenRoute[]) {
  return (route: RouteOptions) => {
    const url = String(route.url);
    if (!url.startsWith('/admin')) return;
    for (const method of [route.method].flat()) {
      if (METHODS.has(method))
        into.push({ method, url, access: (route.config as { access?: string } | undefined)?.access });
    }
  };
}

const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, 'x1').replace(/\*/g, 'x1');
const isApi = (url: string) => url.startsWith('/admin/api');

async function counts(t: TestApp) {
  const [services, lists, statuses, tokens] = await Promise.all([
    t.get('/services'),
    t.get('/service-lists'),
    t.get('/statuses'),
    t.ctx.database.db.selectFrom('api_tokens').select('id').execute(),
  ]);
  const users = await t.ctx.database.db.selectFrom('users').selectAll().execute();
  const events = await t.ctx.database.db.selectFrom('events').select('id').execute();
  return {
    services: services.json().services.length,
    lists: lists.json().lists.length,
    statuses: statuses.json().statuses.length,
    tokens: tokens.length,
    users: users.map((u) => `${u.email}:${u.role}:${u.password_hash}`).join(','),
    events: events.length,
  };
}

for (const backend of BACKENDS) {
  describe(`admin access control (${backend})`, () => {
    let t: TestApp;
    const routes: SeenRoute[] = [];
    let admin: AdminClient;
    let editor: AdminClient;

    before(async () => {
      t = await startTestApp(backend, { onRoute: collect(routes) });
      admin = await loggedIn(t, 'admin@example.com', 'admin');
      editor = await loggedIn(t, 'editor@example.com', 'editor', '10.0.0.2');
      await t.post('/service-lists', { name: 'Core', description: 'core' });
      await t.post('/services', { name: 'API', description: 'The API', list: 'core' });
    });
    after(async () => t.close());

    it('lists the admin routes from the router, and only login, setup and the stylesheet are public', () => {
      const site = routes.filter((r) => !isApi(r.url));
      assert.ok(site.length > 40, `only ${site.length} admin site routes seen`);
      assert.ok(routes.some((r) => isApi(r.url)));
      const open = site
        .filter((r) => r.access === 'public' && r.method !== 'HEAD')
        .map((r) => `${r.method} ${r.url}`)
        .sort();
      assert.deepEqual(open, EXPECTED_PUBLIC);
    });

    it('refuses anonymous users on every admin route: the site redirects to login, the API answers 401', async () => {
      let checked = 0;
      for (const route of routes) {
        if (route.access === 'public') continue;
        const url = concrete(route.url);
        const response = await t.inject({
          method: route.method as 'GET',
          url,
          remoteAddress: '10.9.9.9',
          ...(route.method === 'POST'
            ? { payload: 'name=x&_csrf=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }
            : {}),
        });
        if (isApi(route.url)) {
          assert.equal(response.statusCode, 401, `${route.method} ${url}: ${response.statusCode}`);
          assert.match(String(response.headers['www-authenticate']), /Bearer/);
        } else {
          assert.equal(response.statusCode, 303, `${route.method} ${url}: ${response.statusCode}`);
          assert.match(String(response.headers.location), /^\/admin\/login/, `${route.method} ${url}`);
        }
        checked += 1;
      }
      assert.ok(checked > 60, `checked only ${checked}`);
    });

    it('an unknown or ended session is anonymous', async () => {
      const response = await t.inject({ method: 'GET', url: '/admin', headers: { cookie: 'sb_session=made-up' } });
      assert.equal(response.statusCode, 303);
      assert.match(String(response.headers['set-cookie']), /sb_session=;.*Max-Age=0/);
      const api = await t.inject({
        method: 'GET',
        url: '/admin/api/v1/services',
        headers: { cookie: 'sb_session=made-up' },
      });
      assert.equal(api.statusCode, 401);
    });

    it('gives editors 403 on every admin-only route, and lets them at the dashboard and events', async () => {
      const before = await counts(t);
      let checked = 0;
      for (const route of routes) {
        if (isApi(route.url) || route.access === 'public' || route.access === 'editor') continue;
        const url = concrete(route.url);
        const response =
          route.method === 'POST'
            ? await editor.post(url, { name: 'Hijack', description: 'x', role: 'admin' })
            : await editor.get(url);
        if (route.method === 'HEAD') continue;
        assert.equal(response.statusCode, 403, `${route.method} ${url}: ${response.statusCode}`);
        checked += 1;
      }
      assert.ok(checked > 25, `checked only ${checked}`);
      assert.deepEqual(await counts(t), before);
      assert.equal((await editor.get('/admin')).statusCode, 200);
      const posted = await editor.post('/admin/services/api/events', { status: 'down', message: 'Broken' });
      assert.equal(posted.statusCode, 303);
      const event = (await t.get('/services/api/events/current')).json();
      assert.equal(event.author, 'user:editor@example.com');
      assert.equal((await editor.get(`/admin/services/api/events/${event.sid}/delete`)).statusCode, 200);
      assert.equal((await editor.post(`/admin/services/api/events/${event.sid}/delete`)).statusCode, 303);
      assert.equal((await t.get('/services/api/events')).json().events.length, 0);
    });

    it('accepts the session on the admin API: reads from the admin site, writes only with the CSRF header, editors only events', async () => {
      const cookie = (c: AdminClient) => `sb_session=${c.cookies.get('sb_session')}`;
      const read = await t.inject({
        method: 'GET',
        url: '/admin/api/v1/services',
        headers: { cookie: cookie(admin), 'sec-fetch-site': 'same-origin' },
      });
      assert.equal(read.statusCode, 200);
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const noToken = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/service-lists',
        payload: 'name=Sneaky&description=x',
        headers: { ...form, cookie: cookie(admin) },
      });
      assert.equal(noToken.statusCode, 403);
      const wrong = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/service-lists',
        payload: 'name=Sneaky&description=x',
        headers: { ...form, cookie: cookie(admin), 'x-csrf-token': editor.csrf },
      });
      assert.equal(wrong.statusCode, 403);
      const del = await t.inject({
        method: 'DELETE',
        url: '/admin/api/v1/services/api',
        headers: { cookie: cookie(admin) },
      });
      assert.equal(del.statusCode, 403);
      assert.equal((await t.get('/service-lists/sneaky')).statusCode, 404);
      assert.equal((await t.get('/services/api')).statusCode, 200);
      const ok = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/service-lists',
        payload: 'name=Sneaky&description=x',
        headers: { ...form, cookie: cookie(admin), 'x-csrf-token': admin.csrf },
      });
      assert.equal(ok.statusCode, 201);
      const byEditor = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services',
        payload: 'name=Other&description=x',
        headers: { ...form, cookie: cookie(editor), 'x-csrf-token': editor.csrf },
      });
      assert.equal(byEditor.statusCode, 403);
      const event = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services/api/events',
        payload: 'status=up&message=ok',
        headers: { ...form, cookie: cookie(editor), 'x-csrf-token': editor.csrf },
      });
      assert.equal(event.statusCode, 201);
      assert.equal(event.json().author, 'user:editor@example.com');
      const gone = await t.inject({
        method: 'DELETE',
        url: `/admin/api/v1/services/api/events/${event.json().sid}`,
        headers: { cookie: cookie(editor), 'x-csrf-token': editor.csrf },
      });
      assert.equal(gone.statusCode, 200);
    });

    it('refuses every admin form posted without a valid CSRF token, and nothing changes', async () => {
      await t.post('/services/api/events', { status: 'down', message: 'for deletion' });
      const sid = (await t.get('/services/api/events/current')).json().sid;
      const before = await counts(t);
      const posts = routes.filter(
        (r) => r.method === 'POST' && !isApi(r.url) && r.url !== '/admin/login' && r.url !== '/admin/setup',
      );
      assert.ok(posts.length > 15);
      for (const route of posts) {
        const url = route.url.replace(':slug', 'api').replace(':sid', sid).replace(':id', '1').replace(':', '');
        for (const token of [undefined, '', 'wrong-token', editor.csrf]) {
          const form: Record<string, string> = {
            name: 'Changed',
            description: 'x',
            role: 'editor',
            message: 'x',
            status: 'up',
            siteName: 'Changed',
          };
          const body = new URLSearchParams(token === undefined ? form : { ...form, _csrf: token }).toString();
          const response = await t.inject({
            method: 'POST',
            url,
            payload: body,
            headers: {
              cookie: `sb_session=${admin.cookies.get('sb_session')}`,
              'content-type': 'application/x-www-form-urlencoded',
            },
          });
          assert.equal(response.statusCode, 403, `POST ${url} with token ${token}: ${response.statusCode}`);
        }
      }
      assert.deepEqual(await counts(t), before);
      // Still logged in: logout without a token was refused too.
      assert.equal((await admin.get('/admin')).statusCode, 200);
    });

    it('refuses the login and setup forms without the form token', async () => {
      const anonymous = new AdminClient(t, '10.0.0.7');
      await anonymous.get('/admin/login');
      const response = await anonymous.post('/admin/login', {
        email: 'admin@example.com',
        password: PASSWORD,
        _csrf: 'forged',
      });
      assert.equal(response.statusCode, 403);
      assert.equal(anonymous.cookies.has('sb_session'), false);
      const noCookie = await t.inject({
        method: 'POST',
        url: '/admin/login',
        payload: new URLSearchParams({
          email: 'admin@example.com',
          password: PASSWORD,
          _csrf: anonymous.csrf,
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(noCookie.statusCode, 403);
    });

    it('sets the session cookie HttpOnly and SameSite=Lax, and Secure only over HTTPS', async () => {
      const client = new AdminClient(t, '10.0.0.8');
      await client.get('/admin/login');
      const response = await client.post('/admin/login', { email: 'admin@example.com', password: PASSWORD });
      const cookie = [response.headers['set-cookie']].flat().find((c) => String(c).startsWith('sb_session='))!;
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.doesNotMatch(cookie, /Secure/);
      assert.match(cookie, /Path=\/admin/);
      const page = await client.get('/admin');
      assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
      assert.doesNotMatch(String(page.headers['content-security-policy']), /unsafe-inline/);
      assert.equal(page.headers['cache-control'], 'no-store');
    });

    it('never removes or demotes the last admin, and a role change applies at once', async () => {
      const users = await t.ctx.database.db.selectFrom('users').select(['id', 'email']).execute();
      const adminId = users.find((u) => u.email === 'admin@example.com')!.id;
      const editorId = users.find((u) => u.email === 'editor@example.com')!.id;
      const demote = await admin.post(`/admin/users/${adminId}/role`, { role: 'editor' });
      assert.equal(demote.statusCode, 409);
      assert.match(demote.body, /last admin/);
      assert.equal((await admin.post(`/admin/users/${adminId}/delete`)).statusCode, 409);
      assert.equal((await editor.get('/admin/users')).statusCode, 403);
      assert.equal((await admin.post(`/admin/users/${editorId}/role`, { role: 'admin' })).statusCode, 303);
      assert.equal((await editor.get('/admin/users')).statusCode, 200);
      assert.equal((await admin.post(`/admin/users/${adminId}/role`, { role: 'editor' })).statusCode, 303);
      assert.equal((await admin.get('/admin/users')).statusCode, 403);
      assert.equal((await editor.post(`/admin/users/${adminId}/role`, { role: 'admin' })).statusCode, 303);
    });

    it('ends the session at logout', async () => {
      const client = await loggedIn(t, 'leaving@example.com', 'editor', '10.0.0.9');
      const secret = client.cookies.get('sb_session');
      assert.equal((await client.post('/admin/logout')).statusCode, 303);
      const after = await t.inject({ method: 'GET', url: '/admin', headers: { cookie: `sb_session=${secret}` } });
      assert.equal(after.statusCode, 303);
    });
  });

  describe(`cookies behind an HTTPS proxy (${backend})`, () => {
    it('marks the session cookie Secure when the request came over HTTPS', async () => {
      const t = await startTestApp(backend, { env: { TRUST_PROXY: '1' } });
      try {
        await addUser(t, 'secure@example.com', 'admin');
        const client = new AdminClient(t);
        const https = { 'x-forwarded-proto': 'https' };
        await client.get('/admin/login', https);
        const response = await client.post('/admin/login', { email: 'secure@example.com', password: PASSWORD }, https);
        assert.equal(response.statusCode, 303);
        // Over HTTPS a __Host- cookie: Secure, Path=/, no Domain (a sibling subdomain cannot plant one).
        const cookie = [response.headers['set-cookie']].flat().find((c) => String(c).startsWith('__Host-sb_session='))!;
        assert.match(cookie, /; Secure/);
        assert.match(cookie, /Path=\/;/);
        assert.doesNotMatch(cookie, /Domain=/i);
        assert.match(cookie, /HttpOnly/);
      } finally {
        await t.close();
      }
    });
  });

  describe(`first-run setup (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => t.close());

    it('sends everyone to setup while no user exists', async () => {
      const client = new AdminClient(t);
      assert.equal((await client.get('/admin/login')).headers.location, '/admin/setup');
      assert.equal((await client.get('/admin/setup')).statusCode, 200);
    });

    it('requires the setup code and accepts it once', async () => {
      const code = (await issueSetupCode(t.ctx))!;
      assert.match(code, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
      const client = new AdminClient(t);
      await client.get('/admin/setup');
      const account = { email: 'first@example.com', password: PASSWORD, confirm: PASSWORD };
      const missing = await client.post('/admin/setup', account);
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /id="setup-code-error"/);
      assert.match(missing.body, /value="first@example.com"/);
      const wrong = await client.post('/admin/setup', { ...account, code: 'AAAA-BBBB-CCCC-DDDD-EEEE' });
      assert.equal(wrong.statusCode, 400);
      assert.equal((await t.ctx.database.db.selectFrom('users').selectAll().execute()).length, 0);
      const ok = await client.post('/admin/setup', { ...account, code: code.toLowerCase().replace(/-/g, ' ') });
      assert.equal(ok.statusCode, 303);
      const again = await new AdminClient(t).post('/admin/setup', { ...account, email: 'second@example.com', code });
      assert.ok(again.statusCode === 400 || again.statusCode === 403, String(again.statusCode));
      const users = await t.ctx.database.db.selectFrom('users').select(['email', 'role']).execute();
      assert.deepEqual(users, [{ email: 'first@example.com', role: 'admin' }]);
      assert.equal(await issueSetupCode(t.ctx), undefined);
      assert.equal((await new AdminClient(t).get('/admin/setup')).headers.location, '/admin/login');
      // Setup signed the new admin in; the password works for a new login too.
      assert.equal((await client.get('/admin')).statusCode, 200);
      assert.equal((await new AdminClient(t).login('first@example.com', PASSWORD)).statusCode, 303);
    });

    it('retires the codes when the first user comes from the command line', async () => {
      const t2 = await startTestApp(backend);
      try {
        const code = (await issueSetupCode(t2.ctx))!;
        await addUser(t2, 'cli@example.com', 'admin');
        const client = new AdminClient(t2);
        await client.get('/admin/login');
        const response = await client.post('/admin/setup', {
          code,
          email: 'late@example.com',
          password: PASSWORD,
          confirm: PASSWORD,
        });
        assert.equal(response.statusCode, 400);
        assert.equal((await t2.ctx.database.db.selectFrom('setup_codes').selectAll().execute()).length, 0);
      } finally {
        await t2.close();
      }
    });
  });

  describe(`failed logins (${backend})`, () => {
    let t: TestApp;
    const clock = new TestClock();
    before(async () => {
      t = await startTestApp(backend, { clock });
      await addUser(t, 'victim@example.com', 'admin');
    });
    after(async () => t.close());

    it('slows an account down after a few failures, then locks it, from any address, even for the right password', async () => {
      const attempt = (password: string, address: string) =>
        new AdminClient(t, address).login('victim@example.com', password);
      for (let i = 0; i < ACCOUNT_POLICY.freeFailures; i += 1)
        assert.equal((await attempt('wrong password!', `10.1.0.${i}`)).statusCode, 401);
      const slowed = await attempt('wrong password!', '10.1.1.1');
      assert.equal(slowed.statusCode, 401);
      assert.match(slowed.body, /Wait 2 seconds/);
      const blocked = await attempt(PASSWORD, '10.1.1.2');
      assert.equal(blocked.statusCode, 429);
      assert.equal(blocked.headers['retry-after'], '2');
      clock.advance(2_000);
      for (let n = ACCOUNT_POLICY.freeFailures + 2; n <= ACCOUNT_POLICY.lockAfter; n += 1) {
        assert.equal((await attempt('wrong password!', `10.1.2.${n}`)).statusCode, 401, `failure ${n}`);
        clock.advance(ACCOUNT_POLICY.lockMs);
      }
      // Locked for lockMs after the last failure, on every instance sharing the database.
      clock.advance(-ACCOUNT_POLICY.lockMs + 60_000);
      const locked = await attempt(PASSWORD, '10.1.3.1');
      assert.equal(locked.statusCode, 429);
      assert.match(locked.body, /minutes/);
      const other = connect(t.databaseUrl);
      const otherApp = await buildApp({
        config: t.config,
        ctx: { database: other, clock, ids: systemIds(), changes: new ChangeBus() },
      });
      try {
        const client = new AdminClient({ ...t, inject: (o) => otherApp.inject(o) }, '10.1.3.2');
        assert.equal((await client.login('victim@example.com', PASSWORD)).statusCode, 429);
      } finally {
        await otherApp.close();
        await other.close();
      }
      clock.advance(ACCOUNT_POLICY.lockMs);
      assert.equal((await attempt(PASSWORD, '10.1.3.3')).statusCode, 303);
      const audit = await t.ctx.database.db
        .selectFrom('audit_log')
        .select('action')
        .where('target', '=', 'victim@example.com')
        .execute();
      assert.ok(audit.some((a) => a.action === 'login.failed'));
      assert.ok(audit.some((a) => a.action === 'login.throttled'));
      assert.ok(audit.some((a) => a.action === 'login.succeeded'));
    });

    it('slows down one address guessing many accounts, and not the others', async () => {
      clock.advance(ADDRESS_POLICY.windowMs);
      const from = (address: string, email: string, password: string) =>
        new AdminClient(t, address).login(email, password);
      for (let i = 0; i < ADDRESS_POLICY.freeFailures; i += 1) {
        assert.equal((await from('10.2.0.1', `guess${i}@example.com`, 'nope nope nope')).statusCode, 401);
      }
      assert.equal((await from('10.2.0.1', 'guess-last@example.com', 'nope nope nope')).statusCode, 401);
      assert.equal((await from('10.2.0.1', 'victim@example.com', PASSWORD)).statusCode, 429);
      assert.equal((await from('10.2.0.2', 'victim@example.com', PASSWORD)).statusCode, 303);
    });
  });
}
