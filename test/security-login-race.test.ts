import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { AdminClient, addUser, loggedIn, PASSWORD } from './support/admin-client.ts';
import { ACCOUNT_POLICY } from '../src/domain/login-throttle.ts';

async function auditCount(t: TestApp, action: string, target: string): Promise<number> {
  const rows = await t.ctx.database.db
    .selectFrom('audit_log')
    .select('id')
    .where('action', '=', action)
    .where('target', '=', target)
    .execute();
  return rows.length;
}

for (const backend of BACKENDS) {
  describe(`login throttling under concurrent bursts (${backend})`, () => {
    let t: TestApp;
    const clock = new TestClock();
    before(async () => {
      t = await startTestApp(backend, { clock });
    });
    after(async () => t.close());

    it('evaluates no more passwords in a burst of 100 concurrent attempts than the policy allows', async () => {
      await addUser(t, 'burst@example.com', 'admin');
      // Each attempt from its own address, so only the account's policy applies.
      const clients = Array.from({ length: 100 }, (_, i) => new AdminClient(t, `10.7.${i >> 8}.${i & 255}`));
      await Promise.all(clients.map((c) => c.get('/admin/login')));
      const responses = await Promise.all(
        clients.map((c, i) =>
          c.post('/admin/login', { email: 'burst@example.com', password: i === 60 ? PASSWORD : 'wrong password!' }),
        ),
      );
      const evaluated = responses.filter((r) => r.statusCode === 401 || r.statusCode === 303).length;
      const allowed = ACCOUNT_POLICY.freeFailures + 1;
      assert.ok(evaluated <= allowed, `${evaluated} passwords checked, the policy allows ${allowed}`);
      assert.equal(responses.filter((r) => r.statusCode === 429).length, 100 - evaluated);
      const checked =
        (await auditCount(t, 'login.failed', 'burst@example.com')) +
        (await auditCount(t, 'login.succeeded', 'burst@example.com'));
      assert.equal(checked, evaluated);
      assert.equal(await auditCount(t, 'login.throttled', 'burst@example.com'), 100 - evaluated);
    });

    it('refuses the right password inside a burst once the account is locked', async () => {
      await addUser(t, 'locked@example.com', 'admin');
      for (let n = 1; n <= ACCOUNT_POLICY.lockAfter; n += 1) {
        await new AdminClient(t, `10.8.0.${n}`).login('locked@example.com', 'wrong password!');
        clock.advance(ACCOUNT_POLICY.lockMs / 2);
      }
      const clients = Array.from({ length: 50 }, (_, i) => new AdminClient(t, `10.8.1.${i}`));
      await Promise.all(clients.map((c) => c.get('/admin/login')));
      const responses = await Promise.all(
        clients.map((c, i) =>
          c.post('/admin/login', { email: 'locked@example.com', password: i % 2 ? PASSWORD : 'wrong password!' }),
        ),
      );
      assert.deepEqual(new Set(responses.map((r) => r.statusCode)), new Set([429]));
    });

    it('evaluates no more current passwords in a burst of 100 concurrent password changes than the policy allows', async () => {
      clock.advance(ACCOUNT_POLICY.windowMs * 2);
      const client = await loggedIn(t, 'changer@example.com', 'admin', '10.9.0.1');
      const responses = await Promise.all(
        Array.from({ length: 100 }, () =>
          client.post('/admin/account/password', {
            current: 'not my password',
            password: 'a brand new password 123',
            confirm: 'a brand new password 123',
          }),
        ),
      );
      assert.ok(responses.every((r) => r.statusCode === 400));
      const failed = await auditCount(t, 'password.change_failed', 'changer@example.com');
      assert.ok(failed <= ACCOUNT_POLICY.freeFailures + 1, `${failed} current passwords checked`);
      assert.ok(responses.filter((r) => /Too many wrong passwords/.test(r.body)).length >= 100 - failed);
    });
  });
}
