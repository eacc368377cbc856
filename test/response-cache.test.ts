import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBus } from '../src/changes/bus.ts';
import { chooseEncoding, ResponseCache, type Rendered } from '../src/http/cache/response-cache.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('response cache', () => {
  it('renders concurrent misses once and serves hits from memory', async () => {
    const bus = new ChangeBus();
    const cache = new ResponseCache({ bus, now: () => Date.now() });
    let renders = 0;
    const gate = deferred<void>();
    const render = async (): Promise<Rendered> => {
      renders += 1;
      await gate.promise;
      return { type: 'text/plain', body: 'x'.repeat(1000) };
    };
    const all = Promise.all(Array.from({ length: 50 }, () => cache.lookup('k', render)));
    gate.resolve();
    const entries = await all;
    assert.equal(renders, 1);
    assert.ok(entries.every((e) => e === entries[0]));
    assert.ok(entries[0]!.br && entries[0]!.gzip, 'compressed once, both encodings');
    await cache.lookup('k', render);
    assert.equal(renders, 1);
    cache.close();
  });

  it('drops everything on a change notice, and never keeps a render that a change overtook', async () => {
    const bus = new ChangeBus();
    const cache = new ResponseCache({ bus, now: () => Date.now() });
    let version = 1;
    const gate = deferred<void>();
    const slow = async (): Promise<Rendered> => {
      const seen = version;
      await gate.promise;
      return { type: 'text/plain', body: `v${seen}` };
    };
    const before = cache.lookup('k', slow);
    version = 2;
    bus.publish({ topic: 'event', action: 'created', slug: 'api' });
    // A request after the change must not join the render that started before it.
    const after = cache.lookup('k', async () => ({ type: 'text/plain', body: `v${version}` }));
    gate.resolve();
    assert.equal((await before).identity.toString(), 'v1');
    assert.equal((await after).identity.toString(), 'v2');
    assert.equal((await cache.lookup('k', slow)).identity.toString(), 'v2', 'the overtaken render was not stored');
    bus.publish({ topic: 'settings', action: 'updated', slug: 'site' });
    let rendered = false;
    await cache.lookup('k', async () => {
      rendered = true;
      return { type: 'text/plain', body: 'v3' };
    });
    assert.ok(rendered);
    cache.close();
  });

  it('expires entries at their own deadline, and does not cache failures', async () => {
    let now = 1_000;
    const cache = new ResponseCache({ bus: new ChangeBus(), now: () => now });
    let renders = 0;
    const render = async (): Promise<Rendered> => ({ type: 'text/plain', body: `r${++renders}`, expiresAt: 2_000 });
    await cache.lookup('k', render);
    now = 1_999;
    assert.equal((await cache.lookup('k', render)).identity.toString(), 'r1');
    now = 2_000;
    assert.equal((await cache.lookup('k', render)).identity.toString(), 'r2');
    await assert.rejects(
      cache.lookup('bad', async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal((await cache.lookup('bad', render)).identity.toString(), 'r3');
    cache.close();
  });

  it('evicts entries not used recently beyond its bound', async () => {
    const cache = new ResponseCache({ bus: new ChangeBus(), now: () => Date.now(), maxEntries: 2 });
    let renders = 0;
    const render = async (): Promise<Rendered> => ({ type: 'text/plain', body: `r${++renders}` });
    await cache.lookup('a', render);
    await cache.lookup('b', render);
    await cache.lookup('a', render);
    await cache.lookup('c', render);
    assert.equal(renders, 3);
    await cache.lookup('a', render);
    assert.equal(renders, 3, 'a was used recently and kept');
    await cache.lookup('b', render);
    assert.equal(renders, 4, 'b was evicted');
    cache.close();
  });

  it('refills an address’s render allowance evenly instead of all at once when a window turns', async () => {
    let clock = 0;
    const cache = new ResponseCache({
      bus: new ChangeBus(),
      now: () => Date.now(),
      monotonic: () => clock,
      rendersPerAddress: 4,
      renderWindowMs: 10_000,
    });
    const render = async (): Promise<Rendered> => ({ type: 'text/plain', body: 'x' });
    let n = 0;
    const attempt = () =>
      cache.lookup(`k${n++}`, render, '10.0.0.1').then(
        () => 200,
        (error: { statusCode?: number; headers?: Record<string, string> }) => error.statusCode ?? 500,
      );
    const burst = [];
    for (let i = 0; i < 5; i += 1) burst.push(await attempt());
    assert.deepEqual(burst, [200, 200, 200, 200, 429], 'the whole allowance at first');
    clock += 2_000; // a fifth of the window: 0.8 of a render
    assert.equal(await attempt(), 429);
    clock += 600; // 1.04 renders refilled since the burst
    assert.equal(await attempt(), 200);
    assert.equal(await attempt(), 429, 'one at a time after the burst, not four at once');
    clock += 10_000;
    const after = [];
    for (let i = 0; i < 5; i += 1) after.push(await attempt());
    assert.deepEqual(after, [200, 200, 200, 200, 429], 'never more than the allowance, however long the wait');
    // Another address has its own allowance.
    assert.equal(await cache.lookup('other', render, '10.0.0.2').then(() => 200), 200);
    cache.close();
  });

  it('runs at most two renders at once; the others wait their turn', async () => {
    const cache = new ResponseCache({ bus: new ChangeBus(), now: () => Date.now() });
    let running = 0;
    let most = 0;
    const render = async (): Promise<Rendered> => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running -= 1;
      return { type: 'text/plain', body: 'x' };
    };
    const entries = await Promise.all(Array.from({ length: 8 }, (_, i) => cache.lookup(`page${i}`, render)));
    assert.equal(entries.length, 8);
    assert.equal(most, 2);
    assert.equal(cache.stats.renders, 8);
    cache.close();
  });

  it('negotiates encodings', () => {
    assert.equal(chooseEncoding(undefined), 'identity');
    assert.equal(chooseEncoding('gzip, deflate, br'), 'br');
    assert.equal(chooseEncoding('gzip'), 'gzip');
    assert.equal(chooseEncoding('br;q=0, gzip;q=0.5'), 'gzip');
    assert.equal(chooseEncoding('*'), 'br');
    assert.equal(chooseEncoding('identity'), 'identity');
    assert.equal(chooseEncoding('gzip;q=0'), 'identity');
  });
});
