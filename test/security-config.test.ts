import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { AdminClient, addUser } from './support/admin-client.ts';
import { ConfigError, loadConfig, parseServerFlags } from '../src/config.ts';

describe('proxy trust and the admin token at startup', () => {
  it('takes a hop count or proxy addresses for --trust-proxy / TRUST_PROXY', () => {
    assert.equal(loadConfig({}, {}).trustProxy, false);
    assert.equal(loadConfig({}, { TRUST_PROXY: 'false' }).trustProxy, false);
    assert.equal(loadConfig({}, { TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({ 'trust-proxy': '2' }, {}).trustProxy, 2);
    assert.deepEqual(loadConfig({}, { TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,fd00::/8' }).trustProxy, [
      '127.0.0.1',
      '10.0.0.0/8',
      'fd00::/8',
    ]);
    assert.deepEqual(loadConfig({}, { TRUST_PROXY: 'loopback' }).trustProxy, ['loopback']);
    assert.deepEqual(parseServerFlags(['--trust-proxy', '1']).flags['trust-proxy'], '1');
  });

  it('refuses "trust every hop" and nonsense with a clear startup error', () => {
    for (const value of ['true', 'TRUE', 'yes']) {
      assert.throws(
        () => loadConfig({}, { TRUST_PROXY: value }),
        (e: unknown) =>
          e instanceof ConfigError && /no longer accepted/.test(e.message) && /TRUST_PROXY=1/.test(e.message),
      );
    }
    for (const value of ['11', 'proxy.example.com', '10.0.0.0/33', '1.2.3']) {
      assert.throws(() => loadConfig({}, { TRUST_PROXY: value }), ConfigError, value);
    }
    assert.throws(
      () => parseServerFlags(['serve', '--trust-proxy']),
      (e: unknown) => e instanceof ConfigError && /--trust-proxy needs a value/.test(e.message),
    );
  });

  it('requires STASHBOARD_ADMIN_TOKEN to be at least 32 characters', () => {
    for (const token of ['short', 'a'.repeat(31), `${'a'.repeat(20)} ${'b'.repeat(20)}`]) {
      assert.throws(
        () => loadConfig({}, { STASHBOARD_ADMIN_TOKEN: token }),
        (e: unknown) => e instanceof ConfigError && /at least 32 characters/.test(e.message),
      );
    }
    assert.equal(loadConfig({}, { STASHBOARD_ADMIN_TOKEN: 'x'.repeat(32) }).adminToken, 'x'.repeat(32));
    assert.equal(loadConfig({}, { STASHBOARD_ADMIN_TOKEN: '' }).adminToken, undefined);
  });
});

async function loginAddress(t: TestApp, remote: string, forwarded: string): Promise<string> {
  const email = `who-${Math.floor(Math.random() * 1e9)}@example.com`;
  const client = new AdminClient(t, remote);
  await client.get('/admin/login');
  const response = await client.post(
    '/admin/login',
    { email, password: 'wrong password!' },
    { 'x-forwarded-for': forwarded },
  );
  assert.equal(response.statusCode, 401);
  const row = await t.ctx.database.db
    .selectFrom('audit_log')
    .select('address')
    .where('target', '=', email)
    .executeTakeFirstOrThrow();
  return row.address;
}

for (const backend of BACKENDS) {
  describe(`client addresses behind a proxy (${backend})`, () => {
    let byHops: TestApp;
    let byAddress: TestApp;
    before(async () => {
      byHops = await startTestApp(backend, { env: { TRUST_PROXY: '1' } });
      byAddress = await startTestApp(backend, { env: { TRUST_PROXY: '127.0.0.1/32' } });
      await addUser(byHops, 'someone@example.com', 'admin');
      await addUser(byAddress, 'someone@example.com', 'admin');
    });
    after(async () => {
      await byHops.close();
      await byAddress.close();
    });

    it('with one trusted hop, a client-written X-Forwarded-For entry is not the address', async () => {
      // nginx appending to the client's header: "<forged>, <real address nginx saw>".
      assert.equal(await loginAddress(byHops, '127.0.0.1', '6.6.6.6, 203.0.113.7'), '203.0.113.7');
      assert.equal(await loginAddress(byHops, '127.0.0.1', '203.0.113.8'), '203.0.113.8');
    });

    it('with trusted proxy addresses, only those proxies are believed', async () => {
      assert.equal(await loginAddress(byAddress, '127.0.0.1', '6.6.6.6, 203.0.113.9'), '203.0.113.9');
      // Not from the proxy: the header is the client's own invention.
      assert.equal(await loginAddress(byAddress, '198.51.100.4', '203.0.113.9'), '198.51.100.4');
    });

    it('a client rotating forged X-Forwarded-For entries is still throttled as one address', async () => {
      let last = 0;
      for (let i = 0; i < 60; i += 1) {
        const client = new AdminClient(byHops, '127.0.0.1');
        await client.get('/admin/login');
        const response = await client.post(
          '/admin/login',
          { email: `rotate${i}@example.com`, password: 'wrong password!' },
          { 'x-forwarded-for': `6.6.${i}.1, 203.0.113.50` },
        );
        last = response.statusCode;
        if (last === 429) break;
      }
      assert.equal(last, 429);
    });
  });
}
