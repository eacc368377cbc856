import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Parser from 'rss-parser';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';

const ORIGIN = 'http://status.example.com';

interface Entry {
  title?: string;
  link?: string;
  id?: string;
  isoDate?: string;
  summary?: string;
  categories?: Array<string | { $: { term: string } }>;
}
const parser: Parser<Record<string, unknown>, Entry> = new Parser({ customFields: { item: ['summary', 'id'] } });

for (const backend of BACKENDS) {
  describe(`Atom feed (${backend})`, () => {
    let t: TestApp;
    const posted: Array<{ sid: string; service: string; message: string; timestamp: string; informational: boolean }> =
      [];

    before(async () => {
      const clock = new TestClock();
      t = await startTestApp(backend, { clock });
      await t.post('/services', { name: 'Alpha', description: 'a' });
      await t.post('/services', { name: 'Beta & <Co>', description: 'b' });
      for (let i = 0; i < 55; i += 1) {
        clock.advance(60_000);
        const service = i % 5 === 0 ? 'beta-co' : 'alpha';
        const message = i === 54 ? 'Ends with <script>alert("x")</script> & more' : `event ${i}`;
        const res = await t.post(`/services/${service}/events`, {
          message,
          status: i % 2 ? 'up' : 'down',
          ...(i === 53 ? { informational: 'true' } : {}),
        });
        assert.equal(res.statusCode, 201);
        posted.push({
          sid: res.json().sid,
          service,
          message,
          timestamp: res.json().timestamp,
          informational: i === 53,
        });
      }
    });
    after(async () => t.close());

    const feed = async (query = '') => {
      const res = await t.inject({ method: 'GET', url: `/atom${query}`, headers: { host: 'status.example.com' } });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/atom+xml; charset=utf-8');
      return { res, parsed: await parser.parseString(res.body) };
    };

    it('is an Atom 1.0 feed of the newest 50 events, newest first', async () => {
      const { res, parsed } = await feed();
      assert.match(
        res.body,
        /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom">/,
      );
      assert.equal(parsed.title, 'Stashboard');
      assert.match(
        res.body,
        /<link rel="self" type="application\/atom\+xml" href="http:\/\/status\.example\.com\/atom"\/>/,
      );
      assert.match(res.body, /<author><name>Stashboard<\/name><\/author>/);
      assert.equal(parsed.items.length, 50);
      const newest = posted.slice().reverse().slice(0, 50);
      assert.deepEqual(
        parsed.items.map((e) => e.id),
        newest.map((p) => `${ORIGIN}/api/v1/services/${p.service}/events/${p.sid}`),
      );
      assert.deepEqual(
        parsed.items.map((e) => new Date(e.isoDate!).toUTCString()),
        newest.map((p) => p.timestamp),
      );
      const feedUpdated = /<feed[^]*?<updated>([^<]+)<\/updated>/.exec(res.body)![1]!;
      assert.equal(new Date(feedUpdated).toUTCString(), newest[0]!.timestamp);
      assert.equal(parsed.items[0]!.link, `${ORIGIN}/services/alpha`);
    });

    it('escapes text: markup in messages and names stays text', async () => {
      const { res, parsed } = await feed();
      assert.equal(parsed.items[0]!.summary, 'Ends with <script>alert("x")</script> & more');
      assert.ok(!res.body.includes('<script>'));
      const beta = parsed.items.find((e) => e.title?.startsWith('Beta'));
      assert.match(beta!.title!, /^Beta & <Co>: (Up|Down)$/);
      assert.equal(parsed.items[1]!.title, 'Alpha: note');
    });

    it('filters by ?services= like /rss', async () => {
      const { parsed } = await feed('?services=beta-co');
      const expected = posted.filter((p) => p.service === 'beta-co').reverse();
      assert.deepEqual(
        parsed.items.map((e) => e.id?.split('/').pop()),
        expected.map((p) => p.sid),
      );
      assert.match(String(parsed.title), /Stashboard/);
      const both = await feed('?services=beta-co,alpha');
      assert.equal(both.parsed.items.length, 50);
      const unknown = await feed('?services=nope');
      assert.equal(unknown.parsed.items.length, 50, 'no known service: every service');
    });

    it('answers an empty feed with a valid updated element', async () => {
      const empty = await startTestApp(backend);
      try {
        const res = await empty.inject({ method: 'GET', url: '/atom' });
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /<updated>1970-01-01T00:00:00.000Z<\/updated>/);
        assert.equal((await parser.parseString(res.body)).items.length, 0);
      } finally {
        await empty.close();
      }
    });
  });
}
