import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyThreshold,
  checkSpec,
  evaluateHttp,
  evaluateTcp,
  failedRun,
  parseStatusRanges,
  parseTcpTarget,
  type CheckSpec,
  type UncheckedSpec,
} from '../src/domain/check-rules.ts';
import { Invalid } from '../src/domain/errors.ts';

const http: CheckSpec = {
  name: 'api-http',
  kind: 'http',
  target: 'https://api.example.com/health',
  expectedStatuses: '200-299,301',
  keyword: null,
  keywordAbsent: false,
  latencyWarningMs: null,
  intervalMs: 60_000,
  timeoutMs: 10_000,
  failureThreshold: 1,
};
const tcp: CheckSpec = { ...http, name: 'db', kind: 'tcp', target: 'db.example.com:5432' };

/** Asserts that `run` throws Invalid naming `field`. */
function refuses(run: () => unknown, field: string): void {
  assert.throws(run, (error: unknown) => error instanceof Invalid && error.field === field);
}

describe('check rules', () => {
  it('reads expected statuses as codes and ranges', () => {
    assert.deepEqual(parseStatusRanges('200-299, 301'), [
      [200, 299],
      [301, 301],
    ]);
    for (const bad of ['', ',', '99', '600', '300-200', '2xx', '200-']) {
      refuses(() => parseStatusRanges(bad), 'expected_statuses');
    }
  });

  it('reads TCP targets, IPv6 in brackets included', () => {
    assert.deepEqual(parseTcpTarget('db.example.com:5432'), { host: 'db.example.com', port: 5432 });
    assert.deepEqual(parseTcpTarget('[2001:db8::1]:443'), { host: '2001:db8::1', port: 443 });
    for (const bad of ['db.example.com', 'db:0', 'db:65536', 'http://db:80', '2001:db8::1:443']) {
      refuses(() => parseTcpTarget(bad), 'target');
    }
  });

  it('accepts a good spec as it is, and names the first field at fault otherwise', () => {
    assert.deepEqual(checkSpec(http), http);
    assert.deepEqual(checkSpec(tcp), tcp);
    const cases: Array<[Partial<UncheckedSpec>, string]> = [
      [{ name: 'API check' }, 'name'],
      [{ name: 'a'.repeat(65) }, 'name'],
      [{ kind: 'icmp' }, 'kind'],
      // The name is checked before the kind.
      [{ name: 'Bad', kind: 'icmp' }, 'name'],
      [{ target: 'ftp://example.com/' }, 'target'],
      [{ target: 'https://user:secret@example.com/' }, 'target'],
      [{ expectedStatuses: '700' }, 'expected_statuses'],
      [{ keyword: '' }, 'keyword'],
      [{ intervalMs: 9_999 }, 'interval'],
      [{ intervalMs: 24 * 3600_000 + 1 }, 'interval'],
      [{ timeoutMs: 60_000 }, 'timeout'],
      [{ timeoutMs: 99 }, 'timeout'],
      [{ failureThreshold: 0 }, 'failure_threshold'],
      [{ failureThreshold: 101 }, 'failure_threshold'],
      [{ latencyWarningMs: 0 }, 'latency_warning'],
    ];
    for (const [change, field] of cases) refuses(() => checkSpec({ ...http, ...change }), field);
    refuses(() => checkSpec({ ...tcp, keyword: 'OK' }), 'keyword');
    refuses(() => checkSpec({ ...tcp, target: 'https://example.com/' }), 'target');
  });

  it('judges an HTTP answer by status, keyword and latency', () => {
    assert.deepEqual(evaluateHttp(http, { status: 204, body: '', elapsedMs: 12.4 }), {
      state: 'up',
      message: 'HTTP 204 in 12 ms',
      latencyMs: 12,
    });
    assert.equal(evaluateHttp(http, { status: 301, body: '', elapsedMs: 1 }).state, 'up');
    assert.deepEqual(evaluateHttp(http, { status: 503, body: '', elapsedMs: 5 }), {
      state: 'down',
      message: 'HTTP 503 (expected 200-299,301)',
      latencyMs: 5,
    });
    const keyword = { ...http, keyword: 'ok' };
    assert.equal(evaluateHttp(keyword, { status: 200, body: 'all ok', elapsedMs: 1 }).state, 'up');
    assert.equal(evaluateHttp(keyword, { status: 200, body: 'failing', elapsedMs: 1 }).state, 'down');
    const absent = { ...http, keyword: 'error', keywordAbsent: true };
    assert.equal(evaluateHttp(absent, { status: 200, body: 'fine', elapsedMs: 1 }).state, 'up');
    assert.equal(evaluateHttp(absent, { status: 200, body: 'an error', elapsedMs: 1 }).state, 'down');
    const slow = { ...http, latencyWarningMs: 500 };
    assert.equal(evaluateHttp(slow, { status: 200, body: '', elapsedMs: 500 }).state, 'up');
    assert.deepEqual(evaluateHttp(slow, { status: 200, body: '', elapsedMs: 501 }), {
      state: 'warning',
      message: 'HTTP 200 in 501 ms, slower than 500 ms',
      latencyMs: 501,
    });
  });

  it('judges a TCP connection by latency, and a failure as down without one', () => {
    assert.equal(evaluateTcp(tcp, 3).state, 'up');
    assert.equal(evaluateTcp({ ...tcp, latencyWarningMs: 2 }, 3).state, 'warning');
    assert.deepEqual(failedRun('connection refused'), {
      state: 'down',
      message: 'connection refused',
      latencyMs: null,
    });
  });

  it('changes what a check stands for only after the threshold of failures in a row; a pass counts at once', () => {
    let state = { consecutiveFailures: 0, effective: null as 'up' | 'warning' | 'down' | null };
    const seen: Array<[number, string | null]> = [];
    for (const result of ['down', 'down', 'up', 'warning', 'down', 'down', 'up'] as const) {
      state = applyThreshold(state, result, 3);
      seen.push([state.consecutiveFailures, state.effective]);
    }
    assert.deepEqual(seen, [
      [1, null],
      [2, null],
      [0, 'up'],
      [1, 'up'],
      [2, 'up'],
      [3, 'down'],
      [0, 'up'],
    ]);
    assert.deepEqual(applyThreshold({ consecutiveFailures: 0, effective: 'up' }, 'warning', 1), {
      consecutiveFailures: 1,
      effective: 'warning',
    });
  });
});
