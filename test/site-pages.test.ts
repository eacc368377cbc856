import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { updateSiteSettings, resetSiteSettings } from '../src/services/site-settings.ts';
import { DOCUMENTED_ENDPOINTS } from '../src/views/site/documentation.ts';

const ADMIN = { kind: 'cli', name: 'test', scope: 'admin' } as const;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// 2010-06-28 12:00 UTC: "today" in UTC is 28 June.
const NOON = Date.UTC(2010, 5, 28, 12);

/** The class and label of one day cell of a service's strip. */
function dayCell(body: string, slug: string, path: string): { cls: string; label: string } | undefined {
  const m = new RegExp(`<a class="([^"]*)" href="/services/${slug}/${path}"><span>([^<]*)</span></a>`).exec(body);
  return m ? { cls: m[1]!, label: m[2]! } : undefined;
}

for (const backend of BACKENDS) {
  describe(`public pages (${backend})`, () => {
    let t: TestApp;
    const clock = new TestClock(NOON);
    const at = async (ms: number, path: string, form: Record<string, string>) => {
      clock.current = ms;
      const res = await t.post(path, form);
      assert.ok(res.statusCode < 300, `${path}: ${res.body}`);
      return res.json();
    };
    const page = (url: string, headers: Record<string, string> = {}) => t.inject({ method: 'GET', url, headers });

    before(async () => {
      t = await startTestApp(backend, { clock });
      await t.post('/service-lists', { name: 'Core', description: 'Core services' });
      await t.post('/service-lists', { name: 'Edge', description: 'At the edge' });
      await t.post('/services', { name: 'API', description: 'The REST API', list: 'core' });
      await t.post('/services', { name: 'Web', description: 'The web site', list: 'core' });
      await t.post('/services', { name: 'CDN', description: 'Content delivery', list: 'edge' });
      await t.post('/services', { name: 'Mail', description: 'Outbound mail' });
      // API: up three days ago, down two days ago at noon, a note and back up yesterday 06:00.
      await at(NOON - 3 * DAY, '/services/api/events', { status: 'up', message: 'Operating normally' });
      await at(NOON - 2 * DAY, '/services/api/events', { status: 'down', message: 'Elevated error rates' });
      await at(NOON - DAY - 5 * HOUR, '/services/api/events', {
        message: 'Still investigating',
        informational: 'true',
      });
      await at(NOON - DAY - 6 * HOUR + 3 * HOUR, '/services/api/events', { status: 'up', message: 'Recovered' });
      await at(NOON - HOUR, '/services/web/events', { status: 'warning', message: 'Slow page loads' });
      clock.current = NOON;
    });
    after(async () => t.close());

    it('renders the front page: banner, groups by list, statuses as icon and text, legend', async () => {
      const res = await page('/');
      assert.equal(res.statusCode, 200);
      assert.match(res.headers['content-type'] as string, /^text\/html; charset=utf-8/);
      const body = res.body;
      assert.match(body, /<h1 id="overall">Warning: 1 of 4 services affected<\/h1>/);
      const core = body.indexOf('id="list-core"');
      const edge = body.indexOf('id="list-edge"');
      const other = body.indexOf('id="list-none">Other services');
      assert.ok(core > 0 && edge > core && other > edge, 'lists by name, then the services without one');
      assert.match(
        body,
        /<h3><a href="\/services\/web">Web<\/a><\/h3><span class="st l1"><img src="\/images\/icons\/fugue\/exclamation.svg" alt="" width="16" height="16">Warning<\/span>/,
      );
      assert.match(
        body,
        /<p class="msg">Slow page loads <time class="posted" datetime="2010-06-28T11:00:00.000Z">28 Jun 2010, 11:00 UTC<\/time><\/p>/,
        'the message of a non-default status is shown, with when it was posted',
      );
      assert.doesNotMatch(body, /<p class="msg">Recovered<\/p>/, 'the default status shows no message');
      // A service without events shows the default status, as the admin site does.
      assert.doesNotMatch(body, /No status yet/);
      assert.match(body, /<a href="\/services\/mail">Mail<\/a><\/h3>\s*<span class="st l0"/);
      assert.match(body, /<section class="legend"[\s\S]*Down[\s\S]*No data[\s\S]*Note/);
      assert.equal((body.match(/<ol class="strip"/g) ?? []).length, 4);
      assert.equal((body.match(/<li><a class="[^"]*" href="\/services\/api\/\d{4}\/\d\d\/\d\d">/g) ?? []).length, 90);
    });

    it('computes day history: worst status in force each day, notes marked, no data before the first event; uptime and outage durations in the labels', async () => {
      const body = (await page('/')).body;
      assert.deepEqual(dayCell(body, 'api', '2010/06/24'), {
        cls: 'ln',
        label: 'Thu 24 Jun 2010: No data',
      });
      assert.deepEqual(dayCell(body, 'api', '2010/06/25'), { cls: 'l0', label: 'Fri 25 Jun 2010: Up, 100.00% uptime' });
      assert.deepEqual(dayCell(body, 'api', '2010/06/26'), {
        cls: 'l3',
        label: 'Sat 26 Jun 2010: Down, major outage 12 h, 50.00% uptime',
      });
      // Down held from the 26th into the 27th until 09:00: the 27th's worst is Down.
      assert.deepEqual(dayCell(body, 'api', '2010/06/27'), {
        cls: 'l3 n',
        label: 'Sun 27 Jun 2010: Down, major outage 9 h, 1 note, 62.50% uptime',
      });
      assert.deepEqual(dayCell(body, 'api', '2010/06/28'), { cls: 'l0', label: 'Mon 28 Jun 2010: Up, 100.00% uptime' });
      assert.deepEqual(dayCell(body, 'web', '2010/06/28'), {
        cls: 'l1',
        label: 'Mon 28 Jun 2010: Warning, degraded 1 h, 100.00% uptime',
      });
      assert.equal(dayCell(body, 'api', '2010/06/29'), undefined, 'the strip ends today');
      assert.ok(dayCell(body, 'api', '2010/03/31'), 'the strip starts 89 days before today');
      assert.equal(dayCell(body, 'api', '2010/03/30'), undefined);
    });

    it('counts days in the site time zone and honours the history length setting at once', async () => {
      await updateSiteSettings(t.ctx, ADMIN, { timeZone: 'Asia/Tokyo', historyDays: 7 });
      try {
        const body = (await page('/')).body;
        // 12:00 UTC on the 26th is 21:00 in Tokyo; 09:00 UTC on the 27th is 18:00 there.
        assert.deepEqual(dayCell(body, 'api', '2010/06/26'), {
          cls: 'l3',
          label: 'Sat 26 Jun 2010: Down, major outage 3 h, 87.50% uptime',
        });
        assert.equal(dayCell(body, 'api', '2010/06/28')?.cls, 'l0');
        assert.equal((body.match(/href="\/services\/api\/\d{4}\/\d\d\/\d\d"/g) ?? []).length, 7);
        assert.match(body, /Times are shown in Asia\/Tokyo/);
        assert.match(body, /28 Jun 2010, 20:00 GMT\+9/, 'times in the zone');
      } finally {
        await resetSiteSettings(t.ctx, ADMIN);
      }
      assert.equal(((await page('/')).body.match(/href="\/services\/api\/\d{4}\/\d\d\/\d\d"/g) ?? []).length, 90);
    });

    it('applies site settings (name, logo, report URL) on the next request', async () => {
      await updateSiteSettings(t.ctx, ADMIN, {
        siteName: 'Acme Status',
        logoUrl: '/images/icons/fugue/heart.svg',
        reportProblemUrl: 'mailto:ops@example.com',
      });
      try {
        const res = await page('/');
        assert.match(res.body, /<title>Warning — Acme Status<\/title>/, 'the state, then the name');
        assert.match(
          res.body,
          /<img src="\/images\/icons\/fugue\/heart.svg" alt="" height="32"><span>Acme Status<\/span>/,
        );
        assert.match(res.body, /<a href="mailto:ops@example.com">Report a problem<\/a>/);
      } finally {
        await resetSiteSettings(t.ctx, ADMIN);
      }
      assert.match((await page('/')).body, /<title>Warning — Stashboard<\/title>/);
    });

    it('filters by list and by status, repeatable, as the original did', async () => {
      const core = (await page('/?filter=core')).body;
      assert.match(core, /href="\/services\/api"/);
      assert.doesNotMatch(core, /href="\/services\/cdn"/);
      assert.match(core, /Showing 2 of 4 services in Core\./);
      const two = (await page('/?filter=core&filter=edge')).body;
      assert.match(two, /href="\/services\/cdn"/);
      assert.doesNotMatch(two, /href="\/services\/mail"/);
      const warning = (await page('/?status=warning')).body;
      assert.match(warning, /href="\/services\/web"/);
      assert.doesNotMatch(warning, /href="\/services\/api">API/);
      const both = (await page('/?filter=edge&status=warning')).body;
      assert.match(both, /No services match\./);
      const unknown = await page('/?filter=nope');
      assert.equal(unknown.statusCode, 200);
      assert.match(unknown.body, /Showing 0 of 4 services in nope\./);
    });

    it('serves a service page: description, current status, events newest first, notes apart', async () => {
      const res = await page('/services/api');
      assert.equal(res.statusCode, 200);
      const body = res.body;
      assert.match(body, /<h1>API<\/h1><span class="st l0">/);
      assert.match(body, /<p class="desc">The REST API<\/p>/);
      const recovered = body.indexOf('<p>Recovered</p>');
      const elevated = body.indexOf('<p>Elevated error rates</p>');
      assert.ok(recovered > 0 && elevated > recovered, 'newest first');
      assert.match(body, /<section class="card notes"[\s\S]*<span class="tag">Note<\/span>[\s\S]*Still investigating/);
      assert.match(body, /<time datetime="2010-06-26T12:00:00.000Z">26 Jun 2010, 12:00 UTC<\/time>/);
      assert.match(body, /href="\/rss\?services=api"/);
    });

    it('pages through events and refuses bad page numbers', async () => {
      for (let i = 0; i < 30; i += 1)
        await at(NOON - 10 * DAY + i * 60_000, '/services/mail/events', { status: 'up', message: `Check ${i}` });
      clock.current = NOON;
      const first = (await page('/services/mail')).body;
      assert.match(first, /<p>Check 29<\/p>/);
      assert.doesNotMatch(first, /<p>Check 4<\/p>/);
      assert.match(first, /<a rel="next" href="\/services\/mail\?page=2">Older updates<\/a>/);
      const second = (await page('/services/mail?page=2')).body;
      assert.match(second, /<p>Check 4<\/p>/);
      assert.match(second, /<p>Check 0<\/p>/);
      assert.match(second, /<a rel="prev" href="\/services\/mail">Newer updates<\/a>/);
      assert.doesNotMatch(second, /rel="next"/);
      for (const bad of ['0', '-1', 'two', '1e3'])
        assert.equal((await page(`/services/mail?page=${bad}`)).statusCode, 404, bad);
    });

    it('serves year, month and day archives with previous/next links', async () => {
      const day = (await page('/services/api/2010/06/26')).body;
      assert.match(day, /<h1>API: Sat 26 Jun 2010<\/h1>/);
      assert.match(day, /<p>Elevated error rates<\/p>/);
      assert.doesNotMatch(day, /<p>Recovered<\/p>/);
      assert.match(day, /href="\/services\/api\/2010\/06\/25"><span aria-hidden="true">←<\/span> Fri 25 Jun 2010<\/a>/);
      assert.match(day, /href="\/services\/api\/2010\/06\/27">Sun 27 Jun 2010/);
      const today = (await page('/services/api/2010/06/28')).body;
      assert.doesNotMatch(today, /href="\/services\/api\/2010\/06\/29"/, 'no link into the future');
      const month = (await page('/services/api/2010/06')).body;
      assert.match(month, /<h1>API: June 2010<\/h1>/);
      assert.match(month, /<p>Recovered<\/p>[\s\S]*<p>Elevated error rates<\/p>/);
      const year = (await page('/services/api/2010')).body;
      assert.match(year, /<h1>API: 2010<\/h1>/);
    });

    it('answers 404 for archives before the first update and in the future, and never links to them', async () => {
      const day = (await page('/services/api/2010/06/26')).body;
      const month = (await page('/services/api/2010/06')).body;
      // The first update came on 25 June 2010: nothing links before it, and those archives are 404.
      assert.doesNotMatch(month, /href="\/services\/api\/2010\/05"/);
      assert.doesNotMatch(day.replace(/<ol class="strip"[\s\S]*?<\/ol>/, ''), /href="\/services\/api\/2010\/06\/24"/);
      const year = (await page('/services/api/2010')).body;
      assert.doesNotMatch(year, /href="\/services\/api\/2009">/);
      const first = await page('/services/api/2010/06/25');
      assert.equal(first.statusCode, 200);
      assert.doesNotMatch(first.body, /rel="prev"|← <\/span>|Thu 24 Jun 2010<\/a>/);
      for (const outside of ['/services/api/2009', '/services/api/2010/05', '/services/api/2010/06/24'])
        assert.equal((await page(outside)).statusCode, 404, `${outside}: before the first update`);
      for (const future of ['/services/api/2010/06/29', '/services/api/2010/07', '/services/api/2011'])
        assert.equal((await page(future)).statusCode, 404, `${future}: in the future`);
      assert.match((await page('/services/api/2010/05')).body, /API has no history that early/);
    });

    it('answers 404 pages for impossible dates and unknown services and lists', async () => {
      for (const url of [
        '/services/api/2010/02/30',
        '/services/api/2010/13',
        '/services/api/2010/00',
        '/services/api/2010/6/1',
        '/services/api/10',
        '/services/api/0999',
        '/services/api/2011/02/29',
        '/services/api/2010/06/31',
        '/services/nope',
        '/services/nope/2010',
        '/service-lists/nope',
        '/services/api/2010/06/28/extra',
        '/nothing/here',
      ]) {
        const res = await page(url);
        assert.equal(res.statusCode, 404, url);
        assert.match(res.headers['content-type'] as string, /^text\/html/, url);
        assert.match(res.body, /<p class="code">404<\/p>/, url);
        assert.match(res.body, /<link rel="stylesheet" href="\/assets\/site\.[0-9a-f]{10}\.css">/);
        assert.match(res.headers['content-security-policy'] as string, /script-src 'self'/);
      }
      // A leap day is a date (not "no such date"), but this one is in the future.
      assert.match((await page('/services/api/2012/02/29')).body, /That date is in the future/);
      const api = await page('/api/v1/services/nope');
      assert.equal(api.statusCode, 404);
      assert.match(api.headers['content-type'] as string, /^application\/json/, 'API paths keep JSON errors');
    });

    it('lists service lists, one list page, and the summary with worst status per list', async () => {
      const lists = (await page('/service-lists')).body;
      assert.match(lists, /<h2 id="l-core"><a href="\/service-lists\/core">Core<\/a><\/h2>/);
      assert.match(lists, /href="\/\?filter=core"/);
      const core = (await page('/service-lists/core')).body;
      assert.match(core, /<h2 class="page-title">Core<\/h2>/);
      assert.match(core, /<h1 id="overall">Warning: 1 of 2 services affected<\/h1>/);
      assert.doesNotMatch(core, /href="\/services\/cdn"/);
      const summary = (await page('/summary')).body;
      assert.match(
        summary,
        /<tr class="l1"><th scope="row"><a href="\/service-lists\/core">Core<\/a><\/th>\n<td><span class="st l1">[^]*?Warning<\/span><\/td>\n<td>1 of 2 services affected<\/td>/,
      );
      // CDN has no events yet: it shows the default status, operational.
      assert.match(summary, /<tr class="l0"><th scope="row"><a href="\/service-lists\/edge">Edge<\/a><\/th>/);
      assert.match(summary, /<th scope="row">Other services<\/th>/);
    });

    it('documents the public API truthfully: every example answers with the documented shape', async () => {
      const doc = await page('/documentation', { host: 'status.example.com' });
      assert.equal(doc.statusCode, 200);
      assert.match(
        doc.body,
        /&lt;script src=&quot;http:\/\/status.example.com\/widget.js&quot; async&gt;&lt;\/script&gt;/,
      );
      const sid = (await t.get('/services/api/events/current')).json().sid as string;
      const shape = (value: unknown): unknown => {
        if (Array.isArray(value)) return value.length > 0 ? [shape(value[0])] : [];
        if (value && typeof value === 'object')
          return Object.fromEntries(
            Object.entries(value)
              .map(([k, v]) => [k, shape(v)])
              .sort(),
          );
        return typeof value;
      };
      for (const endpoint of DOCUMENTED_ENDPOINTS) {
        const res = await page(endpoint.example.replace('{sid}', sid));
        assert.equal(res.statusCode, 200, endpoint.example);
        const actual = shape(res.json()) as Record<string, unknown>;
        const documented = shape(endpoint.answer) as Record<string, unknown>;
        // Nullable fields (list, current-event) may be null in the data: compare the keys that are objects in both.
        const loose = (a: unknown, d: unknown): void => {
          if (a === 'object' && typeof d === 'object') return;
          if (typeof a !== 'object' || typeof d !== 'object' || a === null || d === null)
            return assert.deepEqual(a, d, endpoint.example);
          if (Array.isArray(a) || Array.isArray(d)) {
            if ((a as unknown[]).length && (d as unknown[]).length) loose((a as unknown[])[0], (d as unknown[])[0]);
            return;
          }
          assert.deepEqual(Object.keys(a), Object.keys(d), endpoint.example);
          for (const k of Object.keys(a)) loose((a as Record<string, unknown>)[k], (d as Record<string, unknown>)[k]);
        };
        loose(actual, documented);
      }
    });

    it('caches: ETag and 304, compressed bodies equal to the page, never stale after a write', async () => {
      const plain = await page('/');
      const etag = plain.headers.etag as string;
      assert.match(etag, /^"[\w-]{20}"$/);
      assert.equal(plain.headers['cache-control'], 'public, max-age=0, must-revalidate, stale-if-error=300');
      assert.equal(plain.headers.vary, 'Accept-Encoding');
      const br = await page('/', { 'accept-encoding': 'gzip, deflate, br' });
      assert.equal(br.headers['content-encoding'], 'br');
      assert.equal(brotliDecompressSync(br.rawPayload).toString(), plain.body);
      const gz = await page('/', { 'accept-encoding': 'gzip' });
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.equal(gunzipSync(gz.rawPayload).toString(), plain.body);
      assert.equal((await page('/', { 'accept-encoding': 'br;q=0, gzip' })).headers['content-encoding'], 'gzip');
      const notModified = await page('/', { 'if-none-match': br.headers.etag as string });
      assert.equal(notModified.statusCode, 304);
      assert.equal(notModified.rawPayload.length, 0);
      const api = await page('/api/v1/services');
      assert.equal(api.headers['cache-control'], 'public, max-age=0, must-revalidate, stale-if-error=300');
      assert.equal(api.headers['access-control-allow-origin'], '*');
      assert.equal((await page('/api/v1/services', { 'if-none-match': api.headers.etag as string })).statusCode, 304);
      // A write makes the next answer fresh: new body, new ETag, no 304.
      await at(NOON, '/services/cdn/events', { status: 'down', message: 'Edge nodes unreachable' });
      const after = await page('/', { 'if-none-match': etag });
      assert.equal(after.statusCode, 200);
      assert.match(after.body, /Edge nodes unreachable/);
      assert.match(after.body, /<h1 id="overall">Down: 2 of 4 services affected<\/h1>/);
      const apiAfter = await page('/api/v1/services/cdn', {});
      assert.equal(apiAfter.json()['current-event'].message, 'Edge nodes unreachable');
      assert.match((await page('/rss')).body, /Edge nodes unreachable/);
      // JSONP bypasses the cache and is still wrapped.
      const jsonp = await page('/api/v1/services/cdn?callback=cb');
      assert.match(jsonp.body, /^cb\(\{/);
    });

    it('serves badges, the widget, assets with long caches, and a CSP without inline script', async () => {
      const badge = await page('/badge.svg');
      assert.equal(badge.statusCode, 200);
      assert.match(badge.headers['content-type'] as string, /^image\/svg\+xml/);
      assert.match(badge.body, /aria-label="stashboard: down: 2 of 4 services affected"/);
      const one = await page('/services/web/badge.svg');
      assert.match(one.body, /<title>Web: warning<\/title>/);
      assert.equal((await page('/services/nope/badge.svg')).statusCode, 404);
      const widget = await page('/widget.js');
      assert.equal(widget.statusCode, 200);
      assert.match(widget.headers['content-type'] as string, /^text\/javascript/);
      assert.match(widget.body, /attachShadow/);
      const home = (await page('/')).body;
      const css = /href="(\/assets\/site\.[0-9a-f]{10}\.css)"/.exec(home)![1]!;
      const js = /src="(\/assets\/live\.[0-9a-f]{10}\.js)"/.exec(home)![1]!;
      for (const url of [css, js]) {
        const res = await page(url);
        assert.equal(res.statusCode, 200, url);
        assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
      }
      assert.equal((await page('/assets/site.0000000000.css')).headers['cache-control'], 'public, max-age=60');
      assert.equal((await page('/assets/nope.0000000000.css')).statusCode, 404);
      const csp = (await page('/')).headers['content-security-policy'] as string;
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.doesNotMatch(home, /<script>|<script [^>]*>[^<]/, 'no inline script');
      assert.doesNotMatch(home, / style="/, 'no inline style');
      assert.doesNotMatch(
        home.replace(/<meta property="og:url" content="[^"]*" ?\/?>/, ''),
        /https?:\/\/(?!www\.w3\.org)/,
        'no external URL on the page (the sharing tags name the page itself)',
      );
    });
  });
}
