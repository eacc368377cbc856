import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';
import type { InjectOptions } from 'fastify';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { readOAuthCredentials, type OAuthCredentials } from '../src/services/oauth.ts';
import { waitFor } from './support/server-process.ts';

/** A log destination that keeps everything written to it. */
class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
  lines(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}

for (const backend of BACKENDS) {
  describe(`request logs (${backend})`, () => {
    const HOST = 'status.example.com';
    let t: TestApp;
    let log: Collector;
    let creds: OAuthCredentials;
    let sent = 0;
    before(async () => {
      log = new Collector();
      t = await startTestApp(backend, {
        logStream: log,
        clock: { now: () => Date.now() },
        env: { STASHBOARD_ADMIN_TOKEN: 'env-admin-secret-4242-0123456789abcdef' },
      });
      creds = (await readOAuthCredentials(t.ctx.database.db))!;
    });
    after(async () => t.close());

    /** Sends a request and waits for its log line (written when the response has finished). */
    const send = async (options: InjectOptions) => {
      const res = await t.inject(options);
      sent++;
      await waitFor(
        `log line ${sent}`,
        async () => log.lines().filter((l) => l.msg === 'request').length >= sent || undefined,
        5_000,
      );
      return res;
    };

    const oauth = () =>
      new OAuth({
        consumer: { key: creds.consumerKey, secret: creds.consumerSecret },
        signature_method: 'HMAC-SHA1',
        hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
      });
    const token = {
      get key() {
        return creds.accessToken;
      },
      get secret() {
        return creds.accessTokenSecret;
      },
    };
    const signatures: string[] = [];

    it('writes exactly one JSON line per request, with method, url and status', async () => {
      const requests: Array<[InjectOptions, number]> = [
        [{ method: 'GET', url: '/api/v1/services' }, 200],
        [{ method: 'HEAD', url: '/api/v1/statuses' }, 200],
        [{ method: 'GET', url: '/api/v1/levels?callback=cb' }, 200],
        [{ method: 'GET', url: '/api/v1/services/ghost' }, 404],
        [{ method: 'GET', url: '/api/v1/nothing' }, 404],
        [{ method: 'POST', url: '/api/v1/services' }, 405],
        [{ method: 'GET', url: '/admin/api/v1/services' }, 401],
        [{ method: 'GET', url: '/admin/api/v1/services', headers: t.admin }, 200],
        [
          {
            method: 'POST',
            url: '/admin/api/v1/services',
            headers: { ...t.admin, 'content-type': 'application/json' },
            payload: '{"name": ',
          },
          400,
        ],
        [
          {
            method: 'POST',
            url: '/admin/api/v1/services',
            headers: { ...t.admin, 'content-type': 'application/json' },
            payload: JSON.stringify({ name: 'Logged', description: 'x' }),
          },
          201,
        ],
        [
          {
            method: 'POST',
            url: '/admin/api/v1/services',
            headers: { ...t.admin, 'content-type': 'application/json' },
            payload: JSON.stringify({ p: 'x'.repeat(70_000) }),
          },
          413,
        ],
        [{ method: 'GET', url: '/api/v1/services/%ZZ' }, 400],
        [{ method: 'GET', url: '/rss' }, 200],
        [{ method: 'GET', url: '/healthz' }, 200],
      ];
      for (const [options, status] of requests) {
        const res = await send(options);
        assert.equal(res.statusCode, status, `${options.method} ${options.url}`);
      }
      const lines = log.lines();
      const requestLines = lines.filter((l) => l.msg === 'request');
      assert.equal(requestLines.length, requests.length);
      assert.equal(lines.length, requests.length, `only request lines expected:\n${log.text}`);
      for (const [index, [options, status]] of requests.entries()) {
        const line = requestLines[index]!;
        assert.equal(line.method, options.method);
        assert.equal(line.url, options.url);
        assert.equal(line.status, status);
        assert.equal(typeof line.time, 'number');
      }
      assert.equal(new Set(requestLines.map((l) => l.reqId)).size, requests.length, 'each line belongs to one request');
    });

    it('never logs bearer tokens, STASHBOARD_ADMIN_TOKEN, cookies or the Authorization header', async () => {
      const bearer = t.admin.authorization!;
      await send({
        method: 'GET',
        url: '/admin/api/v1/services',
        headers: { ...t.admin, cookie: 'stashboard_session=cookie-secret-value-9876; other=thing-5555' },
      });
      await send({
        method: 'GET',
        url: '/admin/api/v1/services',
        headers: { authorization: 'Bearer env-admin-secret-4242-0123456789abcdef' },
      });
      await send({
        method: 'GET',
        url: '/admin/api/v1/services',
        headers: { authorization: 'Bearer sb_000000000000.wrong-secret-wrong-secret-1234' },
      });
      await send({
        method: 'GET',
        url: '/admin/api/v1/services',
        headers: { authorization: `Basic ${Buffer.from('admin:basic-password-3141').toString('base64')}` },
      });
      await send({
        method: 'GET',
        url: `/admin/api/v1/services?access_token=${encodeURIComponent(bearer.slice(7))}&token=query-token-2718`,
      });
      for (const secret of [
        bearer.slice(7),
        bearer,
        'env-admin-secret-4242-0123456789abcdef',
        'cookie-secret-value-9876',
        'thing-5555',
        'wrong-secret-wrong-secret-1234',
        'basic-password-3141',
        Buffer.from('admin:basic-password-3141').toString('base64'),
        'query-token-2718',
        'Bearer',
      ]) {
        assert.ok(!log.text.includes(secret), `the log contains ${secret}`);
      }
      assert.doesNotMatch(log.text, /authorization|cookie/i);
    });

    it('never logs OAuth signatures, sent in the header, the query string or the form body', async () => {
      const signer = oauth();
      const headerUrl = `http://${HOST}/admin/api/v1/services`;
      const headerAuth = signer.authorize({ url: headerUrl, method: 'GET' }, token);
      signatures.push(headerAuth.oauth_signature, headerAuth.oauth_nonce);
      const viaHeader = await send({
        method: 'GET',
        url: '/admin/api/v1/services',
        headers: { host: HOST, ...signer.toHeader(headerAuth) },
      });
      assert.equal(viaHeader.statusCode, 200);

      const queryAuth = signer.authorize({ url: `${headerUrl}?trace=cb`, method: 'GET' }, token);
      signatures.push(queryAuth.oauth_signature, queryAuth.oauth_nonce);
      // (the admin mount answers no JSONP, so an ordinary parameter stands beside the signature)
      const params = new URLSearchParams({ trace: 'cb' });
      for (const [key, value] of Object.entries(queryAuth))
        if (key.startsWith('oauth_')) params.set(key, String(value));
      const viaQuery = await send({ method: 'GET', url: `/admin/api/v1/services?${params}`, headers: { host: HOST } });
      assert.equal(viaQuery.statusCode, 200);
      const queryLine = log
        .lines()
        .filter((l) => l.msg === 'request')
        .at(-1)!;
      assert.match(String(queryLine.url), /^\/admin\/api\/v1\/services\?/);
      assert.match(String(queryLine.url), /trace=cb/);

      const data = { name: 'Signed In Body', description: 'x' };
      const bodyAuth = signer.authorize({ url: headerUrl, method: 'POST', data }, token);
      signatures.push(bodyAuth.oauth_signature, bodyAuth.oauth_nonce);
      const body = new URLSearchParams(data);
      for (const [key, value] of Object.entries(bodyAuth)) if (key.startsWith('oauth_')) body.set(key, String(value));
      const viaBody = await send({
        method: 'POST',
        url: '/admin/api/v1/services',
        headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      });
      assert.equal(viaBody.statusCode, 201);

      // a refused signature is not logged either
      const bad = await send({
        method: 'GET',
        url: '/admin/api/v1/services?oauth_signature=refused-signature-1618&oauth_consumer_key=x&oauth_nonce=n&oauth_timestamp=1&oauth_signature_method=HMAC-SHA1',
      });
      assert.equal(bad.statusCode, 401);
      signatures.push('refused-signature-1618');

      for (const secret of [...signatures, creds.accessToken, creds.consumerSecret, creds.accessTokenSecret]) {
        assert.ok(!log.text.includes(secret), `the log contains ${secret}`);
        assert.ok(!log.text.includes(encodeURIComponent(secret)), `the log contains ${secret}, percent-encoded`);
      }
    });
  });
}
