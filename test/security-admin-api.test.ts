import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteOptions } from 'fastify';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { loggedIn, type AdminClient } from './support/admin-client.ts';

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
