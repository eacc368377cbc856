import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';

for (const backend of BACKENDS) {
  describe(`services and lists (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => t.close());

    it('creates a list and a service in it, with absolute urls on the serving mount', async () => {
      const list = await t.post('/service-lists', { name: 'Core', description: 'Core services' });
      assert.equal(list.statusCode, 201);
      assert.deepEqual(list.json(), {
        id: 'core',
        name: 'Core',
        description: 'Core services',
        url: 'http://localhost:80/admin/api/v1/service-lists/core',
      });
      const created = await t.post('/services', { name: 'Some Random Name', description: 'The API', list: 'core' });
      assert.equal(created.statusCode, 201);
      const body = created.json();
      assert.equal(body.id, 'some-random-name');
      assert.equal(body.url, 'http://localhost:80/admin/api/v1/services/some-random-name');
      assert.equal(body.list.id, 'core');
      assert.equal(body['current-event'], null);
      const pub = await t.inject({
        method: 'GET',
        url: '/api/v1/services/some-random-name',
        headers: { host: 'status.example.com:8080' },
      });
      assert.equal(pub.statusCode, 200);
      assert.equal(pub.json().url, 'http://status.example.com:8080/api/v1/services/some-random-name');
      assert.equal(pub.json().list.url, 'http://status.example.com:8080/api/v1/service-lists/core');
    });

    it('orders lists by name case-insensitively, ties by slug', async () => {
      await t.post('/services', { name: 'alpha', description: 'a' });
      await t.post('/services', { name: 'Beta', description: 'b' });
      await t.post('/services', { name: 'ALPHA!', description: 'c' }).then((r) => assert.equal(r.statusCode, 409));
      const names = (await t.get('/services')).json().services.map((s: { name: string }) => s.name);
      assert.deepEqual(names, ['alpha', 'Beta', 'Some Random Name']);
    });

    it('renames without changing the slug, moves between lists, and leaves a list with empty list=', async () => {
      const renamed = await t.post('/services/beta', { name: 'Gamma Ray', description: 'new' });
      assert.equal(renamed.statusCode, 200);
      assert.equal(renamed.json().id, 'beta');
      assert.equal(renamed.json().name, 'Gamma Ray');
      assert.equal((await t.post('/services/beta', { list: 'core' })).json().list.id, 'core');
      assert.equal((await t.post('/services/beta', { list: '' })).json().list, null);
      const unknownList = await t.post('/services/beta', { list: 'nope' });
      assert.equal(unknownList.statusCode, 400);
      assert.match(unknownList.json().message, /nope/);
    });

    it('answers 409 for a taken slug and 400 for names without a slug', async () => {
      const dup = await t.post('/services', { name: 'some random name', description: 'x' });
      assert.equal(dup.statusCode, 409);
      assert.deepEqual(Object.keys(dup.json()), ['error', 'code', 'message']);
      assert.equal(dup.json().code, 409);
      assert.equal((await t.post('/service-lists', { name: 'core', description: 'x' })).statusCode, 409);
      const empty = await t.post('/services', { name: '!!!', description: 'x' });
      assert.equal(empty.statusCode, 400);
    });

    it('validates required, over-long and control-character fields and changes nothing', async () => {
      const before = (await t.get('/services')).body;
      const cases: Array<[Record<string, string>, RegExp]> = [
        [{ description: 'x' }, /name is required/],
        [{ name: '', description: 'x' }, /name is required/],
        [{ name: 'ok' }, /description is required/],
        [{ name: 'x'.repeat(101), description: 'x' }, /name.*101.*100/],
        [{ name: 'ok', description: 'x'.repeat(1001) }, /description.*1000/],
        [{ name: 'bad\u0007bell', description: 'x' }, /control character/],
        [{ name: 'ok', description: 'x', list: 'missing' }, /list "missing" does not exist/],
      ];
      for (const [form, message] of cases) {
        const res = await t.post('/services', form);
        assert.equal(res.statusCode, 400, JSON.stringify(form));
        assert.match(res.json().message, message);
        assert.match(res.headers['content-type'] as string, /^application\/json/);
      }
      assert.equal((await t.get('/services')).body, before);
    });

    it('round-trips unicode names exactly, with accents folded in the slug', async () => {
      const res = await t.post('/services', { name: 'Crème Brûlée 日本 🚀', description: 'Ünïcödé — “quotes”' });
      assert.equal(res.statusCode, 201);
      assert.equal(res.json().id, 'creme-brulee');
      const back = (await t.inject({ method: 'GET', url: '/api/v1/services/creme-brulee' })).json();
      assert.equal(back.name, 'Crème Brûlée 日本 🚀');
      assert.equal(back.description, 'Ünïcödé — “quotes”');
    });

    it('accepts JSON bodies and query-string parameters', async () => {
      const json = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services',
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'Json Svc', description: 'from json' }),
      });
      assert.equal(json.statusCode, 201);
      const query = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services?name=Query%20Svc&description=q',
        headers: t.admin,
      });
      assert.equal(query.statusCode, 201);
      assert.equal(query.json().id, 'query-svc');
      const bad = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services',
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: '{"name": ',
      });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error, true);
      const wrongType = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services',
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 5, description: 'x' }),
      });
      assert.equal(wrongType.statusCode, 400);
      assert.match(wrongType.json().message, /name must be a string/);
    });

    it('deletes a list, leaving its services with list null', async () => {
      const res = await t.del('/service-lists/core');
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().id, 'core');
      assert.equal((await t.get('/services/some-random-name')).json().list, null);
      assert.equal((await t.get('/service-lists/core')).statusCode, 404);
      assert.deepEqual((await t.get('/service-lists')).json(), { lists: [] });
    });

    it('deletes a service with its events', async () => {
      await t.post('/services/alpha/events', { message: 'hello', status: 'down' });
      const res = await t.del('/services/alpha');
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().id, 'alpha');
      assert.equal(res.json()['current-event'].message, 'hello');
      assert.equal((await t.get('/services/alpha')).statusCode, 404);
      assert.equal((await t.get('/services/alpha/events')).statusCode, 404);
      const again = await t.del('/services/alpha');
      assert.equal(again.statusCode, 404);
      assert.equal(again.json().message, 'Service alpha does not exist');
    });
  });
}

describe('admin API rate limit', () => {
  it('answers 429 with Retry-After past the per-address limit, before checking credentials', async () => {
    const t = await startTestApp('sqlite', { env: { ADMIN_RATE_LIMIT: '5' } });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await t.get('/services')).statusCode, 200);
      const limited = await t.inject({ method: 'GET', url: '/admin/api/v1/services' });
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json().code, 429);
      assert.match(limited.headers['content-type'] as string, /^application\/json/);
      assert.ok(Number(limited.headers['retry-after']) > 0);
      assert.equal(
        (await t.inject({ method: 'GET', url: '/api/v1/services' })).statusCode,
        200,
        'the public mount is not limited',
      );
    } finally {
      await t.close();
    }
  });
});
