import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AddressGuard,
  AddressRefused,
  classifyAddress,
  parseAllowList,
  type Resolver,
} from '../src/outbound/address-guard.ts';
import { GuardedFetch, OutboundFailure } from '../src/outbound/guarded-fetch.ts';
import { loadConfig, ConfigError } from '../src/config.ts';
import { freePort } from './support/server-process.ts';

describe('address classes', () => {
  const table: Array<[string, string | undefined]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', undefined],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'link-local'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.127.255.254', 'shared (CGNAT)'],
    ['100.128.0.1', undefined],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['8.8.8.8', undefined],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fd00:ec2::254', 'metadata'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a00:1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:8.8.8.8', undefined],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a00:1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['2606:4700:4700::1111', undefined],
    // NAT64 local-use, SIIT translated and Teredo forms: refused or judged by the IPv4 inside.
    ['64:ff9b:1::a00:1', 'reserved'],
    ['64:ff9b:1:ffff::808:808', 'reserved'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['::ffff:0:a00:1', 'private'],
    ['::ffff:0:a9fe:a9fe', 'metadata'],
    ['::ffff:0:808:808', undefined],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['2001::1', 'reserved'],
    ['2001:4860:4860::8888', undefined],
    ['not an address', 'reserved'],
  ];
  for (const [address, expected] of table) {
    it(`${address} -> ${expected ?? 'public'}`, () => assert.equal(classifyAddress(address), expected));
  }
});

