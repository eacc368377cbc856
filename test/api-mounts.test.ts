import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';

const SPEC_IMAGE_NAMES = [
  'broom',
  'bug',
  'clock',
  'cross-circle',
  'exclamation',
  'flag',
  'hard-hat',
  'heart',
  'information',
  'information-small',
  'information-white',
  'lock',
  'plug',
  'plus-circle',
  'question',
  'question-white',
  'tick-circle',
  'traffic-cone',
  'wrench',
];

function assertJsonError(res: LightMyRequestResponse, status: number, label = ''): void {
  assert.equal(res.statusCode, status, `${label}: ${res.body}`);
  assert.match(res.headers['content-type'] as string, /^application\/json(; charset=utf-8)?$/, label);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['error', 'code', 'message'], label);
  assert.equal(body.error, true, label);
  assert.equal(body.code, status, label);
  assert.equal(typeof body.message, 'string', label);
}

function assertCors(res: LightMyRequestResponse, label = ''): void {
  assert.equal(res.headers['access-control-allow-origin'], '*', `${label}: no CORS header on ${res.statusCode}`);
}

for (const backend of BACKENDS) {
  describe(`API mounts (${backend})`, () => {
    let t: TestApp;
    let sid: string;
    before(async () => {
      t = await startTestApp(backend);
      await t.post('/service-lists', { name: 'Core', description: 'core' });
      await t.post('/services', { name: 'Web', description: 'web', list: 'core' });
      sid = (await t.post('/services/web/events', { message: 'up and running' })).json().sid;
    });
    after(async () => t.close());

    const publicPaths = () => [
      '/services',
      '/services/web',
      '/services/web/events',
      '/services/web/events/current',
      `/services/web/events/${sid}`,
      '/service-lists',
      '/service-lists/core',
      '/statuses',
      '/statuses/up',
      '/status-images',
      '/levels',
    ];

    it('the public mount answers GET on every resource, with CORS and JSON', async () => {
      for (const path of publicPaths()) {
        const res = await t.inject({ method: 'GET', url: `/api/v1${path}` });
        assert.equal(res.statusCode, 200, path);
        assert.match(res.headers['content-type'] as string, /^application\/json/, path);
        assertCors(res, path);
        res.json();
      }
    });

    it('the public mount refuses POST, PUT and DELETE with 405, an Allow header, a JSON error and CORS', async () => {
      for (const path of publicPaths()) {
        for (const method of ['POST', 'PUT', 'DELETE'] as const) {
          const res = await t.inject({
            method,
            url: `/api/v1${path}`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: 'name=x&description=y&message=z',
          });
          assertJsonError(res, 405, `${method} ${path}`);
          assert.equal(res.headers.allow, 'GET, HEAD', `${method} ${path}`);
          assertCors(res, `${method} ${path}`);
        }
      }
      // and nothing changed
      assert.deepEqual(
        (await t.get('/services')).json().services.map((s: { id: string }) => s.id),
        ['web'],
      );
      assert.equal((await t.get(`/services/web/events/${sid}`)).statusCode, 200);
    });

    it('the public mount refuses a write even with an admin credential', async () => {
      const res = await t.inject({ method: 'DELETE', url: '/api/v1/services/web', headers: t.admin });
      assertJsonError(res, 405);
      assert.equal((await t.get('/services/web')).statusCode, 200);
    });

    it('the admin mount refuses PUT (and PATCH) with 405 and an Allow header naming what it supports', async () => {
      const cases: Array<[string, string]> = [
        ['/services', 'GET, HEAD, POST'],
        ['/services/web', 'GET, HEAD, POST, DELETE'],
        ['/services/web/events', 'GET, HEAD, POST'],
        [`/services/web/events/${sid}`, 'GET, HEAD, DELETE'],
        ['/statuses/up', 'GET, HEAD, POST, DELETE'],
        ['/levels', 'GET, HEAD'],
      ];
      for (const [path, allow] of cases) {
        for (const method of ['PUT', 'PATCH'] as const) {
          const res = await t.inject({ method, url: `/admin/api/v1${path}`, headers: t.admin });
          assertJsonError(res, 405, `${method} ${path}`);
          assert.equal(res.headers.allow, allow, path);
        }
      }
      const del = await t.inject({ method: 'DELETE', url: '/admin/api/v1/levels', headers: t.admin });
      assertJsonError(del, 405);
    });

    it('checks the version segment on both mounts: 404 JSON', async () => {
      for (const url of ['/api/v2/services', '/api/foo/statuses', '/api/v0/levels', '/api/V1/services']) {
        const res = await t.inject({ method: 'GET', url });
        assertJsonError(res, 404, url);
        assertCors(res, url);
      }
      for (const url of ['/admin/api/hey/statuses/foo', '/admin/api/v2/services', '/admin/api/foo/statuses']) {
        assertJsonError(await t.inject({ method: 'GET', url, headers: t.admin }), 404, url);
        const post = await t.inject({
          method: 'POST',
          url,
          headers: { ...t.admin, 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'name=a&description=b',
        });
        assert.ok([404, 405].includes(post.statusCode), `POST ${url}: ${post.statusCode}`);
        assertJsonError(post, post.statusCode, url);
      }
      assert.deepEqual(
        (await t.get('/services')).json().services.map((s: { id: string }) => s.id),
        ['web'],
      );
    });

    it('the admin mount checks the credential first: anonymous gets 401 with WWW-Authenticate whatever the path', async () => {
      const urls = [
        '/admin/api/hey/statuses/foo',
        '/admin/api/v1/services',
        '/admin/api/v1/nothing/here',
        '/admin/api',
        '/admin/api/v1/levels',
      ];
      for (const url of urls) {
        for (const method of ['GET', 'POST', 'DELETE', 'PUT'] as const) {
          const res = await t.inject({ method, url });
          assertJsonError(res, 401, `${method} ${url}`);
          assert.match(res.headers['www-authenticate'] as string, /Bearer|OAuth/, url);
        }
      }
      const form = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'name=Sneaky&description=x',
      });
      assertJsonError(form, 401);
      assert.ok(form.headers['www-authenticate']);
      assert.equal((await t.get('/services/sneaky')).statusCode, 404);
    });

    it('answers any other path under /api/ or /admin/api/ with a 404 JSON error', async () => {
      const urls = [
        '/api',
        '/api/',
        '/api/v1',
        '/api/v1/',
        '/api/v1/nothing',
        '/api/v1/services/web/events/current/extra',
        '/api/v1/services/web/nothing',
        '/api/v1/statuses/up/down',
      ];
      for (const url of urls) {
        const res = await t.inject({ method: 'GET', url });
        assertJsonError(res, 404, url);
        assertCors(res, url);
      }
      for (const url of [
        '/admin/api',
        '/admin/api/v1',
        '/admin/api/v1/nothing',
        '/admin/api/v1/services/web/nothing',
      ]) {
        assertJsonError(await t.inject({ method: 'GET', url, headers: t.admin }), 404, url);
      }
    });

    it('answers unknown slugs with 404 JSON naming them, with CORS on the public mount', async () => {
      const res = await t.inject({ method: 'GET', url: '/api/v1/services/ghost' });
      assertJsonError(res, 404);
      assertCors(res);
      assert.equal(res.json().message, 'Service ghost does not exist');
      assertJsonError(await t.get('/service-lists/ghost'), 404);
    });

    it('answers a malformed path with a JSON error (and CORS on the public mount)', async () => {
      const pub = await t.inject({ method: 'GET', url: '/api/v1/services/%ZZ' });
      assert.ok(pub.statusCode === 400 || pub.statusCode === 404, String(pub.statusCode));
      assertJsonError(pub, pub.statusCode);
      assertCors(pub);
      const admin = await t.inject({ method: 'GET', url: '/admin/api/v1/services/%E0%A4', headers: t.admin });
      assertJsonError(admin, admin.statusCode);
      const long = await t.inject({ method: 'GET', url: `/api/v1/services/${'a'.repeat(150)}` });
      assertJsonError(long, 404);
      assertCors(long);
    });

    it('JSONP: a valid callback wraps the JSON as NAME(<json>); with application/javascript', async () => {
      for (const name of ['cb', 'jQuery17_123', '$', '_', 'My.app.handle$', 'a'.repeat(64)]) {
        const plain = await t.inject({ method: 'GET', url: '/api/v1/statuses/up' });
        const res = await t.inject({ method: 'GET', url: `/api/v1/statuses/up?callback=${encodeURIComponent(name)}` });
        assert.equal(res.statusCode, 200, name);
        assert.match(res.headers['content-type'] as string, /^application\/javascript(; charset=utf-8)?$/);
        assert.equal(res.body, `${name}(${plain.body});`);
        assertCors(res);
      }
      // The admin mount never wraps answers as JSONP (a script tag must not read admin data).
      const admin = await t.inject({ method: 'GET', url: '/admin/api/v1/services?callback=handle', headers: t.admin });
      assert.equal(admin.statusCode, 400);
      assert.match(admin.headers['content-type'] as string, /^application\/json/);
      assert.match(admin.json().message, /callback/);
    });

    it('JSONP: an invalid or over-long callback is a 400 JSON error, never echoed', async () => {
      const bad = [
        'alert(1)',
        '1abc',
        'a..b',
        'a.',
        '.a',
        '<script>',
        'a-b',
        'a b',
        '',
        'x'.repeat(65),
        'ok;alert(document.cookie)',
      ];
      for (const name of bad) {
        const res = await t.inject({ method: 'GET', url: `/api/v1/statuses/up?callback=${encodeURIComponent(name)}` });
        assertJsonError(res, 400, JSON.stringify(name));
        assertCors(res);
        assert.match(res.json().message, /callback/);
        if (name.length > 1) assert.ok(!res.body.includes(name), `echoed ${name}`);
      }
    });

    it('HEAD answers like GET without a body, on both mounts', async () => {
      const get = await t.inject({ method: 'GET', url: '/api/v1/services' });
      const head = await t.inject({ method: 'HEAD', url: '/api/v1/services' });
      assert.equal(head.statusCode, 200);
      assert.equal(head.body, '');
      assert.match(head.headers['content-type'] as string, /^application\/json/);
      assert.equal(head.headers['content-length'], get.headers['content-length']);
      assertCors(head);
      const adminHead = await t.inject({ method: 'HEAD', url: '/admin/api/v1/statuses/up', headers: t.admin });
      assert.equal(adminHead.statusCode, 200);
      assert.equal(adminHead.body, '');
      assert.equal((await t.inject({ method: 'HEAD', url: '/api/v1/services/ghost' })).statusCode, 404);
      assert.equal((await t.inject({ method: 'HEAD', url: '/admin/api/v1/services' })).statusCode, 401);
    });

    it('answers a body over 64 KiB with 413 JSON, and takes one just under', async () => {
      const form = { ...t.admin, 'content-type': 'application/x-www-form-urlencoded' };
      const prefix = 'name=Big&description=x&padding=';
      const fits = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services',
        headers: form,
        payload: prefix + 'a'.repeat(64 * 1024 - prefix.length),
      });
      assert.equal(fits.statusCode, 201, fits.body);
      const big = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services',
        headers: form,
        payload: prefix + 'a'.repeat(64 * 1024 - prefix.length + 1),
      });
      assertJsonError(big, 413);
      const json = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services/web/events',
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: JSON.stringify({ message: 'x', padding: 'a'.repeat(70_000) }),
      });
      assertJsonError(json, 413);
      const pub = await t.inject({
        method: 'POST',
        url: '/api/v1/services',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ p: 'a'.repeat(70_000) }),
      });
      assert.ok([405, 413].includes(pub.statusCode));
      assertJsonError(pub, pub.statusCode);
      assertCors(pub);
    });

    it('answers malformed form bodies with 400 and changes nothing', async () => {
      const before = (await t.get('/services')).body;
      const bodies = [
        'name=%ZZ&description=x',
        'name=Bad%E0%A4&description=x',
        'name=Bad%&description=x',
        'name=%C3%28bad&description=x',
      ];
      for (const payload of bodies) {
        const res = await t.inject({
          method: 'POST',
          url: '/admin/api/v1/services',
          headers: { ...t.admin, 'content-type': 'application/x-www-form-urlencoded' },
          payload,
        });
        assertJsonError(res, 400, payload);
        assert.match(res.json().message, /form/i, payload);
      }
      assert.equal((await t.get('/services')).body, before);
    });

    it('answers malformed or non-object JSON bodies with 400 and changes nothing', async () => {
      const before = (await t.get('/services')).body;
      for (const payload of ['{"name": ', '[1, 2]', '"a string"', '42', '', '{"name": "x", "description": "y",}']) {
        const res = await t.inject({
          method: 'POST',
          url: '/admin/api/v1/services',
          headers: { ...t.admin, 'content-type': 'application/json' },
          payload,
        });
        assertJsonError(res, 400, JSON.stringify(payload));
      }
      const wrongType = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services',
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: ['a'], description: 'x' }),
      });
      assertJsonError(wrongType, 400);
      assert.equal((await t.get('/services')).body, before);
    });

    it('serves /levels and /status-images with every name the spec lists, each URL serving an image', async () => {
      const levels = await t.inject({ method: 'GET', url: '/api/v1/levels' });
      assert.deepEqual(levels.json(), { levels: ['NORMAL', 'WARNING', 'ERROR', 'CRITICAL'] });
      const res = await t.inject({
        method: 'GET',
        url: '/api/v1/status-images',
        headers: { host: 'status.example.com' },
      });
      assert.equal(res.statusCode, 200);
      const images = res.json().images as Array<{ name: string; icon_set: string; url: string }>;
      const names = images.map((i) => i.name);
      for (const name of SPEC_IMAGE_NAMES) assert.ok(names.includes(name), `missing image ${name}`);
      assert.equal(new Set(names).size, names.length);
      for (const image of images) {
        assert.deepEqual(Object.keys(image).sort(), ['icon_set', 'name', 'url']);
        assert.equal(image.icon_set, 'fugue');
        const url = new URL(image.url);
        assert.equal(url.origin, 'http://status.example.com');
        assert.match(url.pathname, new RegExp(`^/images/icons/fugue/${image.name}\\.(png|svg)$`));
        const served = await t.inject({ method: 'GET', url: url.pathname });
        assert.equal(served.statusCode, 200, image.url);
        assert.match(served.headers['content-type'] as string, /^image\//);
        assert.ok(served.rawPayload.length > 0);
      }
      assert.deepEqual(
        (await t.get('/status-images')).json().images.map((i: { name: string }) => i.name),
        names,
      );
      assert.equal((await t.inject({ method: 'GET', url: '/images/icons/fugue/no-such-icon.svg' })).statusCode, 404);
    });

    it('ignores X-Forwarded-* headers unless told it is behind a proxy', async () => {
      const res = await t.inject({
        method: 'GET',
        url: '/api/v1/statuses/up',
        headers: { host: 'internal:8080', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
      });
      assert.equal(res.json().url, 'http://internal:8080/api/v1/statuses/up');
    });
  });

  describe(`API mount configuration (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { env: { BODY_LIMIT: '2048', TRUST_PROXY: '1' } });
    });
    after(async () => t.close());

    it('BODY_LIMIT changes the largest accepted body', async () => {
      const headers = { ...t.admin, 'content-type': 'application/json' };
      const small = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services',
        headers,
        payload: JSON.stringify({ name: 'Small', description: 'd'.repeat(1000) }),
      });
      assert.equal(small.statusCode, 201);
      const big = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services',
        headers,
        payload: JSON.stringify({ name: 'Big', description: 'd'.repeat(1000), pad: 'p'.repeat(1100) }),
      });
      assertJsonError(big, 413);
      assert.equal((await t.get('/services/big')).statusCode, 404);
    });

    it('behind a proxy, urls use X-Forwarded-Proto and X-Forwarded-Host', async () => {
      const res = await t.inject({
        method: 'GET',
        url: '/api/v1/statuses/up',
        headers: { host: 'internal:8080', 'x-forwarded-host': 'status.example.org', 'x-forwarded-proto': 'https' },
      });
      assert.equal(res.json().url, 'https://status.example.org/api/v1/statuses/up');
      assert.equal(res.json().image, 'https://status.example.org/images/icons/fugue/tick-circle.svg');
    });
  });
}
