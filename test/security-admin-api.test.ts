import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteOptions } from 'fastify';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { loggedIn, type AdminClient } from './support/admin-client.ts';
import { createHash } from 'node:crypto';
import { pushSecretHashesMigration } from '../src/db/migrations/2026-11-27-04-push-secret-hashes.ts';

/** The admin API's read routes, seen from the router itself. */
function collect(into: string[]) {
  return (route: RouteOptions) => {
    const url = String(route.url);
    if (!url.startsWith('/admin/api/v1')) return;
    if ([route.method].flat().includes('GET')) into.push(url);
  };
}

const concrete = (url: string) =>
  url
    .replace(':service', 'api')
    .replace(':slug', 'api')
    .replace(':sid', 'x1')
    .replace(':id', '1')
    .replace(/:[A-Za-z]+/g, 'x1')
    .replace(/\*/g, 'x1');

for (const backend of BACKENDS) {
  describe(`admin API reads are not readable cross-origin (${backend})`, () => {
    let t: TestApp;
    let admin: AdminClient;
    const reads: string[] = [];
    let hookSecret = '';

    before(async () => {
      t = await startTestApp(backend, { onRoute: collect(reads) });
      admin = await loggedIn(t, 'admin@example.com', 'admin');
      await t.post('/services', { name: 'API', description: 'The API' });
      const channel = await t.post('/channels', {
        kind: 'webhook',
        name: 'Ops',
        url: 'https://hooks.example.com/x',
      });
      assert.equal(channel.statusCode, 201, channel.body);
      hookSecret = channel.json().secret;
      assert.ok(hookSecret.length >= 16);
    });
    after(async () => t.close());

    const cookie = () => `sb_session=${admin.cookies.get('sb_session')}`;

    it('answers no data to any admin GET with the session cookie and ?callback= (no JSONP on the admin mount)', async () => {
      assert.ok(reads.length > 15, `only ${reads.length} admin API reads seen`);
      for (const route of reads) {
        for (const headers of [
          { cookie: cookie() },
          { cookie: cookie(), 'sec-fetch-site': 'same-site' },
          { cookie: cookie(), 'sec-fetch-site': 'same-origin' },
          { cookie: cookie(), 'x-csrf-token': admin.csrf },
        ]) {
          const url = `${concrete(route)}?callback=steal`;
          const response = await t.inject({ method: 'GET', url, headers });
          assert.ok([400, 403].includes(response.statusCode), `${url}: ${response.statusCode} ${response.body}`);
          assert.doesNotMatch(response.body, /steal\(/, url);
          assert.ok(!response.body.includes(hookSecret), url);
          assert.match(response.headers['content-type'] as string, /^application\/json/, url);
        }
      }
    });

    it('refuses a cookie-only read that does not come from the admin site, on every admin GET', async () => {
      for (const route of reads) {
        const url = concrete(route);
        for (const site of [undefined, 'same-site', 'cross-site', 'none']) {
          const response = await t.inject({
            method: 'GET',
            url,
            headers: { cookie: cookie(), ...(site ? { 'sec-fetch-site': site } : {}) },
          });
          assert.equal(response.statusCode, 403, `${url} (${site}): ${response.statusCode}`);
          assert.ok(!response.body.includes(hookSecret));
          assert.match(response.json().message, /X-CSRF-Token/);
        }
      }
    });

    it('reads with the cookie from the admin site itself (same-origin fetch or the CSRF header)', async () => {
      const sameOrigin = await t.inject({
        method: 'GET',
        url: '/admin/api/v1/services',
        headers: { cookie: cookie(), 'sec-fetch-site': 'same-origin' },
      });
      assert.equal(sameOrigin.statusCode, 200);
      assert.equal(sameOrigin.json().services[0].id, 'api');
      const withHeader = await t.inject({
        method: 'GET',
        url: '/admin/api/v1/services',
        headers: { cookie: cookie(), 'x-csrf-token': admin.csrf },
      });
      assert.equal(withHeader.statusCode, 200);
      const wrong = await t.inject({
        method: 'GET',
        url: '/admin/api/v1/services',
        headers: { cookie: cookie(), 'x-csrf-token': 'not-the-token' },
      });
      assert.equal(wrong.statusCode, 403);
    });

    it('still serves JSONP on the public mount and plain JSON to token clients on the admin mount', async () => {
      const jsonp = await t.inject({ method: 'GET', url: '/api/v1/services?callback=cb' });
      assert.equal(jsonp.statusCode, 200);
      assert.match(jsonp.body, /^cb\(/);
      const token = await t.inject({ method: 'GET', url: '/admin/api/v1/services', headers: t.admin });
      assert.equal(token.statusCode, 200);
    });
  });
}

for (const backend of BACKENDS) {
  describe(`secrets are shown once, when made (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
      await t.post('/services', { name: 'API', description: 'The API' });
    });
    after(async () => t.close());

    it('shows a webhook signing secret only in the answers that make or rotate it', async () => {
      const made = await t.post('/channels', { kind: 'webhook', name: 'Hook', url: 'https://hooks.example.com/x' });
      assert.equal(made.statusCode, 201);
      const { id, secret } = made.json();
      assert.match(secret, /^[A-Za-z0-9_-]{40,}$/);
      const reads = [await t.get('/channels'), await t.get(`/channels/${id}`)];
      const renamed = await t.post(`/channels/${id}`, { name: 'Hook 2', url: 'https://hooks.example.com/x' });
      for (const read of [...reads, renamed]) {
        assert.equal(read.statusCode, 200);
        assert.ok(!read.body.includes(secret), read.body);
      }
      assert.equal(renamed.json().secret, undefined);
      const rotated = await t.post(`/channels/${id}`, {
        name: 'Hook 2',
        url: 'https://hooks.example.com/x',
        rotate_secret: 'true',
      });
      assert.match(rotated.json().secret, /^[A-Za-z0-9_-]{40,}$/);
      assert.notEqual(rotated.json().secret, secret);
      assert.ok(!(await t.get(`/channels/${id}`)).body.includes(rotated.json().secret));
    });

    it('keeps only a hash of a push secret: shown once, the URL works, later reads never show it', async () => {
      const made = (await t.post('/services/api/push')).json();
      assert.match(made.url, /\/api\/push\/[A-Za-z0-9_-]{32}$/);
      const read = await t.get('/services/api/push');
      assert.deepEqual([read.json().enabled, read.json().secret, read.json().url], [true, null, null]);
      const automation = await t.get('/services/api/automation');
      assert.ok(!automation.body.includes(made.secret));
      const rows = await t.ctx.database.db.selectFrom('service_automation').selectAll().execute();
      assert.ok(!JSON.stringify(rows).includes(made.secret));
      const pushed = await t.inject({ method: 'GET', url: `/api/push/${made.secret}?status=down` });
      assert.equal(pushed.statusCode, 200);
      assert.equal(pushed.json().outcome, 'posted');
      assert.equal((await t.inject({ method: 'GET', url: `/api/push/${made.secret}x` })).statusCode, 404);
    });

    it('migrates a stored push secret to its hash, and the old URL keeps working', async () => {
      const secret = 'an-old-push-secret-kept-in-clear-0001';
      const service = await t.ctx.database.db
        .selectFrom('services')
        .select('id')
        .where('slug', '=', 'api')
        .executeTakeFirstOrThrow();
      await t.ctx.database.db
        .updateTable('service_automation')
        .set({ push_secret: secret, push_secret_hash: null })
        .where('service_id', '=', service.id)
        .execute();
      await pushSecretHashesMigration.up(t.ctx.database.db as never);
      const row = await t.ctx.database.db
        .selectFrom('service_automation')
        .selectAll()
        .where('service_id', '=', service.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.push_secret, null);
      assert.equal(row.push_secret_hash, createHash('sha256').update(secret).digest('hex'));
      const pushed = await t.inject({ method: 'GET', url: `/api/push/${secret}?status=up` });
      assert.equal(pushed.statusCode, 200, pushed.body);
    });
  });
}
