import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import type { LightMyRequestResponse } from 'fastify';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { createToken, revokeToken } from '../src/services/tokens.ts';
import { readOAuthCredentials, type OAuthCredentials } from '../src/services/oauth.ts';
import type { Actor } from '../src/services/context.ts';

const CLI: Actor = { kind: 'cli', name: 'auth test', scope: 'admin' };
const FORM = 'application/x-www-form-urlencoded';

function assert401(res: LightMyRequestResponse, label = ''): void {
  assert.equal(res.statusCode, 401, `${label}: ${res.body}`);
  assert.match(res.headers['www-authenticate'] as string, /Bearer|OAuth/, label);
  assert.match(res.headers['content-type'] as string, /^application\/json/, label);
  assert.deepEqual(Object.keys(res.json()), ['error', 'code', 'message'], label);
  assert.equal(res.json().code, 401, label);
}

for (const backend of BACKENDS) {
  describe(`bearer tokens (${backend})`, () => {
    let t: TestApp;
    let eventsToken: string;
    let sid: string;
    before(async () => {
      t = await startTestApp(backend);
      eventsToken = (await createToken(t.ctx, CLI, { name: 'monitor', scope: 'events' })).secret;
      assert.equal((await t.post('/services', { name: 'Web', description: 'web' })).statusCode, 201);
      sid = (await t.post('/services/web/events', { message: 'up', status: 'up' })).json().sid;
    });
    after(async () => t.close());

    const as = (token: string, method: 'GET' | 'POST' | 'DELETE', path: string, form?: Record<string, string>) =>
      t.inject({
        method,
        url: `/admin/api/v1${path}`,
        headers: { authorization: `Bearer ${token}`, ...(form ? { 'content-type': FORM } : {}) },
        ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
      });

    it('an admin-scope token can do everything: lists, services, statuses, events, deletes', async () => {
      const admin = (await createToken(t.ctx, CLI, { name: 'ops', scope: 'admin' })).secret;
      const steps: Array<[number, 'GET' | 'POST' | 'DELETE', string, Record<string, string>?]> = [
        [201, 'POST', '/service-lists', { name: 'Ops List', description: 'x' }],
        [201, 'POST', '/services', { name: 'Ops Svc', description: 'x', list: 'ops-list' }],
        [200, 'POST', '/services/ops-svc', { description: 'y' }],
        [201, 'POST', '/statuses', { name: 'Ops Status', description: 'x', image: 'wrench', level: 'WARNING' }],
        [200, 'POST', '/statuses/ops-status', { level: 'ERROR' }],
        [201, 'POST', '/services/ops-svc/events', { message: 'ops event', status: 'ops-status' }],
        [200, 'GET', '/services/ops-svc/events/current'],
        [200, 'GET', '/services'],
        [200, 'GET', '/statuses'],
        [200, 'GET', '/service-lists/ops-list'],
        [200, 'GET', '/levels'],
        [200, 'GET', '/status-images'],
        [200, 'DELETE', '/statuses/ops-status?force=true'],
        [200, 'DELETE', '/services/ops-svc'],
        [200, 'DELETE', '/service-lists/ops-list'],
      ];
      for (const [status, method, path, form] of steps) {
        const res = await as(admin, method, path, form);
        assert.equal(res.statusCode, status, `${method} ${path}: ${res.body}`);
      }
    });

    it('an events-scope token may post and read events', async () => {
      const posted = await as(eventsToken, 'POST', '/services/web/events', { message: 'probe failed', status: 'down' });
      assert.equal(posted.statusCode, 201);
      assert.equal(posted.json().author, 'token:monitor');
      const noStatus = await as(eventsToken, 'POST', '/services/web/events', { message: 'still failing' });
      assert.equal(noStatus.statusCode, 201);
      assert.equal(noStatus.json().status.id, 'down');
      assert.equal((await as(eventsToken, 'GET', '/services/web/events')).json().events.length, 3);
      assert.equal((await as(eventsToken, 'GET', '/services/web/events/current')).json().sid, noStatus.json().sid);
      assert.equal((await as(eventsToken, 'GET', `/services/web/events/${sid}`)).statusCode, 200);
      assert.equal((await as(eventsToken, 'GET', '/services/web/events?start=2010-06-28')).statusCode, 200);
      assert.equal((await as(eventsToken, 'POST', '/services/ghost/events', { message: 'x' })).statusCode, 404);
    });

    it('an events-scope token gets 403 for anything else, and changes nothing', async () => {
      const before = [
        (await t.get('/services')).body,
        (await t.get('/statuses')).body,
        (await t.get('/services/web/events')).body,
      ];
      const forbidden: Array<['GET' | 'POST' | 'DELETE', string, Record<string, string>?]> = [
        ['POST', '/services', { name: 'Sneaky', description: 'x' }],
        ['POST', '/services/web', { name: 'Renamed' }],
        ['DELETE', '/services/web'],
        ['DELETE', `/services/web/events/${sid}`],
        ['POST', '/statuses', { name: 'Sneaky', description: 'x', image: 'bug' }],
        ['POST', '/statuses/up', { name: 'Sneaky' }],
        ['DELETE', '/statuses/warning'],
        ['POST', '/service-lists', { name: 'Sneaky', description: 'x' }],
        ['GET', '/services'],
        ['GET', '/services/web'],
        ['GET', '/statuses'],
        ['GET', '/service-lists'],
      ];
      for (const [method, path, form] of forbidden) {
        const res = await as(eventsToken, method, path, form);
        assert.equal(res.statusCode, 403, `${method} ${path}: ${res.body}`);
        assert.equal(res.json().error, true);
        assert.equal(res.json().code, 403);
        assert.match(res.headers['content-type'] as string, /^application\/json/);
      }
      const after = [
        (await t.get('/services')).body,
        (await t.get('/statuses')).body,
        (await t.get('/services/web/events')).body,
      ];
      assert.deepEqual(after, before);
    });

    it('a revoked token is refused with 401 at once', async () => {
      const { token, secret } = await createToken(t.ctx, CLI, { name: 'short-lived', scope: 'admin' });
      assert.equal((await as(secret, 'GET', '/services')).statusCode, 200);
      await revokeToken(t.ctx, CLI, token.id);
      assert401(await as(secret, 'GET', '/services'), 'revoked read');
      assert401(await as(secret, 'POST', '/services', { name: 'After Revoke', description: 'x' }), 'revoked write');
      assert.equal((await t.get('/services/after-revoke')).statusCode, 404);
    });

    it('garbage, malformed and unknown credentials are refused with 401', async () => {
      const secret = t.admin.authorization!.replace(/^Bearer /, '');
      const authorizations = [
        'Bearer nonsense',
        'Bearer ',
        'Bearer',
        `Bearer ${secret}x`,
        `Bearer ${secret.slice(0, -1)}`,
        `Bearer ${secret.replace(/\.(.)/, (_m, c: string) => `.${c === 'A' ? 'B' : 'A'}`)}`,
        'Bearer sb_0123456789ab.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        `Basic ${Buffer.from('admin:admin').toString('base64')}`,
        'OAuth garbage',
        'Token abc',
      ];
      for (const authorization of authorizations) {
        const res = await t.inject({ method: 'GET', url: '/admin/api/v1/services', headers: { authorization } });
        assert401(res, authorization);
        assert.ok(!res.body.includes(secret), 'the secret is echoed');
      }
      const write = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services',
        headers: { authorization: 'Bearer nonsense', 'content-type': FORM },
        payload: 'name=Nope&description=x',
      });
      assert401(write);
      assert.equal((await t.get('/services/nope')).statusCode, 404);
    });

    it('STASHBOARD_ADMIN_TOKEN is not accepted when it is not configured', async () => {
      assert401(await as('automation-secret-0123456789', 'GET', '/services'));
    });
  });

  describe(`STASHBOARD_ADMIN_TOKEN (${backend})`, () => {
    const envToken = 'automation-secret-0123456789-abcdef';
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { env: { STASHBOARD_ADMIN_TOKEN: envToken } });
    });
    after(async () => t.close());

    it('is accepted as an admin-scope bearer token, and recorded as the author', async () => {
      const headers = { authorization: `Bearer ${envToken}`, 'content-type': FORM };
      const created = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services',
        headers,
        payload: 'name=Auto&description=x',
      });
      assert.equal(created.statusCode, 201);
      const status = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/statuses',
        headers,
        payload: 'name=Auto+Status&description=x&image=plug',
      });
      assert.equal(status.statusCode, 201);
      const event = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services/auto/events',
        headers,
        payload: 'message=automated',
      });
      assert.equal(event.statusCode, 201);
      assert.match(event.json().author, /STASHBOARD_ADMIN_TOKEN/);
      const deleted = await t.inject({
        method: 'DELETE',
        url: '/admin/api/v1/services/auto',
        headers: { authorization: `Bearer ${envToken}` },
      });
      assert.equal(deleted.statusCode, 200);
    });

    it('a near miss of it is refused, and regular tokens still work beside it', async () => {
      for (const token of [`${envToken}x`, envToken.slice(0, -1), envToken.toUpperCase()]) {
        assert401(
          await t.inject({
            method: 'GET',
            url: '/admin/api/v1/services',
            headers: { authorization: `Bearer ${token}` },
          }),
          token,
        );
      }
      assert.equal((await t.get('/services')).statusCode, 200);
    });
  });

  describe(`OAuth 1.0a (${backend})`, () => {
    const HOST = 'status.example.com';
    let t: TestApp;
    let creds: OAuthCredentials;
    before(async () => {
      t = await startTestApp(backend, { clock: { now: () => Date.now() } });
      creds = (await readOAuthCredentials(t.ctx.database.db))!;
      assert.ok(creds, 'a new database has OAuth credentials');
    });
    after(async () => t.close());

    interface SignOptions {
      consumerKey?: string;
      consumerSecret?: string;
      tokenSecret?: string;
      /** Seconds to subtract from the current time. */
      age?: number;
      method?: string;
    }

    const sign = (method: string, url: string, data: Record<string, string> = {}, options: SignOptions = {}) => {
      const oauth = new OAuth({
        consumer: {
          key: options.consumerKey ?? creds.consumerKey,
          secret: options.consumerSecret ?? creds.consumerSecret,
        },
        signature_method: options.method ?? 'HMAC-SHA1',
        hash_function: (base, key) =>
          options.method === 'PLAINTEXT' ? key : createHmac('sha1', key).update(base).digest('base64'),
      });
      if (options.age) {
        const age = options.age;
        oauth.getTimeStamp = () => Math.floor(Date.now() / 1000) - age;
      }
      const auth = oauth.authorize(
        { url, method, data },
        { key: creds.accessToken, secret: options.tokenSecret ?? creds.accessTokenSecret },
      );
      return { oauth, auth };
    };

    const pathOf = (url: string) => {
      const u = new URL(url);
      return u.pathname + u.search;
    };

    type Mode = 'header' | 'query' | 'body';
    /** Sends a signed request the way OAuth clients do: signature in the header, the query string or the form body. */
    const send = async (
      mode: Mode,
      method: 'GET' | 'POST' | 'DELETE',
      url: string,
      data: Record<string, string> = {},
      options: SignOptions = {},
    ) => {
      const { oauth, auth } = sign(method, url, data, options);
      // oauth-1.0a merges the signed request parameters into what it returns: keep the protocol ones.
      const oauthParams = Object.fromEntries(
        Object.entries(auth)
          .filter(([k]) => k.startsWith('oauth_'))
          .map(([k, v]) => [k, String(v)]),
      );
      const headers: Record<string, string> = { host: HOST };
      let target = pathOf(url);
      let payload: string | undefined;
      if (mode === 'header') headers.authorization = oauth.toHeader(auth).Authorization;
      if (mode === 'query') target += `${target.includes('?') ? '&' : '?'}${new URLSearchParams(oauthParams)}`;
      if (method === 'POST') {
        headers['content-type'] = FORM;
        payload = new URLSearchParams(mode === 'body' ? { ...data, ...oauthParams } : data).toString();
      } else if (mode === 'body') {
        throw new Error('body mode is for POST');
      }
      return t.inject({ method, url: target, headers, ...(payload !== undefined ? { payload } : {}) });
    };

    const base = `http://${HOST}/admin/api/v1`;

    it('runs the original example.py: create a service, pick an image, create a status, post an event, read it back', async () => {
      // python-oauth2's Client signs POSTs inside the form body and GETs in the query string.
      const service = await send('body', 'POST', `${base}/services`, {
        name: 'An Example Service',
        description: 'An example service, created using the StashBoard API',
      });
      assert.equal(service.statusCode, 201, service.body);
      assert.equal(service.json().url, `${base}/services/an-example-service`);
      const images = await send('query', 'GET', `${base}/status-images`);
      assert.equal(images.statusCode, 200, images.body);
      const image = images.json().images.find((i: { name: string }) => i.name === 'traffic-cone');
      const status = await send('body', 'POST', `${base}/statuses`, {
        name: 'Example Status',
        description: 'An example status, means nothing',
        severity: '10000',
        image: image.name,
      });
      assert.equal(status.statusCode, 201, status.body);
      assert.equal(status.json().id, 'example-status');
      const event = await send('body', 'POST', `${service.json().url}/events`, {
        message: 'Our first event! So exciting',
        status: status.json().id,
      });
      assert.equal(event.statusCode, 201, event.body);
      assert.equal(event.json().status.id, 'example-status');
      assert.match(event.json().author, /^oauth:/);
      const back = await send('query', 'GET', event.json().url);
      assert.equal(back.statusCode, 200, back.body);
      assert.equal(back.json().message, 'Our first event! So exciting');
      assert.equal(back.json().author, event.json().author);
      const current = await send('header', 'GET', `${service.json().url}`);
      assert.equal(current.json()['current-event'].sid, event.json().sid);
    });

    it('accepts the signature in the Authorization header, for reads and form writes', async () => {
      const created = await send('header', 'POST', `${base}/services`, {
        name: 'Header Svc',
        description: 'signed in the header',
      });
      assert.equal(created.statusCode, 201, created.body);
      const message = 'Crème brûlée! (50% off) *really* ~tilde & more + plus = equals 日本';
      const event = await send('header', 'POST', `${base}/services/header-svc/events`, { message, status: 'down' });
      assert.equal(event.statusCode, 201, event.body);
      assert.equal(event.json().message, message);
      const list = await send('header', 'GET', `${base}/services/header-svc/events?start=2010-06-10&end=2099-01-01`);
      assert.equal(list.statusCode, 200, list.body);
      assert.equal(list.json().events.length, 1);
      const deleted = await send('header', 'DELETE', `${base}/services/header-svc/events/${event.json().sid}`);
      assert.equal(deleted.statusCode, 200, deleted.body);
    });

    it('accepts the signature in the query string, for reads and writes', async () => {
      const read = await send('query', 'GET', `${base}/services`);
      assert.equal(read.statusCode, 200, read.body);
      assert.ok(Array.isArray(read.json().services));
      const created = await send('query', 'POST', `${base}/services`, {
        name: 'Query Svc',
        description: 'signed in the query',
      });
      assert.equal(created.statusCode, 201, created.body);
      const deleted = await send('query', 'DELETE', `${base}/services/query-svc`);
      assert.equal(deleted.statusCode, 200, deleted.body);
    });

    it('refuses a replayed nonce with 401, and the replay changes nothing', async () => {
      const url = `${base}/services/header-svc/events`;
      const data = { message: 'only once' };
      const { oauth, auth } = sign('POST', url, data);
      const request = {
        method: 'POST' as const,
        url: pathOf(url),
        payload: new URLSearchParams(data).toString(),
        headers: { host: HOST, authorization: oauth.toHeader(auth).Authorization, 'content-type': FORM },
      };
      assert.equal((await t.inject(request)).statusCode, 201);
      const replay = await t.inject(request);
      assert401(replay, 'replay');
      assert.match(replay.json().message, /nonce/i);
      const events = (await t.get('/services/header-svc/events')).json().events;
      assert.equal(events.filter((e: { message: string }) => e.message === 'only once').length, 1);
    });

    it('refuses a timestamp older than 5 minutes, and takes one a little under', async () => {
      const stale = await send(
        'header',
        'POST',
        `${base}/services`,
        { name: 'Stale Svc', description: 'x' },
        { age: 301 },
      );
      assert401(stale, 'stale');
      assert.match(stale.json().message, /timestamp/i);
      assert401(await send('query', 'GET', `${base}/services`, {}, { age: 3600 }), 'an hour old');
      assert401(await send('header', 'GET', `${base}/services`, {}, { age: -3600 }), 'an hour ahead');
      assert.equal((await t.get('/services/stale-svc')).statusCode, 404);
      const fresh = await send('header', 'GET', `${base}/services`, {}, { age: 240 });
      assert.equal(fresh.statusCode, 200, fresh.body);
    });

    it('refuses wrong secrets, wrong keys, tampered parameters and other signature methods', async () => {
      const cases: Array<[string, () => Promise<LightMyRequestResponse>]> = [
        [
          'wrong consumer secret',
          () =>
            send('header', 'POST', `${base}/services`, { name: 'Bad', description: 'x' }, { consumerSecret: 'wrong' }),
        ],
        [
          'wrong token secret',
          () => send('body', 'POST', `${base}/services`, { name: 'Bad', description: 'x' }, { tokenSecret: 'wrong' }),
        ],
        ['wrong consumer key', () => send('query', 'GET', `${base}/services`, {}, { consumerKey: 'anonymous' })],
        ['PLAINTEXT', () => send('header', 'GET', `${base}/services`, {}, { method: 'PLAINTEXT' })],
      ];
      for (const [label, run] of cases) assert401(await run(), label);
      // signed for one body, sent with another
      const url = `${base}/services`;
      const { oauth, auth } = sign('POST', url, { name: 'Signed', description: 'x' });
      const tampered = await t.inject({
        method: 'POST',
        url: pathOf(url),
        payload: 'name=Tampered&description=x',
        headers: { host: HOST, authorization: oauth.toHeader(auth).Authorization, 'content-type': FORM },
      });
      assert401(tampered, 'tampered');
      // signed for one path, sent to another
      const moved = sign('DELETE', `${base}/services/an-example-service`);
      const other = await t.inject({
        method: 'DELETE',
        url: '/admin/api/v1/services/header-svc',
        headers: { host: HOST, authorization: moved.oauth.toHeader(moved.auth).Authorization },
      });
      assert401(other, 'other path');
      for (const slug of ['bad', 'signed', 'tampered'])
        assert.equal((await t.get(`/services/${slug}`)).statusCode, 404);
      assert.equal((await t.get('/services/header-svc')).statusCode, 200);
    });
  });
}

