import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { runDueChecks } from '../src/services/checks.ts';
import { CheckProbe } from '../src/outbound/check-probe.ts';
import { AddressGuard, parseAllowList } from '../src/outbound/address-guard.ts';
import { publicCheckMessage } from '../src/domain/check-rules.ts';
import { freePort } from './support/server-process.ts';

describe('public check messages', () => {
  it('keep the kind of failure and drop hosts, ports, addresses and bodies', () => {
    const cases: Array<[string, string, string]> = [
      ['http', 'HTTP 503 (expected 200-299)', 'HTTP 503'],
      ['http', 'no complete answer within 5000 ms', 'HTTP check failed: timeout'],
      ['http', 'connection to db.internal.example:8443 refused', 'HTTP check failed: connection refused'],
      ['tcp', 'connection to 10.1.2.3:5432 refused', 'TCP check failed: connection refused'],
      ['tcp', 'no TCP connection within 3000 ms', 'TCP check failed: timeout'],
      ['http', 'cannot resolve secret-db.corp.example: ENOTFOUND', 'HTTP check failed: name not resolved'],
      ['http', 'TLS failed for api.internal: self-signed certificate', 'HTTP check failed: TLS error'],
      [
        'http',
        'refused to connect to intranet.example (10.0.0.7): a private address; allow it with --outbound-allow if this is intended',
        'HTTP check failed: address not allowed',
      ],
      ['http', 'the answer lacks "ok from node-7.internal"', 'HTTP check failed: unexpected answer'],
      ['http', 'cannot reach 10.9.9.9:80: EHOSTUNREACH', 'HTTP check failed: unreachable'],
      ['http', 'check failed: something about 10.1.1.1 and host x.internal', 'HTTP check failed: error'],
      ['tcp', 'connected in 12 ms', 'connected in 12 ms'],
      ['http', 'HTTP 200 in 900 ms, slower than 800 ms', 'HTTP 200, slow answer (900 ms)'],
    ];
    for (const [kind, detail, expected] of cases) {
      assert.equal(publicCheckMessage(kind as 'http' | 'tcp', detail), expected, detail);
    }
  });
});

for (const backend of BACKENDS) {
  describe(`check targets never become public (${backend})`, () => {
    let t: TestApp;
    const clock = new TestClock();
    let port = 0;
    before(async () => {
      t = await startTestApp(backend, { clock });
      await t.post('/services', { name: 'Database', description: 'db' });
      port = await freePort();
      const made = await t.post('/services/database/checks', {
        name: 'pg',
        kind: 'tcp',
        target: `127.0.0.1:${port}`,
        interval: '60',
      });
      assert.equal(made.statusCode, 201, made.body);
    });
    after(async () => t.close());

    it('publishes a generic message and keeps the detail on the admin side', async () => {
      const probe = new CheckProbe(new AddressGuard({ allow: parseAllowList('127.0.0.1') }));
      clock.advance(61_000);
      await runDueChecks(t.ctx, probe, clock.now());
      const event = (await t.inject({ method: 'GET', url: '/api/v1/services/database/events/current' })).json();
      assert.equal(event.message, 'pg: TCP check failed: connection refused');
      for (const url of ['/api/v1/services/database/events', '/rss', '/atom', '/services/database', '/']) {
        const body = (await t.inject({ method: 'GET', url })).body;
        assert.ok(!body.includes(String(port)), `${url} shows the check's port`);
        assert.ok(!body.includes('127.0.0.1'), `${url} shows the check's address`);
      }
      const admin = (await t.get('/services/database/checks/pg')).json();
      assert.equal(admin.last_message, `connection to 127.0.0.1:${port} refused`);
    });
  });
}
