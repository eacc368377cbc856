import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { axeViolations, launchChromium, type Browser } from './support/chromium.ts';

const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);
const DAY = 86_400_000;

/** Console errors, page errors, failed and foreign requests seen by a page. */
function watch(page: Page, origin: string) {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (!r.url().includes('/api/v1/live')) problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) problems.push(`external request: ${r.url()}`);
  });
  return problems;
}

describe('public site in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  // What `before` managed to open, closed in reverse order even when it failed half-way.
  const teardown: Array<() => Promise<void>> = [];
  const clock = new TestClock(Date.now());

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestApp('sqlite', { clock });
    teardown.unshift(() => t.close());
    const now = clock.current;
    await t.post('/service-lists', { name: 'Core platform', description: 'What everything else runs on' });
    await t.post('/service-lists', { name: 'Customer facing', description: 'What customers use directly' });
    const services: Array<[string, string, string]> = [
      ['API', 'The public REST API', 'core-platform'],
      ['Database', 'Primary PostgreSQL cluster', 'core-platform'],
      ['Background jobs', 'Queues and workers', 'core-platform'],
      ['Web app', 'The web application', 'customer-facing'],
      ['Mobile push', 'Push notifications', 'customer-facing'],
      ['Email delivery', 'Transactional email', ''],
    ];
    for (const [name, description, list] of services) await t.post('/services', { name, description, list });
    const post = async (ms: number, slug: string, form: Record<string, string>) => {
      clock.current = ms;
      assert.equal((await t.post(`/services/${slug}/events`, form)).statusCode, 201);
    };
    for (const slug of ['api', 'database', 'background-jobs', 'web-app', 'mobile-push', 'email-delivery']) {
      await post(now - 95 * DAY, slug, { status: 'up', message: 'Operating normally' });
    }
    await post(now - 40 * DAY, 'api', { status: 'down', message: 'Elevated error rates on writes' });
    await post(now - 40 * DAY + 3 * 3_600_000, 'api', {
      status: 'up',
      message: 'Resolved: a bad deploy was rolled back',
    });
    await post(now - 12 * DAY, 'database', { status: 'warning', message: 'Replication lag on one replica' });
    await post(now - 12 * DAY + 3_600_000, 'database', { message: 'Lag is shrinking', informational: 'true' });
    await post(now - 11 * DAY, 'database', { status: 'up', message: 'Replica caught up' });
    await post(now - 3 * DAY, 'mobile-push', {
      status: 'warning',
      message: 'Delayed delivery to some Android devices',
    });
    await post(now - 2 * 3_600_000, 'web-app', {
      status: 'warning',
      message: 'Slow page loads for some customers in Europe',
    });
    clock.current = now;
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    teardown.unshift(() => browser.close());
  });

  after(async () => {
    for (const close of teardown) await close();
  });

  const PAGES = [
    '/',
    '/services/api',
    `/services/api/${new Date(clock.current).getUTCFullYear()}`,
    '/services/database/' + new Date(clock.current - 12 * DAY).toISOString().slice(0, 10).replaceAll('-', '/'),
    '/service-lists',
    '/service-lists/core-platform',
    '/summary',
    '/documentation',
    '/no/such/page',
  ];

  for (const scheme of ['light', 'dark'] as const) {
    it(`renders every public page without errors or axe violations (${scheme})`, async () => {
      const page = await browser.context.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      const problems = watch(page, base);
      for (const path of PAGES) {
        const response = await page.goto(`${base}${path}`);
        assert.equal(response?.status(), path === '/no/such/page' ? 404 : 200, path);
        await page.waitForLoadState('load');
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], `${path} (${scheme}): ${JSON.stringify(violations, null, 1)}`);
      }
      // The deliberate 404 navigation is reported by Chromium as a failed resource.
      assert.deepEqual(
        problems.filter((p) => !/status of 404/.test(p)),
        [],
      );
      await page.close();
    });
  }

  it('shows an event posted through the API within 2 seconds, without reloading', async () => {
    const page = await browser.context.newPage();
    const problems = watch(page, base);
    await page.goto(`${base}/`);
    await page.waitForSelector('[data-live]:not([hidden])');
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    const started = Date.now();
    const res = await fetch(`${base}/admin/api/v1/services/email-delivery/events`, {
      method: 'POST',
      headers: { ...t.admin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ status: 'down', message: 'Outbound email is queued, not sent' }),
    });
    assert.equal(res.status, 201);
    await page.waitForFunction(
      () => document.getElementById('main')!.textContent!.includes('Outbound email is queued, not sent'),
      undefined,
      { timeout: 2_000 },
    );
    const elapsed = Date.now() - started;
    assert.equal(
      await page.evaluate(() => (window as unknown as { marker: number }).marker),
      42,
      'the page was not reloaded',
    );
    assert.match((await page.textContent('#overall')) ?? '', /^Down: 3 of 6 services affected$/);
    assert.deepEqual(problems, []);
    process.stdout.write(`# live update visible after ${elapsed} ms\n`);
    await page.close();
  });

  it('reaches day cells by keyboard and moves between days with arrow keys', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${base}/services/api`);
    let label = '';
    for (let i = 0; i < 40 && !label; i += 1) {
      await page.keyboard.press('Tab');
      label = await page.evaluate(() =>
        document.activeElement?.closest('ol.strip') ? document.activeElement.textContent : '',
      );
    }
    assert.match(label, /^\w{3} \d{1,2} \w{3} \d{4}: (Up|Down|Warning), /, "Tab reaches today's cell");
    await page.keyboard.press('ArrowLeft');
    const previous = await page.evaluate(() => document.activeElement?.textContent ?? '');
    assert.notEqual(previous, label);
    assert.match(previous, /^\w{3} \d{1,2} \w{3} \d{4}: /);
    const tip = await page.evaluate(() => {
      const span = document.activeElement!.querySelector('span')!;
      const box = span.getBoundingClientRect();
      return { width: box.width, visible: getComputedStyle(span).clip === 'auto' };
    });
    assert.ok(tip.width > 50, 'the label shows as a tooltip on focus');
    await page.keyboard.press('Home');
    assert.match(await page.evaluate(() => document.activeElement?.textContent ?? ''), /No data|Up/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/services\/api\/\d{4}\/\d\d\/\d\d$/);
    await page.close();
  });

  it('renders the widget inside a foreign page without touching its styles, and keeps it live', async () => {
    const foreign = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Customer site</title>
<style>* { color: rgb(255, 0, 0) !important; font-size: 40px !important; font-family: serif !important; } a, strong, span { display: none !important; } div { border: 5px solid blue; }</style>
</head><body><h1>Acme shop</h1><p id="para">Hello</p><script src="${base}/widget.js" async></script></body></html>`);
    });
    await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    try {
      await page.goto(`http://127.0.0.1:${(foreign.address() as AddressInfo).port}/`);
      const before = await page.evaluate(() => getComputedStyle(document.getElementById('para')!).fontSize);
      const headline = page.locator('[data-stashboard-widget] strong');
      await headline.waitFor({ state: 'visible', timeout: 5_000 });
      await page.waitForFunction(() =>
        document
          .querySelector('[data-stashboard-widget]')
          ?.shadowRoot?.querySelector('strong')
          ?.textContent.startsWith('Down'),
      );
      const look = await page.evaluate(() => {
        const strong = document.querySelector('[data-stashboard-widget]')!.shadowRoot!.querySelector('strong')!;
        const style = getComputedStyle(strong);
        return {
          text: strong.textContent,
          fontSize: style.fontSize,
          display: style.display,
          color: style.color,
          para: getComputedStyle(document.getElementById('para')!).fontSize,
        };
      });
      assert.equal(look.text, 'Down: 3 of 6 services affected');
      assert.notEqual(look.fontSize, '40px', "the host page's styles do not reach the widget");
      assert.notEqual(look.display, 'none');
      assert.notEqual(look.color, 'rgb(255, 0, 0)');
      assert.equal(look.para, before, 'the widget does not restyle the host page');
      await page.screenshot({ path: new URL('widget-foreign-page.png', ARTIFACTS).pathname });
      const res = await fetch(`${base}/admin/api/v1/services/email-delivery/events`, {
        method: 'POST',
        headers: { ...t.admin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ status: 'up', message: 'Email flowing again' }),
      });
      assert.equal(res.status, 201);
      await page.waitForFunction(
        () =>
          document.querySelector('[data-stashboard-widget]')?.shadowRoot?.querySelector('strong')?.textContent ===
          'Warning: 2 of 6 services affected',
        undefined,
        { timeout: 2_000 },
      );
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
      foreign.close();
    }
  });

  it('writes screenshots at 1280 and 375 pixels, light and dark', async () => {
    for (const width of [1280, 375]) {
      for (const scheme of ['light', 'dark'] as const) {
        const page = await browser.context.newPage();
        await page.setViewportSize({ width, height: width > 500 ? 900 : 800 });
        await page.emulateMedia({ colorScheme: scheme });
        for (const [name, path] of [
          ['home', '/'],
          ['service', '/services/database'],
          ['summary', '/summary'],
          ['documentation', '/documentation'],
        ]) {
          await page.goto(`${base}${path}`);
          await page.screenshot({
            path: new URL(`site-${name}-${width}-${scheme}.png`, ARTIFACTS).pathname,
            fullPage: true,
          });
        }
        await page.close();
      }
    }
  });
});
