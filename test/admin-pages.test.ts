import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { loggedIn, type AdminClient } from './support/admin-client.ts';

const errorNear = (body: string, id: string) => new RegExp(`id="${id}-error">([^<]*)`).exec(body)?.[1];

for (const backend of BACKENDS) {
  describe(`admin pages (${backend})`, () => {
    let t: TestApp;
    let admin: AdminClient;
    before(async () => {
      t = await startTestApp(backend);
      admin = await loggedIn(t, 'admin@example.com', 'admin');
    });
    after(async () => t.close());

    it('creates lists and services, moves a service between lists, keeping input and showing errors by the field', async () => {
      assert.equal((await admin.post('/admin/lists', { name: 'Core', description: 'Core things' })).statusCode, 303);
      assert.equal((await admin.post('/admin/lists', { name: 'Edge', description: 'Edge things' })).statusCode, 303);
      const dup = await admin.post('/admin/lists', { name: 'core', description: 'again' });
      assert.equal(dup.statusCode, 400);
      assert.match(errorNear(dup.body, 'new-list-name') ?? '', /already exists/);
      assert.match(dup.body, />again<\/textarea>/);
      const missing = await admin.post('/admin/services', { name: 'API', description: '', list: 'core' });
      assert.equal(missing.statusCode, 400);
      assert.match(errorNear(missing.body, 'new-svc-description') ?? '', /Description is required/);
      assert.match(missing.body, /id="new-svc-name" name="name" type="text" value="API"/);
      assert.match(missing.body, /<option value="core" selected>/);
      assert.equal(
        (await admin.post('/admin/services', { name: 'API', description: 'The API', list: 'core' })).statusCode,
        303,
      );
      assert.equal((await t.get('/services/api')).json().list.id, 'core');
      assert.equal(
        (await admin.post('/admin/services/api', { name: 'Public API', description: 'The API', list: 'edge' }))
          .statusCode,
        303,
      );
      const moved = (await t.get('/services/api')).json();
      assert.deepEqual([moved.id, moved.name, moved.list.id], ['api', 'Public API', 'edge']);
      assert.equal(
        (await admin.post('/admin/services/api', { name: 'Public API', description: 'The API', list: '' })).statusCode,
        303,
      );
      assert.equal((await t.get('/services/api')).json().list, null);
    });

    it('escapes what users typed everywhere it is shown', async () => {
      const evil = '<script>alert(1)</script>"\'';
      assert.equal((await admin.post('/admin/services', { name: 'Evil', description: evil })).statusCode, 303);
      assert.equal(
        (await admin.post('/admin/services/evil/events', { status: 'down', message: evil })).statusCode,
        303,
      );
      for (const path of [
        '/admin',
        '/admin/services',
        '/admin/services/evil',
        '/admin/services/evil/events',
        '/admin/audit',
      ]) {
        const body = (await admin.get(path)).body;
        assert.doesNotMatch(body, /<script>alert/, path);
      }
      assert.match(
        (await admin.get('/admin/services/evil/events')).body,
        /&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&#39;/,
      );
    });

    it('posts status changes and notes from the dashboard, as the user', async () => {
      const bad = await admin.post('/admin/services/api/events', { status: 'down', message: '' });
      assert.equal(bad.statusCode, 400);
      assert.match(errorNear(bad.body, 'svc-api-message') ?? '', /Message is required/);
      assert.match(bad.body, /value="down" id="svc-api-status-\d+" checked/);
      assert.equal(
        (await admin.post('/admin/services/api/events', { status: 'down', message: 'Broken' })).statusCode,
        303,
      );
      assert.equal(
        (await admin.post('/admin/services/api/events', { status: 'up', message: 'Looking', informational: 'true' }))
          .statusCode,
        303,
      );
      const current = (await t.get('/services/api/events/current')).json();
      assert.deepEqual(
        [current.status.id, current.informational, current.author],
        ['down', true, 'user:admin@example.com'],
      );
      const dashboard = await admin.get('/admin');
      assert.match(dashboard.body, /Note:<\/strong> Looking/);
    });

    it('says how many events go with a service before deleting it', async () => {
      const confirm = await admin.get('/admin/services/api/delete');
      assert.match(confirm.body, /<strong>2 events<\/strong>/);
      assert.equal((await admin.post('/admin/services/api/delete')).statusCode, 303);
      assert.equal((await t.get('/services/api')).statusCode, 404);
    });

    it('manages statuses: icon, level, default, and deleting one in use deletes its events after saying so', async () => {
      const form = await admin.get('/admin/statuses/new');
      assert.equal((form.body.match(/<img src="\/images\/icons\/fugue\/[a-z-]+\.svg"/g) ?? []).length, 22);
      const noIcon = await admin.post('/admin/statuses', {
        name: 'Maintenance',
        description: 'Planned',
        level: 'WARNING',
      });
      assert.equal(noIcon.statusCode, 400);
      assert.match(errorNear(noIcon.body, 'status-image') ?? '', /Image is required/);
      assert.equal(
        (
          await admin.post('/admin/statuses', {
            name: 'Maintenance',
            description: 'Planned',
            level: 'WARNING',
            image: 'wrench',
            default: 'true',
          })
        ).statusCode,
        303,
      );
      const created = (await t.get('/statuses/maintenance')).json();
      assert.deepEqual([created.level, created.default], ['WARNING', true]);
      assert.match(created.image, /wrench/);
      assert.equal((await t.get('/statuses/up')).json().default, false);
      await admin.post('/admin/services/evil/events', { status: 'warning', message: 'uses warning' });
      assert.match((await admin.get('/admin/statuses/warning/delete')).body, /<strong>1 event<\/strong> use/);
      const refused = await admin.post('/admin/statuses/maintenance/delete');
      assert.equal(refused.statusCode, 409);
      assert.equal((await admin.post('/admin/statuses/warning/delete')).statusCode, 303);
      assert.equal((await t.get('/statuses/warning')).statusCode, 404);
    });

    it('applies site settings to the public site at once', async () => {
      const before = await t.inject({ method: 'GET', url: '/' });
      assert.equal(before.statusCode, 200);
      const bad = await admin.post('/admin/settings', {
        siteName: 'Acme status',
        timeZone: 'Nowhere/Else',
        historyDays: '30',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(errorNear(bad.body, 'set-timeZone') ?? '', /time zone/);
      assert.match(bad.body, /value="Acme status"/);
      assert.equal(
        (await admin.post('/admin/settings', { siteName: 'Acme status', timeZone: 'Europe/Berlin', historyDays: '30' }))
          .statusCode,
        303,
      );
      assert.match((await t.inject({ method: 'GET', url: '/' })).body, /Acme status/);
      assert.match((await admin.get('/admin/settings')).body, /value="Europe\/Berlin"/);
    });

    it('creates tokens shown once, revokes them, and regenerates the OAuth credentials', async () => {
      const created = await admin.post('/admin/credentials/tokens', { name: 'checker', scope: 'events' });
      const secret = /<code>(sb_[^<]+)<\/code>/.exec(created.body)![1]!;
      assert.equal(created.headers['cache-control'], 'no-store');
      const page = await admin.get('/admin/credentials');
      assert.ok(!page.body.includes(secret));
      assert.equal(
        (
          await t.inject({
            method: 'GET',
            url: '/admin/api/v1/services',
            headers: { authorization: `Bearer ${secret}` },
          })
        ).statusCode,
        403,
      );
      const id = secret.slice(3, secret.indexOf('.'));
      assert.equal((await admin.post(`/admin/credentials/tokens/${id}/revoke`)).statusCode, 303);
      assert.equal(
        (
          await t.inject({
            method: 'GET',
            url: '/admin/api/v1/services/evil/events',
            headers: { authorization: `Bearer ${secret}` },
          })
        ).statusCode,
        401,
      );
      const key = /Consumer key<\/dt><dd><code>([^<]+)/.exec(page.body)![1];
      assert.equal((await admin.post('/admin/credentials/oauth/regenerate')).statusCode, 303);
      const after = /Consumer key<\/dt><dd><code>([^<]+)/.exec((await admin.get('/admin/credentials')).body)![1];
      assert.notEqual(after, key);
    });

    it('adds users with a generated password shown once, and removes them', async () => {
      const added = await admin.post('/admin/users', { email: 'New@Example.com', role: 'editor', password: '' });
      assert.equal(added.statusCode, 200);
      const password = /once; they should change it[^<]*<\/p>\s*<p><code>([^<]+)/.exec(added.body)![1]!;
      const editor = await (async () => {
        const { AdminClient } = await import('./support/admin-client.ts');
        const c = new AdminClient(t, '10.3.0.1');
        assert.equal((await c.login('new@example.com', password)).statusCode, 303);
        return c;
      })();
      assert.equal((await editor.get('/admin')).statusCode, 200);
      const id = (
        await t.ctx.database.db
          .selectFrom('users')
          .select('id')
          .where('email', '=', 'new@example.com')
          .executeTakeFirstOrThrow()
      ).id;
      assert.match((await admin.get(`/admin/users/${id}/delete`)).body, /Remove new@example.com\?/);
      assert.equal((await admin.post(`/admin/users/${id}/delete`)).statusCode, 303);
      assert.equal((await editor.get('/admin')).statusCode, 303);
    });

    it('changes the password, ending the other sessions', async () => {
      const other = await loggedIn(t, 'changer@example.com', 'editor', '10.3.0.2');
      const second = await loggedIn(t, 'x-other@example.com', 'editor', '10.3.0.3');
      const { AdminClient, PASSWORD } = await import('./support/admin-client.ts');
      const again = new AdminClient(t, '10.3.0.4');
      await again.login('changer@example.com', PASSWORD);
      const wrong = await other.post('/admin/account/password', {
        current: 'not it at all',
        password: 'a brand new passphrase',
        confirm: 'a brand new passphrase',
      });
      assert.equal(wrong.statusCode, 400);
      assert.match(errorNear(wrong.body, 'pw-current') ?? '', /wrong/);
      const differ = await other.post('/admin/account/password', {
        current: PASSWORD,
        password: 'a brand new passphrase',
        confirm: 'something else entirely',
      });
      assert.match(errorNear(differ.body, 'pw-confirm') ?? '', /differ/);
      assert.equal(
        (
          await other.post('/admin/account/password', {
            current: PASSWORD,
            password: 'a brand new passphrase',
            confirm: 'a brand new passphrase',
          })
        ).statusCode,
        303,
      );
      assert.equal((await other.get('/admin')).statusCode, 200);
      assert.equal((await again.get('/admin')).statusCode, 303);
      assert.equal((await second.get('/admin')).statusCode, 200);
      assert.equal(
        (await new AdminClient(t, '10.3.0.5').login('changer@example.com', 'a brand new passphrase')).statusCode,
        303,
      );
    });

    it('browses and filters the audit log', async () => {
      const all = await admin.get('/admin/audit');
      for (const action of [
        'login.succeeded',
        'service.created',
        'event.created',
        'status.deleted',
        'settings.updated',
        'token.created',
        'token.deleted',
        'user.created',
        'user.deleted',
        'password.changed',
      ]) {
        assert.ok(all.body.includes(`<code>${action}</code>`), action);
      }
      const users = await admin.get('/admin/audit?action=user');
      assert.ok(users.body.includes('<code>user.created</code>'));
      assert.ok(!users.body.includes('<code>service.created</code>'));
      const byActor = await admin.get('/admin/audit?actor=CHANGER');
      assert.ok(byActor.body.includes('password.changed'));
      assert.ok(!byActor.body.includes('<code>service.created</code>'));
      const target = await admin.get('/admin/audit?target=evil&action=service.created');
      assert.equal((target.body.match(/<code>service.created<\/code>/g) ?? []).length, 1);
      const future = await admin.get('/admin/audit?from=2999-01-01');
      assert.match(future.body, /Nothing recorded/);
      const bad = await admin.get('/admin/audit?from=yesterday');
      assert.equal(bad.statusCode, 400);
      const firstPage = await admin.get('/admin/audit');
      const older = /href="(\/admin\/audit\?before=\d+)"/.exec(firstPage.body.replace(/&amp;/g, '&'));
      if (older) assert.equal((await admin.get(older[1]!)).statusCode, 200);
    });
  });
}
