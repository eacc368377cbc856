import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineBuilder, isPlainAscii } from '../src/log-line.ts';

describe('log line builder', () => {
  it('writes integers, tenths and strings exactly as JSON.stringify does', () => {
    const line = new LineBuilder(16);
    const numbers = [0, 1, 9, 10, 99, 100, 1_764_344_000_123, Number.MAX_SAFE_INTEGER];
    for (const n of numbers) assert.equal(line.reset().integer(n).toString(), JSON.stringify(n));
    const durations = [0, 0.04, 0.05, 0.15, 0.3, 1, 9.96, 12.35, 123.45, 99_999.99, 2 ** 52];
    for (const ms of durations) {
      assert.equal(line.reset().tenths(ms).toString(), JSON.stringify(Math.round(ms * 10) / 10), String(ms));
    }
    const texts = ['req-1', '127.0.0.1', '::ffff:203.0.113.7', '', 'say "hi"', 'back\\slash', 'tab\t', 'Störung ✓ 🚦'];
    for (const text of texts) assert.equal(line.reset().string(text).toString(), JSON.stringify(text), text);
  });

  it('falls back to JSON for numbers it does not write by hand', () => {
    const line = new LineBuilder();
    for (const n of [-1, 1.5, 2 ** 60, Number.NaN]) {
      assert.equal(line.reset().integer(n).toString(), JSON.stringify(n));
    }
  });

  it('joins parts into one line and grows for a long one', () => {
    const line = new LineBuilder(8);
    const long = 'a'.repeat(10_000);
    line.reset().bytes(Buffer.from('{"n":')).integer(42).bytes(Buffer.from(',"s":')).string(long).plain('}');
    assert.deepEqual(JSON.parse(line.toString()), { n: 42, s: long });
    assert.equal(line.length, Buffer.byteLength(line.toString()));
  });

  it('knows which strings need escaping or are not ASCII', () => {
    assert.equal(isPlainAscii('GET /api/v1/services'), true);
    for (const text of ['"', '\\', '\n', '\u007f', 'é']) assert.equal(isPlainAscii(text), false, JSON.stringify(text));
  });
});
