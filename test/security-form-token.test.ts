import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { AdminClient, addUser, PASSWORD } from './support/admin-client.ts';

for (const backend of BACKENDS) {
  describe(`the pre-login form token (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { env: { TRUST_PROXY: '1' } });
      await addUser(t, 'victim@example.com', 'admin');
    });
    after(async () => t.close());

    const post = (cookie: string, token: string, headers: Record<string, string> = {}) =>
      t.inject({
        method: 'POST',
        url: '/admin/login',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams({ _csrf: token, email: 'victim@example.com', password: PASSWORD }).toString(),
      });

    it('refuses a token the client chose itself (cookie tossing), however well it matches the cookie', async () => {
      for (const chosen of ['attacker-chosen-token-0123456789', 'abcdefghijklmnopqrstuvwx.forged-signature-value']) {
        const response = await post(`sb_form=${chosen}`, chosen);
        assert.equal(response.statusCode, 403, chosen);
        assert.ok(!String(response.headers['set-cookie'] ?? '').includes('sb_session='));
      }
    });

    it('replaces an unsigned cookie on the login page, and accepts the signed token it hands out', async () => {
      const page = await t.inject({
        method: 'GET',
        url: '/admin/login',
        headers: { cookie: 'sb_form=attacker-chosen-token-0123456789' },
      });
      const set = String(page.headers['set-cookie']);
      const token = /sb_form=([^;]+)/.exec(set)![1]!;
      assert.notEqual(token, 'attacker-chosen-token-0123456789');
      assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      assert.ok(page.body.includes(`value="${token}"`));
      assert.equal((await post(`sb_form=${token}`, token)).statusCode, 303);
    });

    it('uses __Host- cookies over HTTPS', async () => {
      const https = { 'x-forwarded-proto': 'https' };
      const client = new AdminClient(t);
      const page = await client.get('/admin/login', https);
      const set = [page.headers['set-cookie']].flat().map(String);
      const form = set.find((c) => c.startsWith('__Host-sb_form='));
      assert.ok(form, set.join(' | '));
      assert.match(form, /Path=\/;/);
      assert.match(form, /Secure/);
      assert.doesNotMatch(form, /Domain=/i);
      // A plain-named cookie planted by a sibling subdomain is not what an HTTPS form is checked against.
      const tossed = await post('sb_form=x', 'x', https);
      assert.equal(tossed.statusCode, 403);
      const login = await client.post('/admin/login', { email: 'victim@example.com', password: PASSWORD }, https);
      assert.equal(login.statusCode, 303);
      assert.ok(client.cookies.has('__Host-sb_session'));
      assert.equal((await client.get('/admin', https)).statusCode, 200);
    });
  });
}
