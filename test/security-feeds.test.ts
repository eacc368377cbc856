import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Parser from 'rss-parser';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { escapeText } from '../src/views/escape.ts';
import { renderRss } from '../src/views/rss.ts';

const parser = new Parser<Record<string, unknown>, { descriptionText?: string; title?: string }>({
  customFields: { item: [['description', 'descriptionText']] },
});

const NOT_XML = /[\uFFFE\uFFFF]|\p{Cs}/u;

describe('the XML escaper', () => {
  it('drops characters XML cannot carry and escapes the rest', () => {
    assert.equal(escapeText('a\uFFFEb\uFFFFc\uD800d\uDFFFe\u0001f<g>'), 'abcdef&lt;g&gt;');
    assert.equal(escapeText('🚀 日本 é'), '🚀 日本 é');
    const xml = renderRss({
      title: 'T\uFFFF',
      link: 'http://x/',
      description: 'D',
      items: [
        { title: 'a', description: '<b>\uD800', link: 'http://x/', category: 'c', pubDate: new Date(0), guid: 'g' },
      ],
    });
    assert.doesNotMatch(xml, NOT_XML);
    assert.match(xml, /<description>&amp;lt;b&amp;gt;<\/description>/);
  });
});

for (const backend of BACKENDS) {
  describe(`feeds show event messages as text, and non-text never gets in (${backend})`, () => {
    let t: TestApp;
    let pushSecret = '';
    before(async () => {
      t = await startTestApp(backend);
      await t.post('/services', { name: 'API', description: 'The API' });
      pushSecret = (await t.post('/services/api/push')).json().secret;
    });
    after(async () => t.close());

    const count = async () => (await t.ctx.database.db.selectFrom('events').select('id').execute()).length;

    it('RSS readers get the message as written, never as live HTML', async () => {
      const message = '<img src=x onerror=alert(1)> <b>bold</b> & more';
      assert.equal((await t.post('/services/api/events', { status: 'down', message })).statusCode, 201);
      const rss = await t.inject({ method: 'GET', url: '/rss' });
      assert.ok(rss.body.includes('&amp;lt;img src=x onerror=alert(1)&amp;gt;'), rss.body);
      const feed = await parser.parseString(rss.body);
      const html = feed.items[0]!.descriptionText!;
      // What the reader renders as HTML contains no tag at all.
      assert.doesNotMatch(html, /</);
      assert.equal(html, escapeText(message));
    });

    it('refuses U+FFFE, U+FFFF and unpaired surrogates on input with a 400 naming the field', async () => {
      const before = await count();
      const json = (body: string) =>
        t.inject({
          method: 'POST',
          url: '/admin/api/v1/services/api/events',
          headers: { ...t.admin, 'content-type': 'application/json' },
          payload: body,
        });
      for (const bad of ['a\\uFFFEb', 'a\\uFFFFb', 'a\\ud800b', 'a\\udfffb']) {
        const res = await json(`{"status":"down","message":"${bad}"}`);
        assert.equal(res.statusCode, 400, bad);
        assert.match(res.json().message, /^message contains a character that is not text/);
      }
      const name = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services',
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: '{"name":"Bad\\uFFFF","description":"x"}',
      });
      assert.equal(name.statusCode, 400);
      assert.match(name.json().message, /^name contains/);
      const push = await t.inject({ method: 'GET', url: `/api/push/${pushSecret}?status=down&msg=a%EF%BF%BEb` });
      assert.equal(push.statusCode, 400);
      assert.match(push.json().message, /^msg contains/);
      assert.equal(await count(), before);
      assert.equal((await json('{"status":"down","message":"fine 🚀 \\u00e9"}')).statusCode, 201);
    });

    it('keeps /rss, /atom and the badges valid XML even if such a character is already stored', async () => {
      await t.ctx.database.db.updateTable('events').set({ message: 'stored \uFFFE\uFFFF bad' }).execute();
      await t.ctx.database.db.updateTable('services').set({ name: 'API\uFFFE' }).execute();
      t.ctx.changes.publish({ topic: 'all', action: 'updated' });
      for (const url of ['/rss', '/atom', '/badge.svg', '/services/api/badge.svg']) {
        const res = await t.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 200, url);
        assert.doesNotMatch(res.body, NOT_XML, url);
        if (url !== '/badge.svg') assert.match(res.body, /stored  bad|API</, url);
      }
      const feed = await parser.parseString((await t.inject({ method: 'GET', url: '/rss' })).body);
      assert.ok(feed.items.length > 0);
    });
  });
}
