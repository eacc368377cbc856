import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Parser from 'rss-parser';
import { escapeText } from '../src/views/escape.ts';

import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';

/** What a feed reader does with a description's HTML text. */
function unescapeHtml(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
const HOST = 'status.example.com';
const ORIGIN = `http://${HOST}`;

interface Item {
  title?: string;
  link?: string;
  pubDate?: string;
  guid?: string;
  descriptionText?: string;
  categories?: string[];
}
const parser: Parser<Record<string, unknown>, Item> = new Parser({
  customFields: { item: [['description', 'descriptionText']] },
});

/** The guid elements of a feed as written (the parser drops their attributes). */
function guidElements(xml: string): Array<{ attributes: string; value: string }> {
  return [...xml.matchAll(/<guid([^>]*)>([^<]*)<\/guid>/g)].map((m) => ({ attributes: m[1]!.trim(), value: m[2]! }));
}

interface Posted {
  sid: string;
  service: string;
  serviceName: string;
  status: string;
  message: string;
  timestamp: string;
}

for (const backend of BACKENDS) {
  describe(`RSS feed (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    const posted: Posted[] = [];
    const services: Record<string, string> = { alpha: 'Alpha API', beta: 'Beta DB', gamma: 'Gamma & <Web>' };
    const statuses: Record<string, string> = { up: 'Up', down: 'Down', warning: 'Warning' };

    before(async () => {
      clock = new TestClock();
      t = await startTestApp(backend, { clock });
      for (const name of Object.values(services)) {
        assert.equal((await t.post('/services', { name, description: name })).statusCode, 201);
      }
      const slugs: Record<string, string> = { alpha: 'alpha-api', beta: 'beta-db', gamma: 'gamma-web' };
      const statusSlugs = Object.keys(statuses);
      // 60 events: gamma's first, beta's a few, alpha's most; newest last
      for (let i = 0; i < 60; i++) {
        const key = i < 3 ? 'gamma' : i % 4 === 0 ? 'beta' : 'alpha';
        const status = statusSlugs[i % 3]!;
        const message = `event ${i} of ${key}`;
        clock.advance(61_000);
        const res = await t.post(`/services/${slugs[key]}/events`, { message, status });
        assert.equal(res.statusCode, 201);
        posted.push({
          sid: res.json().sid,
          service: slugs[key]!,
          serviceName: services[key]!,
          status: statuses[status]!,
          message,
          timestamp: res.json().timestamp,
        });
      }
    });
    after(async () => t.close());

    const feed = async (query = '') => {
      const res = await t.inject({ method: 'GET', url: `/rss${query}`, headers: { host: HOST } });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/rss+xml; charset=utf-8');
      return { res, parsed: await parser.parseString(res.body) };
    };
    const newest = (n: number, filter: (p: Posted) => boolean = () => true) =>
      posted.filter(filter).reverse().slice(0, n);

    it('is RSS 2.0 with a channel title, link and description', async () => {
      const { res, parsed } = await feed();
      assert.match(res.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<rss version="2.0">/);
      assert.ok(parsed.title && parsed.title.length > 0);
      assert.equal(parsed.link, `${ORIGIN}/`);
      assert.ok(typeof parsed.description === 'string' && parsed.description.length > 0);
    });

    it('holds the newest 50 events across all services, newest first, each item complete', async () => {
      const { res, parsed } = await feed();
      const guids = guidElements(res.body);
      const expected = newest(50);
      assert.equal(parsed.items.length, 50);
      assert.deepEqual(
        parsed.items.map((i) => i.descriptionText),
        expected.map((p) => p.message),
      );
      for (const [index, item] of parsed.items.entries()) {
        const p = expected[index]!;
        assert.ok(item.title!.includes(p.serviceName), `${item.title} names ${p.serviceName}`);
        assert.ok(item.title!.includes(p.status), `${item.title} names ${p.status}`);
        assert.equal(item.link, `${ORIGIN}/services/${p.service}`);
        assert.deepEqual(item.categories, [p.serviceName]);
        assert.equal(item.pubDate, p.timestamp);
        assert.match(item.pubDate!, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
        assert.equal(item.guid, `${ORIGIN}/api/v1/services/${p.service}/events/${p.sid}`);
        assert.deepEqual(guids[index], { attributes: 'isPermaLink="true"', value: item.guid });
      }
      assert.ok(
        parsed.items.every((i) => !i.title!.includes('Gamma')),
        'gamma events are older than the newest 50',
      );
    });

    it('guid is the event URL on the public mount, and that URL serves the event', async () => {
      const { parsed } = await feed();
      const item = parsed.items[0]!;
      const guid = item.guid!;
      const p = newest(1)[0]!;
      const fromApi = await t.inject({
        method: 'GET',
        url: `/api/v1/services/${p.service}/events/${p.sid}`,
        headers: { host: HOST },
      });
      assert.equal(fromApi.json().url, guid);
      const viaGuid = await t.inject({ method: 'GET', url: new URL(guid).pathname, headers: { host: HOST } });
      assert.equal(viaGuid.statusCode, 200);
      assert.equal(viaGuid.json().message, p.message);
    });

    it('?services=a,b limits the feed to those services', async () => {
      const { parsed } = await feed('?services=beta-db,gamma-web');
      const expected = newest(50, (p) => p.service === 'beta-db' || p.service === 'gamma-web');
      assert.deepEqual(
        parsed.items.map((i) => i.descriptionText),
        expected.map((p) => p.message),
      );
      assert.ok(parsed.items.some((i) => i.link!.endsWith('/gamma-web')));
      const one = await feed('?services=gamma-web');
      assert.deepEqual(
        one.parsed.items.map((i) => i.descriptionText),
        ['event 2 of gamma', 'event 1 of gamma', 'event 0 of gamma'],
      );
    });

    it('?services=a&services=b (repeated) works the same', async () => {
      const repeated = await feed('?services=beta-db&services=gamma-web');
      const comma = await feed('?services=beta-db,gamma-web');
      assert.deepEqual(
        repeated.parsed.items.map((i) => i.guid),
        comma.parsed.items.map((i) => i.guid),
      );
      const mixed = await feed('?services=beta-db&services=gamma-web,alpha-api');
      assert.equal(mixed.parsed.items.length, 50);
    });

    it('ignores unknown slugs, and covers every service when none is known', async () => {
      const some = await feed('?services=gamma-web,nope,also-nope');
      assert.equal(some.parsed.items.length, 3);
      const all = await feed();
      for (const query of ['?services=nope', '?services=nope,zilch', '?services=', '?services=,,']) {
        const unknown = await feed(query);
        assert.deepEqual(
          unknown.parsed.items.map((i) => i.guid),
          all.parsed.items.map((i) => i.guid),
          query,
        );
      }
    });

    it('escapes descriptions for HTML and then for XML, so readers show the text exactly as written', async () => {
      const nasty = `Fixed <b>the</b> "router" & the 'switch' ]]> <![CDATA[x]]> &amp; 日本 🚀 \u00e9`;
      clock.advance(61_000);
      const res = await t.post('/services/gamma-web/events', { message: nasty, status: 'down' });
      assert.equal(res.statusCode, 201);
      const { res: raw, parsed } = await feed('?services=gamma-web');
      assert.ok(!raw.body.includes('<b>the</b>'), 'unescaped markup in the feed');
      const item = parsed.items[0]!;
      // The XML text of <description> is HTML (what readers render): the message escaped, never markup.
      assert.equal(item.descriptionText, escapeText(nasty));
      assert.equal(unescapeHtml(item.descriptionText!), nasty);
      assert.ok(item.title!.includes('Gamma & <Web>') && item.title!.includes('Down'), item.title);
      assert.deepEqual(item.categories, ['Gamma & <Web>']);
      // the whole document is well-formed: a strict parse of the unfiltered feed also succeeds
      assert.equal((await feed()).parsed.items[0]!.descriptionText, escapeText(nasty));
    });

    it('drops deleted events from the feed', async () => {
      const { parsed } = await feed('?services=gamma-web');
      const sid = parsed.items[0]!.guid!.split('/').pop()!;
      assert.equal((await t.del(`/services/gamma-web/events/${sid}`)).statusCode, 200);
      const after = await feed('?services=gamma-web');
      assert.equal(after.parsed.items.length, parsed.items.length - 1);
      assert.ok(after.parsed.items.every((i) => !i.guid!.endsWith(sid)));
    });
  });

  describe(`RSS feed of a new database (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => t.close());

    it('is a valid feed with no items', async () => {
      const res = await t.inject({ method: 'GET', url: '/rss' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/rss+xml; charset=utf-8');
      const parsed = await parser.parseString(res.body);
      assert.deepEqual(parsed.items, []);
      assert.ok(parsed.title);
    });
  });
}