describe('allow-list', () => {
  it('parses CIDRs, addresses and host names; refuses junk', () => {
    const list = parseAllowList('127.0.0.1, 10.0.0.0/8,::1,Intranet.Example,.corp.example');
    assert.equal(list.ranges.length, 3);
    assert.deepEqual(list.hosts, ['intranet.example', '.corp.example']);
    assert.throws(() => parseAllowList('10.0.0.0/33'), /not an address/);
    assert.throws(() => parseAllowList('http://x'), /not an address/);
  });

  it('is configured by --outbound-allow or OUTBOUND_ALLOW, checked once', () => {
    assert.equal(loadConfig({}, {}).outboundAllow.ranges.length, 0);
    assert.equal(loadConfig({ 'outbound-allow': '127.0.0.1/32' }, {}).outboundAllow.ranges.length, 1);
    assert.equal(loadConfig({}, { OUTBOUND_ALLOW: '127.0.0.1,::1' }).outboundAllow.ranges.length, 2);
    assert.throws(() => loadConfig({}, { OUTBOUND_ALLOW: '300.1.1.1/8' }), ConfigError);
  });

  const fixed =
    (answers: Record<string, string[]>): Resolver =>
    async (host) => {
      const found = answers[host];
      if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
  const resolve = fixed({
    'internal.test': ['10.0.0.7'],
    'mixed.test': ['93.184.216.34', '192.168.0.10'],
    'public.test': ['93.184.216.34'],
    'a.corp.example': ['10.9.9.9'],
    'metadata.test': ['169.254.169.254'],
  });

  it('refuses a name resolving to a private address, and a name mixing public and private', async () => {
    const guard = new AddressGuard({ resolve });
    await assert.rejects(
      guard.resolve('internal.test'),
      (e) => e instanceof AddressRefused && e.addressClass === 'private',
    );
    await assert.rejects(guard.resolve('mixed.test'), AddressRefused);
    assert.deepEqual(await guard.resolve('public.test'), { address: '93.184.216.34', family: 4 });
    await assert.rejects(guard.resolve('[::1]'), AddressRefused);
    await assert.rejects(guard.resolve('nowhere.test'), /cannot resolve nowhere.test/);
  });

  it('allows what the list names: ranges and host names', async () => {
    const guard = new AddressGuard({ resolve, allow: parseAllowList('10.0.0.0/8,.corp.example') });
    assert.equal((await guard.resolve('internal.test')).address, '10.0.0.7');
    assert.equal((await guard.resolve('a.corp.example')).address, '10.9.9.9');
    await assert.rejects(guard.resolve('mixed.test'), AddressRefused);
    // An IPv4-mapped spelling of an allowed address is allowed too.
    assert.equal((await guard.resolve('::ffff:10.1.1.1')).address, '::ffff:10.1.1.1');
  });

  it('opens metadata addresses only to an exact entry, never to a range or a host name', async () => {
    const broad = new AddressGuard({ resolve, allow: parseAllowList('169.254.0.0/16,metadata.test') });
    await assert.rejects(
      broad.resolve('metadata.test'),
      (e) => e instanceof AddressRefused && e.addressClass === 'metadata',
    );
    await assert.rejects(broad.resolve('169.254.169.254'), AddressRefused);
    const exact = new AddressGuard({ resolve, allow: parseAllowList('169.254.169.254') });
    assert.equal((await exact.resolve('metadata.test')).address, '169.254.169.254');
  });
});

describe('guarded fetch against local servers', () => {
  let server: http.Server;
  let base: string;
  let hits = 0;
  const seenAuth: Array<string | undefined> = [];
  before(async () => {
    server = http.createServer((req, res) => {
      hits++;
      const url = new URL(req.url!, 'http://x');
      seenAuth.push(req.headers.authorization);
      if (url.pathname === '/ok') return res.end('hello');
      if (url.pathname === '/to-private') return res.writeHead(302, { location: 'http://192.168.77.1/admin' }).end();
      if (url.pathname === '/to-metadata')
        return res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (url.pathname === '/to-ok') return res.writeHead(307, { location: '/ok' }).end();
      if (url.pathname === '/to-other-origin')
        return res.writeHead(302, { location: `http://localhost:${(server.address() as AddressInfo).port}/ok` }).end();
      if (url.pathname === '/loop') return res.writeHead(302, { location: '/loop' }).end();
      if (url.pathname === '/big') return res.end(Buffer.alloc(2 * 1024 * 1024, 'a'));
      if (url.pathname === '/post-303') return res.writeHead(303, { location: '/ok' }).end();
      if (url.pathname === '/hang') return; // never answers
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const open = new GuardedFetch({ guard: new AddressGuard({ allow: parseAllowList('127.0.0.1') }) });

  it('refuses loopback without an allow-list, before connecting', async () => {
    const before = hits;
    const strict = new GuardedFetch({ guard: new AddressGuard() });
    await assert.rejects(
      strict.request({ url: `${base}/ok` }),
      (e) => e instanceof AddressRefused && e.addressClass === 'loopback',
    );
    await assert.rejects(strict.request({ url: `http://[::ffff:127.0.0.1]:${new URL(base).port}/ok` }), AddressRefused);
    await assert.rejects(
      strict.request({ url: `http://10.0.0.1/` }),
      (e) => e instanceof AddressRefused && e.addressClass === 'private',
    );
    assert.equal(hits, before);
  });

  it('reaches an allowed address', async () => {
    const res = await open.request({ url: `${base}/ok` });
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'hello');
    assert.equal(res.address, '127.0.0.1');
    assert.ok(res.elapsedMs >= 0);
  });

  it('re-checks each redirect: a redirect to a private or metadata address is refused', async () => {
    await assert.rejects(
      open.request({ url: `${base}/to-private` }),
      (e) => e instanceof AddressRefused && e.address === '192.168.77.1',
    );
    await assert.rejects(
      open.request({ url: `${base}/to-metadata` }),
      (e) => e instanceof AddressRefused && e.addressClass === 'metadata',
    );
    const followed = await open.request({ url: `${base}/to-ok` });
    assert.equal(followed.status, 200);
    assert.deepEqual(followed.redirects, [`${base}/ok`]);
    const unfollowed = await open.request({ url: `${base}/to-ok`, maxRedirects: 0 });
    assert.equal(unfollowed.status, 307);
    await assert.rejects(
      open.request({ url: `${base}/loop`, maxRedirects: 3 }),
      (e) => e instanceof OutboundFailure && e.kind === 'redirects',
    );
  });

  it('drops credentials on a redirect to another origin; a 303 turns a POST into a GET', async () => {
    seenAuth.length = 0;
    const guard = new AddressGuard({ allow: parseAllowList('127.0.0.1,::1,localhost') });
    const res = await new GuardedFetch({ guard }).request({
      url: `${base}/to-other-origin`,
      headers: { Authorization: 'Bearer s3cret' },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(seenAuth, ['Bearer s3cret', undefined]);
    const posted = await open.request({
      url: `${base}/post-303`,
      method: 'POST',
      body: 'x=1',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(posted.status, 200);
  });

  it('pins the connection to the checked address: the name is resolved once per hop (no rebinding)', async () => {
    let calls = 0;
    const rebinding: Resolver = async () => {
      calls++;
      return [{ address: calls === 1 ? '127.0.0.1' : '10.0.0.99', family: 4 }];
    };
    const guard = new AddressGuard({ resolve: rebinding, allow: parseAllowList('127.0.0.1') });
    const res = await new GuardedFetch({ guard }).request({ url: `http://rebind.test:${new URL(base).port}/ok` });
    assert.equal(res.status, 200);
    assert.equal(res.address, '127.0.0.1');
    assert.equal(calls, 1);
  });

  it('caps the body, times out, and reports a refused connection', async () => {
    const big = await open.request({ url: `${base}/big`, maxBytes: 1000 });
    assert.equal(big.truncated, true);
    assert.equal(big.body.length, 1000);
    await assert.rejects(
      open.request({ url: `${base}/hang`, timeoutMs: 150 }),
      (e) => e instanceof OutboundFailure && e.kind === 'timeout',
    );
    const port = await freePort();
    await assert.rejects(
      open.request({ url: `http://127.0.0.1:${port}/` }),
      (e) => e instanceof OutboundFailure && e.kind === 'refused',
    );
    await assert.rejects(
      open.request({ url: 'file:///etc/passwd' }),
      (e) => e instanceof OutboundFailure && e.kind === 'url',
    );
  });
});