describe('OAuth 1.0a signed with the default port in the URL', () => {
  it('accepts a signature over http://host:80/... as well as over http://host/...', async () => {
    const { default: OAuth } = await import('oauth-1.0a');
    const { createHmac } = await import('node:crypto');
    const { readOAuthCredentials } = await import('../src/services/oauth.ts');
    const t = await startTestApp('sqlite', { clock: { now: () => Date.now() } });
    try {
      const c = (await readOAuthCredentials(t.ctx.database.db))!;
      const oauth = new OAuth({
        consumer: { key: c.consumerKey, secret: c.consumerSecret },
        signature_method: 'HMAC-SHA1',
        hash_function: (base: string, key: string) => createHmac('sha1', key).update(base).digest('base64'),
      });
      for (const signedUrl of [
        'http://example.org:80/admin/api/v1/services',
        'http://example.org/admin/api/v1/services',
      ]) {
        const header = oauth.toHeader(
          oauth.authorize({ url: signedUrl, method: 'GET' }, { key: c.accessToken, secret: c.accessTokenSecret }),
        );
        const res = await t.inject({
          method: 'GET',
          url: '/admin/api/v1/services',
          headers: { host: 'example.org', ...header },
        });
        assert.equal(res.statusCode, 200, signedUrl);
      }
    } finally {
      await t.close();
    }
  });
});
