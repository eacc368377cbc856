import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { updateSiteSettings } from '../src/services/site-settings.ts';
import { escapeText } from '../src/views/escape.ts';

/** Classic payloads: tags, attribute breakouts, comments, CDATA, pre-escaped text, template syntax. */
export const XSS_PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '</title><script>alert(1)</script>',
  '</textarea><script>alert(1)</script>',
  '<!--<script>alert(1)//-->',
  ']]><script>alert(1)</script><![CDATA[',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '" onmouseover="alert(1)" x="',
  "' onfocus='alert(1)' autofocus '",
  '<a href="javascript:alert(1)">click</a>',
  '<iframe srcdoc="<script>alert(1)</script>">',
  "{{constructor.constructor('alert(1)')()}}",
  '${alert(1)}',
  '<style>body{display:none}</style>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
];

const ADMIN = { kind: 'cli', name: 'test', scope: 'admin' } as const;

function assertEscaped(body: string, payload: string, where: string): void {
  if (/[<>"']/.test(payload)) assert.ok(!body.includes(payload), `${where}: raw payload ${payload}`);
}

for (const backend of BACKENDS) {
  describe(`XSS payloads are escaped everywhere (${backend})`, () => {
    let t: TestApp;
    const slugs: string[] = [];
    before(async () => {
      t = await startTestApp(backend);
      const list = await t.post('/service-lists', {
        name: 'L <script>alert(1)</script>',
        description: '"><img src=x onerror=alert(1)>',
      });
      assert.equal(list.statusCode, 201);
      for (const [i, payload] of XSS_PAYLOADS.entries()) {
        const created = await t.post('/services', {
          name: `S${i} ${payload}`.slice(0, 100),
          description: payload,
          list: i % 2 ? list.json().id : '',
        });
        assert.equal(created.statusCode, 201, created.body);
        slugs.push(created.json().id);
        assert.equal(
          (await t.post(`/services/${created.json().id}/events`, { status: i % 3 ? 'down' : 'up', message: payload }))
            .statusCode,
          201,
        );
        assert.equal(
          (await t.post(`/services/${created.json().id}/events`, { message: payload, informational: 'true' }))
            .statusCode,
          201,
        );
      }
      await updateSiteSettings(t.ctx, ADMIN, { siteName: '<script>alert("site")</script>' });
    });
    after(async () => t.close());

    it('escapes every payload on every page, feed and badge', async () => {
      const pages = [
        '/',
        '/service-lists',
        `/service-lists/${(await t.get('/service-lists')).json().lists[0].id}`,
        '/summary',
        '/documentation',
        '/rss',
        '/badge.svg',
        '/?filter=<script>alert(1)</script>&status="><img src=x onerror=alert(1)>',
        '/nope/<script>alert(1)</script>',
      ];
      for (const slug of slugs)
        pages.push(`/services/${slug}`, `/services/${slug}/2010/06/28`, `/services/${slug}/badge.svg`);
      for (const url of pages) {
        const res = await t.inject({ method: 'GET', url });
        assert.ok(res.statusCode === 200 || res.statusCode === 404, `${url}: ${res.statusCode}`);
        for (const payload of [...XSS_PAYLOADS, '<script>alert("site")</script>'])
          assertEscaped(res.body, payload, url);
        if (/^text\/html/.test(res.headers['content-type'] as string)) {
          assert.equal((res.body.match(/<script\b/gi) ?? []).length, 1, `${url}: only the page's own script tag`);
          // With quoted attribute values removed, no tag may carry an event-handler attribute.
          const unquoted = res.body.replace(/"[^"]*"/g, '""');
          assert.doesNotMatch(unquoted, /<[a-z]+\s[^>]*\b(on[a-z]+|srcdoc)\s*=/i, url);
          assert.doesNotMatch(res.body, /\shref\s*=\s*["']?\s*javascript:/i, url);
          assert.doesNotMatch(res.body, /<(iframe|math|svg)\b/i, url);
          assert.doesNotMatch(res.body, /<style>/i, url);
        }
      }
    });

    it('shows the payloads as text (escaped once, not dropped)', async () => {
      const home = (await t.inject({ method: 'GET', url: '/' })).body;
      assert.ok(home.includes(escapeText('"><img src=x onerror=alert(1)>')));
      assert.ok(home.includes('&amp;lt;script&amp;gt;'), 'pre-escaped text is escaped again');
      assert.ok(home.includes(' — &lt;script&gt;alert(&quot;site&quot;)&lt;/script&gt;</title>'));
      const service = (await t.inject({ method: 'GET', url: `/services/${slugs[0]}` })).body;
      assert.ok(service.includes(`<p>${escapeText(XSS_PAYLOADS[0]!)}</p>`));
    });

    it('keeps JSON answers JSON (no HTML context) and refuses script-like JSONP callbacks', async () => {
      const res = await t.inject({ method: 'GET', url: '/api/v1/services' });
      assert.match(res.headers['content-type'] as string, /^application\/json/);
      assert.equal(res.json().services.length, XSS_PAYLOADS.length);
      const bad = await t.inject({ method: 'GET', url: '/api/v1/services?callback=alert(1)//' });
      assert.equal(bad.statusCode, 400);
    });
  });
}
