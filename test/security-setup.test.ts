import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { AdminClient, issueSetupCode, PASSWORD } from './support/admin-client.ts';
import { argonStats } from '../src/services/passwords.ts';
import { SETUP_POLICY } from '../src/domain/login-throttle.ts';

for (const backend of BACKENDS) {
  describe(`first-run setup under a flood (${backend})`, () => {
    let t: TestApp;
    let code = '';
    before(async () => {
      t = await startTestApp(backend);
      code = (await issueSetupCode(t.ctx))!;
    });
    after(async () => t.close());

    const attempt = async (address: string, form: Record<string, string>) => {
      const client = new AdminClient(t, address);
      await client.get('/admin/setup');
      return client.post('/admin/setup', form);
    };

    it('checks everything cheap before hashing, and counts attempts per address', async () => {
      const hashes = argonStats.hashes;
      const form = { code: 'AAAA-BBBB-CCCC-DDDD-EEEE', email: 'x@example.com', password: PASSWORD, confirm: PASSWORD };
      const responses = await Promise.all(Array.from({ length: 30 }, () => attempt('10.20.0.1', form)));
      assert.ok(responses.every((r) => r.statusCode === 400));
      assert.equal(argonStats.hashes, hashes, 'a wrong setup code never costs a password hash');
      const throttled = responses.filter((r) => /Too many setup attempts/.test(r.body)).length;
      assert.ok(throttled >= 30 - (SETUP_POLICY.freeFailures + 1), `${throttled} throttled`);
      // Even the right code is refused from the flooding address for a while...
      const blocked = await attempt('10.20.0.1', { ...form, code });
      assert.match(blocked.body, /Too many setup attempts/);
      assert.equal(argonStats.hashes, hashes);
      // ...and works from anywhere else, hashing once.
      const done = await attempt('10.20.0.2', { ...form, code, email: 'first@example.com' });
      assert.equal(done.statusCode, 303, done.body);
      assert.equal(argonStats.hashes, hashes + 1);
    });

    it('runs at most two password hashes or checks at once, whatever the flood', async () => {
      argonStats.peak = argonStats.running;
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          attempt(`10.21.0.${i}`, { email: `u${i}@example.com`, password: 'nope' }).then(() => undefined),
        ),
      );
      assert.equal(responses.length, 20);
      const logins = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const client = new AdminClient(t, `10.22.0.${i}`);
          await client.get('/admin/login');
          return client.post('/admin/login', { email: `nobody${i}@example.com`, password: 'wrong password!' });
        }),
      );
      assert.ok(logins.every((r) => r.statusCode === 401));
      assert.ok(argonStats.peak <= 2, `peak ${argonStats.peak}`);
    });
  });
}
