import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { EVENTS_PAGE } from '../src/services/events.ts';

const EVENTS = 250;

for (const backend of BACKENDS) {
  describe(`anonymous requests cause bounded work (${backend})`, () => {
    let t: TestApp;
    const clock = new TestClock();
    const sids: string[] = [];
    before(async () => {
      t = await startTestApp(backend, { clock, env: { RENDER_LIMIT: '8', LIVE_STREAMS_PER_ADDRESS: '2' } });
      await t.post('/services', { name: 'API', description: 'The API' });
      await t.post('/services', { name: 'Web', description: 'The site' });
      for (let i = 0; i < EVENTS; i += 1) {
        // Some events share a second: the cursor must still neither skip nor repeat any.
        if (i % 3 === 0) clock.advance(1_000);
        const res = await t.post('/services/api/events', { status: i % 2 ? 'up' : 'down', message: `event ${i}` });
        sids.unshift(res.json().sid);
      }
    });
    after(async () => t.close());

    const get = (url: string, remoteAddress = '127.0.0.1') => t.inject({ method: 'GET', url, remoteAddress });

    it('pages the events list: the newest 100 by default, a Link and `next` to the rest, nothing lost', async () => {
      const first = await get('/api/v1/services/api/events');
      assert.equal(first.statusCode, 200);
      const body = first.json();
      assert.equal(body.events.length, EVENTS_PAGE.default);
      // Old clients read the newest events first: unchanged.
      assert.equal(body.events[0].sid, (await get('/api/v1/services/api/events/current')).json().sid);
      assert.equal(body.events[0].message, `event ${EVENTS - 1}`);
      const link = String(first.headers.link);
      assert.match(link, /^<http:\/\/localhost:80\/api\/v1\/services\/api\/events\?before=[0-9A-Z]+>; rel="next"$/);
      assert.equal(link, `<${body.next}>; rel="next"`);
      const seen: string[] = body.events.map((e: { sid: string }) => e.sid);
      let next: string | undefined = body.next;
      while (next) {
        const page = await get(next.replace('http://localhost:80', ''));
        assert.equal(page.statusCode, 200);
        seen.push(...page.json().events.map((e: { sid: string }) => e.sid));
        next = page.json().next;
        assert.equal(page.headers.link === undefined, next === undefined);
      }
      assert.deepEqual(seen, sids);
      const big = await get('/api/v1/services/api/events?limit=1000');
      assert.equal(big.json().events.length, EVENTS);
      assert.equal(big.headers.link, undefined);
      assert.equal(big.json().next, undefined);
      const two = await get('/api/v1/services/api/events?limit=2&start=2010-01-01');
      assert.equal(two.json().events.length, 2);
      assert.match(String(two.json().next), /\?start=2010-01-01&limit=2&before=/);
    });

    it('refuses a limit over the maximum or a foreign cursor with a 400 naming the parameter', async () => {
      for (const [query, field] of [
        [`limit=${EVENTS_PAGE.max + 1}`, 'limit'],
        ['limit=0', 'limit'],
        ['limit=ten', 'limit'],
        ['before=01JD3M3X4Q8K2W9V7T5R6Y1N0B', 'before'],
      ]) {
        const res = await get(`/api/v1/services/api/events?${query}`, '10.50.0.1');
        assert.equal(res.statusCode, 400, query);
        assert.match(res.json().message, new RegExp(`^${field} `), query);
      }
      const web = await get(`/api/v1/services/web/events?before=${sids[0]}`, '10.50.0.1');
      assert.equal(web.statusCode, 400);
    });

    it('builds cache keys from the route’s known parameters only: unknown ones never force a render', async () => {
      const name = async (url: string) => {
        const res = await get(url, '10.60.0.1');
        assert.equal(res.statusCode, 200, url);
        return /Renamed behind the cache/.test(res.body);
      };
      await name('/');
      await name('/services/api');
      await name('/api/v1/services/api');
      // A change made without a notice: only a fresh render would show it.
      await t.ctx.database.db.updateTable('services').set({ name: 'Renamed behind the cache' }).execute();
      for (let i = 0; i < 20; i += 1) assert.equal(await name(`/?x=${i}`), false, `/?x=${i} rendered anew`);
      assert.equal(await name('/?callback=&_=123'), false);
      assert.equal(await name('/services/%61pi'), false);
      assert.equal(await name('/services/api?utm_source=x'), false);
      assert.equal(await name('/api/v1/services/api?nocache=1'), false);
      // A parameter the route reads is part of the key.
      assert.equal(await name('/?status=up'), true);
      t.ctx.changes.publish({ topic: 'all', action: 'updated' });
    });

    it('serves JSONP from the same cached answer', async () => {
      const plain = await get('/api/v1/services/api/events?limit=3', '10.70.0.1');
      const jsonp = await get('/api/v1/services/api/events?limit=3&callback=cb', '10.70.0.1');
      assert.equal(jsonp.body, `cb(${plain.body});`);
    });

    it('limits the renders one address may cause; hits and other addresses are not affected', async () => {
      t.ctx.changes.publish({ topic: 'all', action: 'updated' });
      const statuses: number[] = [];
      for (let i = 1; i <= 12; i += 1)
        statuses.push((await get(`/api/v1/services/api/events?limit=${i}`, '10.80.0.1')).statusCode);
      assert.deepEqual(statuses.slice(0, 8), new Array(8).fill(200));
      assert.deepEqual(statuses.slice(8), [429, 429, 429, 429]);
      const limited = await get('/api/v1/services/api/events?limit=11', '10.80.0.1');
      assert.equal(limited.statusCode, 429);
      assert.ok(Number(limited.headers['retry-after']) > 0);
      assert.match(limited.json().message, /not cached/);
      // Already rendered: a hit, whoever asks.
      assert.equal((await get('/api/v1/services/api/events?limit=3', '10.80.0.1')).statusCode, 200);
      assert.equal((await get('/api/v1/services/api/events?limit=11', '10.80.0.2')).statusCode, 200);
    });

    it('caps the live streams one address holds open', async () => {
      const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
      const open = () =>
        new Promise<{ status: number; close: () => void }>((resolve, reject) => {
          const request = http.get(`${base}/api/v1/live`, (res) => {
            resolve({ status: res.statusCode!, close: () => request.destroy() });
            if (res.statusCode !== 200) res.resume();
          });
          request.on('error', (error) => {
            if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
          });
        });
      const a = await open();
      const b = await open();
      const c = await open();
      assert.deepEqual([a.status, b.status, c.status], [200, 200, 429]);
      a.close();
      let d = await open();
      for (let i = 0; i < 50 && d.status !== 200; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        d = await open();
      }
      assert.equal(d.status, 200);
      b.close();
      d.close();
    });
  });
}
