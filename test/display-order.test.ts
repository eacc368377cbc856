import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { loggedIn, type AdminClient } from './support/admin-client.ts';
import { checkReordering, inDisplayOrder, moved, positionAtEnd } from '../src/domain/ordering.ts';
import { Invalid } from '../src/domain/errors.ts';
import { exportData } from '../src/services/transfer.ts';

describe('ordering rules', () => {
  it('moves an item one step, to the ends, and not past them', () => {
    assert.deepEqual(moved(['a', 'b', 'c'], 'c', 'up'), ['a', 'c', 'b']);
    assert.deepEqual(moved(['a', 'b', 'c'], 'a', 'down'), ['b', 'a', 'c']);
    assert.deepEqual(moved(['a', 'b', 'c'], 'a', 'up'), ['a', 'b', 'c']);
    assert.deepEqual(moved(['a', 'b', 'c'], 'c', 'top'), ['c', 'a', 'b']);
    assert.deepEqual(moved(['a', 'b', 'c'], 'a', 'bottom'), ['b', 'c', 'a']);
    assert.throws(() => moved(['a'], 'x', 'up'), Invalid);
  });

  it('accepts only a complete reordering', () => {
    checkReordering(['a', 'b'], ['b', 'a']);
    assert.throws(() => checkReordering(['a', 'b'], ['a']), /missing "b"/);
    assert.throws(() => checkReordering(['a', 'b'], ['a', 'b', 'c']), /"c" is not one of/);
    assert.throws(() => checkReordering(['a', 'b'], ['a', 'a', 'b']), /twice/);
  });

  it('places a new item by name while nothing is ordered, else at the end', () => {
    assert.equal(positionAtEnd([]), 0);
    assert.equal(positionAtEnd([0, 0]), 0);
    assert.equal(positionAtEnd([1, 3, 2]), 4);
  });

  it('sorts services list by list, then those without a list', () => {
    const lists = [
      { id: 1, position: 2, name: 'A', slug: 'a' },
      { id: 2, position: 1, name: 'B', slug: 'b' },
    ];
    const svc = (slug: string, list: number | null, position = 0) => ({
      slug,
      name: slug,
      position,
      list: list === null ? null : { id: list },
    });
    const order = inDisplayOrder([svc('x', null), svc('a1', 1), svc('b2', 2, 1), svc('b1', 2, 2)], lists);
    assert.deepEqual(
      order.map((s) => s.slug),
      ['b2', 'b1', 'a1', 'x'],
    );
  });
});

for (const backend of BACKENDS) {
  describe(`display order (${backend})`, () => {
    let t: TestApp;
    let admin: AdminClient;

    before(async () => {
      t = await startTestApp(backend);
      for (const name of ['Alpha', 'Beta', 'Gamma'])
        await t.post('/service-lists', { name, description: `${name} services` });
      for (const [name, list] of [
        ['Web', 'alpha'],
        ['API', 'alpha'],
        ['Queue', 'alpha'],
        ['Mail', 'beta'],
        ['Loose', ''],
      ] as const)
        await t.post('/services', { name, description: name, list });
      admin = await loggedIn(t, 'admin@example.com', 'admin');
    });
    after(async () => t.close());

    const names = (body: string, re: RegExp) => [...body.matchAll(re)].map((m) => m[1]);

    it('sorts by name while no order is set', async () => {
      const services = (await t.inject({ url: '/api/v1/services' })).json() as { services: Array<{ id: string }> };
      assert.deepEqual(
        services.services.map((s) => s.id),
        ['api', 'loose', 'mail', 'queue', 'web'],
      );
    });

    it('moves lists and services with the buttons, and every surface follows', async () => {
      const page = await admin.get('/admin/order');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Move up API<\/span>/);
      // Gamma to the top, Queue to the top of Alpha.
      assert.equal((await admin.post('/admin/lists/gamma/move', { direction: 'up' })).statusCode, 303);
      assert.equal((await admin.post('/admin/lists/gamma/move', { direction: 'up' })).statusCode, 303);
      assert.equal((await admin.post('/admin/services/queue/move', { direction: 'up' })).statusCode, 303);
      assert.equal((await admin.post('/admin/services/queue/move', { direction: 'up' })).statusCode, 303);

      const lists = (await t.inject({ url: '/api/v1/service-lists' })).json() as { lists: Array<{ id: string }> };
      assert.deepEqual(
        lists.lists.map((l) => l.id),
        ['gamma', 'alpha', 'beta'],
      );
      const front = (await t.inject({ url: '/' })).body;
      assert.deepEqual(names(front, /<h2 id="list-([a-z-]+)"/g), ['alpha', 'beta', 'none']);
      assert.deepEqual(names(front, /data-service="([a-z-]+)"/g), ['queue', 'api', 'web', 'mail', 'loose']);
      const services = (await admin.get('/admin/services')).body;
      assert.deepEqual(names(services, /<a href="\/admin\/services\/([a-z-]+)">/g), [
        'queue',
        'api',
        'web',
        'mail',
        'loose',
      ]);
      const v2 = (await t.inject({ url: '/api/v2/components.json' })).json() as {
        components: Array<{ name: string; position: number; group: boolean }>;
      };
      assert.deepEqual(
        v2.components.map((c) => `${c.name}:${c.position}`),
        ['Alpha:1', 'Queue:1', 'API:2', 'Web:3', 'Beta:2', 'Mail:1', 'Loose:3'],
        'v2: groups in order, each followed by its services; Gamma has none and is not a component',
      );
      const v1 = (await t.inject({ url: '/api/v1/services' })).json() as { services: Array<{ id: string }> };
      assert.deepEqual(
        v1.services.filter((s) => ['queue', 'api', 'web'].includes(s.id)).map((s) => s.id),
        ['queue', 'api', 'web'],
      );
    });

    it('sets a whole order at once (drag and drop) and refuses an incomplete one, changing nothing', async () => {
      await admin.get('/admin/order');
      const ok = await admin.post('/admin/order', { kind: 'services', list: 'alpha', order: 'web,queue,api' });
      assert.equal(ok.statusCode, 204);
      const bad = await admin.post('/admin/order', { kind: 'services', list: 'alpha', order: 'web,queue' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /missing &quot;api&quot;|missing "api"/);
      const front = (await t.inject({ url: '/' })).body;
      assert.deepEqual(names(front, /data-service="([a-z-]+)"/g).slice(0, 3), ['web', 'queue', 'api']);
      const refused = await admin.post('/admin/order', { _csrf: 'wrong', kind: 'lists', order: 'beta,alpha,gamma' });
      assert.equal(refused.statusCode, 403);
    });

    it('puts a service moved to an ordered list at its end, and keeps positions in the export', async () => {
      await t.post('/services/loose', { list: 'alpha' });
      const front = (await t.inject({ url: '/' })).body;
      assert.deepEqual(names(front, /data-service="([a-z-]+)"/g).slice(0, 4), ['web', 'queue', 'api', 'loose']);
      const doc = await exportData(t.ctx);
      assert.equal(doc.lists.find((l) => l.slug === 'gamma')?.position, 1);
      assert.equal(doc.services.find((s) => s.slug === 'loose')?.position, 4);
    });
  });
}
