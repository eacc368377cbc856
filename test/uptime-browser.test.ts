import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { axeViolations, launchChromium, type Browser } from './support/chromium.ts';

const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);
const DAY = 86_400_000;
const H = 3_600_000;

describe('uptime on the front page and /uptime in Chromium (90 days of history)', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const clock = new TestClock(Date.parse('2026-03-05T10:42:07.318Z'));

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestApp('sqlite', { clock, env: { SITE_TIME_ZONE: 'Europe/Berlin', SITE_NAME: 'Acme status' } });
    const now = clock.current;
    await t.post('/service-lists', { name: 'Core', description: 'Customer-facing services' });
    for (const [name, list] of [
      ['API', 'core'],
      ['Website', 'core'],
      ['Email', ''],
    ] as const)
      assert.equal((await t.post('/services', { name, description: `${name} service`, list })).statusCode, 201);
    await t.post('/statuses', {
      name: 'Partial',
      description: 'Some requests fail',
      image: 'exclamation',
      level: 'ERROR',
      component_status: 'partial_outage',
    });
    // History recorded afterwards, as an import from another tool would (contract §7.1).
    const past = async (slug: string, ms: number, status: string, message: string) => {
      const res = await t.post(`/services/${slug}/events`, { status, message, timestamp: new Date(ms).toISOString() });
      assert.equal(res.statusCode, 201, res.body);
    };
    await past('api', now - 100 * DAY, 'up', 'Operating normally');
    await past('website', now - 100 * DAY, 'up', 'Operating normally');
    await past('email', now - 60 * DAY, 'up', 'Operating normally');
    await past('api', now - 70 * DAY, 'down', 'API unreachable');
    await past('api', now - 70 * DAY + 42 * 60_000, 'up', 'Recovered');
    await past('website', now - 20 * DAY, 'warning', 'Slow pages');
    await past('website', now - 20 * DAY + 65 * 60_000, 'up', 'Fast again');
    await past('email', now - 9 * DAY, 'partial', 'Some mail delayed');
    await past('email', now - 9 * DAY + 5 * H, 'up', 'Delivered');
    await past('api', now - 90 * 60_000, 'partial', 'Elevated error rates');
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });

  after(async () => {
    await browser.close();
    await t.close();
  });

  it('the front page shows each strip’s uptime and day labels with durations and uptime', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${base}/`);
    const api = page.locator('#svc-api');
    const total = (await api.locator('.strip-ends .uptime').textContent())!;
    assert.match(total, /^99\.\d\d% uptime over the last 90 days$/);
    const labels = await api.locator('.strip a span').allTextContents();
    assert.equal(labels.length, 90);
    assert.ok(
      labels.some((l) => /Down, major outage 42 min, \d+\.\d\d% uptime$/.test(l)),
      labels.join('\n'),
    );
    assert.match(labels.at(-1)!, /: Partial, partial outage 1 h 30 min, 96\.15% uptime$/);
    const website = await page.locator('#svc-website .strip a span').allTextContents();
    assert.ok(website.some((l) => /Warning, degraded 1 h 5 min, 100\.00% uptime$/.test(l)));
    const email = await page.locator('#svc-email .strip a span').allTextContents();
    assert.match(email[0]!, /: No data$/);
    await page.close();
  });

  it('/uptime shows the page and each service over 30 and 90 days and three months as calendars', async () => {
    const page = await browser.context.newPage();
    const response = await page.goto(`${base}/uptime`);
    assert.equal(response?.status(), 200);
    assert.match(
      (await page.locator('.intro').textContent())!,
      /All services together: \d+\.\d\d% over the last 30 days/,
    );
    const figures = await page.locator('#uptime-api .uptime-figures').textContent();
    assert.match(figures!, /99\.93% 30 days/);
    const captions = await page.locator('#uptime-api .cal caption').allTextContents();
    assert.deepEqual(
      captions.map((c) => c.trim().replace(/\s+/g, ' ')),
      ['January 2026, API', 'February 2026, API', 'March 2026, API'],
    );
    assert.equal(await page.locator('#uptime-api .cal td.l2').count(), 1, 'today: a partial outage');
    assert.match((await page.locator('#uptime-email .cal td.ln').first().getAttribute('title'))!, /no data/);
    assert.match((await page.locator('.prose').textContent())!, /partial outage counts 30/);
    await page.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`front page and /uptime are axe clean at 1280 and 375 px (${scheme}); screenshots`, async () => {
      for (const width of [1280, 375]) {
        const page = await browser.context.newPage();
        await page.setViewportSize({ width, height: width > 500 ? 900 : 800 });
        await page.emulateMedia({ colorScheme: scheme });
        for (const [name, path] of [
          ['home', '/'],
          ['uptime', '/uptime'],
          ['service', '/services/api'],
        ] as const) {
          const response = await page.goto(`${base}${path}`);
          assert.equal(response?.status(), 200);
          const violations = await axeViolations(page);
          assert.deepEqual(violations, [], `${path} ${width} ${scheme}: ${JSON.stringify(violations, null, 1)}`);
          await page.screenshot({
            path: new URL(`uptime-${name}-${width}-${scheme}.png`, ARTIFACTS).pathname,
            fullPage: true,
          });
        }
        // A day's tooltip on hover.
        if (width === 1280) {
          await page.goto(`${base}/`);
          await page.locator('#svc-api .strip li').last().locator('a').hover();
          await page.screenshot({
            path: new URL(`uptime-tooltip-${scheme}.png`, ARTIFACTS).pathname,
            clip: { x: 0, y: 0, width: 1280, height: 700 },
          });
        }
        await page.close();
      }
    });
  }
});
