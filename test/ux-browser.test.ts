import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { axeViolations, launchChromium, type Browser } from './support/chromium.ts';
import { addUser, PASSWORD } from './support/admin-client.ts';

const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);
const SCREENSHOTS = new URL('../docs/screenshots/', import.meta.url);
const DAY = 86_400_000;
const SIZES = [
  { name: 'phone', width: 375, height: 812 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;
const SCHEMES = ['light', 'dark'] as const;

/** Whether an element is inside the first screen (no scrolling). */
async function inFirstScreen(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  const viewport = page.viewportSize()!;
  return box !== null && box.y >= 0 && box.y + box.height <= viewport.height && box.width > 0;
}

async function noAxeViolations(page: Page, what: string): Promise<void> {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}: ${JSON.stringify(violations, null, 1)}`);
}

async function noSidewaysScroll(page: Page, what: string): Promise<void> {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(wide, false, `${what} scrolls sideways`);
}

describe('public page and admin site as their users see them (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const clock = new TestClock(Date.now());

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestApp('sqlite', { clock });
    const now = clock.current;
    const lists: Array<[string, string, string[]]> = [
      ['Core platform', 'What everything else runs on', ['API', 'Auth', 'Billing']],
      ['Delivery', 'Getting things to customers', ['CDN', 'DNS', 'Email']],
      ['Tools', 'What the team uses', ['Git', 'Jobs', 'Search', 'Wiki']],
    ];
    for (const [list, description, services] of lists) {
      const created = (await t.post('/service-lists', { name: list, description })).json() as { id: string };
      for (const name of services)
        await t.post('/services', { name, description: `The ${name} service`, list: created.id });
    }
    const post = async (ms: number, slug: string, form: Record<string, string>) => {
      clock.current = ms;
      assert.equal((await t.post(`/services/${slug}/events`, form)).statusCode, 201);
    };
    for (const slug of ['api', 'auth', 'billing', 'cdn', 'dns', 'email', 'git', 'jobs', 'search', 'wiki'])
      await post(now - 60 * DAY, slug, { status: 'up', message: 'Operating normally' });
    // Five days ago, 10:00 to 12:00 UTC: within one day of the page's zone whatever the time now.
    const outageStart = Math.floor((now - 5 * DAY) / DAY) * DAY + 10 * 3_600_000;
    await post(outageStart, 'dns', { status: 'down', message: 'Resolution failures in one region' });
    await post(outageStart + 2 * 3_600_000, 'dns', { status: 'up', message: 'Resolved' });
    // The outage: the two services whose names sort last.
    await post(now - 3_600_000, 'search', {
      status: 'down',
      message: 'Searches fail; follow https://example.com/incidents/42 for details.',
    });
    await post(now - 1_800_000, 'wiki', { status: 'warning', message: 'Pages load slowly' });
    clock.current = now;
    await addUser(t, 'oncall@example.com', 'admin');
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });

  after(async () => {
    await browser.close();
    await t.close();
  });

  async function loggedInPage(): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(`${base}/admin/login`);
    if (new URL(page.url()).pathname === '/admin/login') {
      await page.fill('#login-email', 'oncall@example.com');
      await page.fill('#login-password', PASSWORD);
      await Promise.all([page.waitForURL(/\/admin$/), page.click('main button[type=submit]')]);
    }
    return page;
  }

  for (const size of SIZES) {
    for (const scheme of SCHEMES) {
      const tag = `${size.name}-${scheme}`;

      it(`front page at ${size.width}×${size.height}, ${scheme}: outage first, sharing tags, safe links, day details, axe`, async () => {
        const page = await browser.context.newPage();
        await page.setViewportSize({ width: size.width, height: size.height });
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(`${base}/`);
        // The affected services are named on the first screen, whatever their place in the order.
        for (const name of ['Search', 'Wiki']) {
          const selector = `.banner .affected a:text-is("${name}")`;
          assert.ok(await inFirstScreen(page, selector), `${name} on the first screen (${tag})`);
        }
        await page.screenshot({ path: new URL(`ux-front-${tag}.png`, ARTIFACTS).pathname });
        if (size.name === 'desktop')
          await page.screenshot({ path: new URL(`public-${scheme}.png`, SCREENSHOTS).pathname });
        else if (scheme === 'light') await page.screenshot({ path: new URL('public-phone.png', SCREENSHOTS).pathname });

        // Title, Open Graph, Twitter card and a favicon that reflects the state.
        assert.match(await page.title(), /^Down — Stashboard$/);
        const meta = (name: string) =>
          page.locator(`meta[property="${name}"], meta[name="${name}"]`).first().getAttribute('content');
        assert.equal(await meta('og:title'), 'Down — Stashboard');
        assert.match((await meta('og:description')) ?? '', /Stashboard/);
        assert.equal(await meta('og:url'), `${base}/`);
        assert.equal(await meta('twitter:card'), 'summary');
        const icon = await page.locator('link[rel="icon"]').getAttribute('href');
        assert.equal(icon, '/favicons/l3.svg', 'red: a major outage');
        const favicon = await page.request.get(`${base}${icon}`);
        assert.equal(favicon.status(), 200);
        assert.match(await favicon.text(), /<title>Major outage<\/title>/);

        // A URL in a message is a safe link.
        const link = page.locator('#svc-search .msg a');
        assert.equal(await link.getAttribute('href'), 'https://example.com/incidents/42');
        assert.equal(await link.getAttribute('rel'), 'nofollow noopener ugc');
        assert.match((await page.locator('#svc-search .msg time').textContent()) ?? '', /\d\d:\d\d/);

        // A tap on a day shows its details in place; they link on to the day's archive.
        // Healthy groups start folded during an outage; a tap opens one.
        const fold = page.locator('details.group-fold:has(#svc-dns)');
        assert.equal(await fold.getAttribute('open'), null, 'a healthy group is folded during the outage');
        await fold.locator('summary').click();
        const cell = page.locator('#svc-dns ol.strip li a').nth(-6);
        await cell.scrollIntoViewIfNeeded();
        await cell.click();
        const detail = page.locator('#svc-dns .day-detail');
        await detail.waitFor({ state: 'visible' });
        assert.match((await detail.textContent()) ?? '', /Down, major outage 2 h, [\d.]+% uptime/);
        assert.match((await detail.locator('a').getAttribute('href')) ?? '', /^\/services\/dns\/\d{4}\/\d\d\/\d\d$/);
        assert.equal(new URL(page.url()).pathname, '/', 'still on the front page');
        await page.screenshot({ path: new URL(`ux-day-detail-${tag}.png`, ARTIFACTS).pathname });
        await noAxeViolations(page, `front page with a day's details (${tag})`);
        await noSidewaysScroll(page, `front page (${tag})`);

        for (const path of ['/services/search', '/service-lists', '/summary', '/subscribe', '/documentation']) {
          await page.goto(`${base}${path}`);
          await noAxeViolations(page, `${path} (${tag})`);
          await noSidewaysScroll(page, `${path} (${tag})`);
        }
        // Without email delivery, the subscribe page says so and offers the feeds.
        await page.goto(`${base}/subscribe`);
        assert.ok(await page.getByText('Email updates are not available here yet').isVisible());
        assert.ok(await page.locator('a[href="/atom"]').first().isVisible());
        await page.screenshot({ path: new URL(`ux-subscribe-${tag}.png`, ARTIFACTS).pathname });
        await page.close();
      });

      it(`admin site at ${size.width}×${size.height}, ${scheme}: the outage first, a compact header, errors in view, axe`, async () => {
        const page = await loggedInPage();
        await page.setViewportSize({ width: size.width, height: size.height });
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(`${base}/admin`);
        const header = await page.locator('header.top').boundingBox();
        assert.ok(header && header.height <= size.height / 6, `the header is ${header?.height} px high (${tag})`);
        // Affected services come first, worst first; healthy ones are one line each.
        const attention = await page.locator('#attention ~ .cards h3').allTextContents();
        assert.deepEqual(attention, ['Search', 'Wiki']);
        assert.ok(await inFirstScreen(page, '#attention ~ .cards h3 >> nth=0'), `Search on the first screen (${tag})`);
        assert.equal(await page.locator('.healthy-list > li').count(), 8);
        assert.match(
          (await page.locator('.trouble .current').first().textContent()) ?? '',
          /Down\s+since .* by API token “test admin”/,
        );
        await page.screenshot({ path: new URL(`ux-admin-landing-${tag}.png`, ARTIFACTS).pathname });
        if (size.name === 'desktop' && scheme === 'light')
          await page.screenshot({ path: new URL('admin-landing.png', SCREENSHOTS).pathname });
        await noAxeViolations(page, `admin landing (${tag})`);
        await noSidewaysScroll(page, `admin landing (${tag})`);
        // One tap opens a healthy service's short form.
        await page.locator('#svc-api summary').click();
        assert.ok(await page.locator('#svc-api form').isVisible());

        // Form errors: all at once, next to their fields, in view, with human names; input kept.
        await page.goto(`${base}/admin/services`);
        await page.fill('#new-svc-name', '');
        await page.fill('#new-svc-description', '');
        await page.locator('form[action="/admin/services"] button[type=submit]').click();
        await page.waitForSelector('.alert[role=alert]');
        assert.ok(await inFirstScreen(page, '.alert[role=alert]'), `the errors are in view (${tag})`);
        const summary = (await page.locator('.alert[role=alert]').textContent()) ?? '';
        assert.match(summary, /Name is required/);
        assert.match(summary, /Description is required/);
        await page.screenshot({ path: new URL(`ux-admin-errors-${tag}.png`, ARTIFACTS).pathname });
        await noAxeViolations(page, `admin form errors (${tag})`);

        for (const path of ['/admin/order', '/admin/lists', '/admin/statuses', '/admin/users', '/admin/settings']) {
          await page.goto(`${base}${path}`);
          assert.ok(await page.locator('a[href="/"]').first().count(), `${path} links to the public page`);
          await noAxeViolations(page, `${path} (${tag})`);
          await noSidewaysScroll(page, `${path} (${tag})`);
        }
        await page.goto(`${base}/admin/order`);
        await page.screenshot({ path: new URL(`ux-admin-order-${tag}.png`, ARTIFACTS).pathname, fullPage: true });
        await page.close();
      });
    }
  }

  it('reorders in the admin site (buttons and dragging), and the public page and the API follow', async () => {
    const page = await loggedInPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${base}/admin/order`);
    // Tools to the top, with its buttons.
    for (let i = 0; i < 2; i++) {
      await Promise.all([
        page.waitForURL(/\/admin\/order/),
        page.locator('ol[data-order="lists"] > li[data-slug="tools"] > .order-row button[value="up"]').click(),
      ]);
    }
    // Wiki above Git, by dragging.
    const wiki = page.locator('li[data-slug="wiki"]');
    await wiki.dragTo(page.locator('li[data-slug="git"]'), { targetPosition: { x: 20, y: 2 } });
    await page.locator('[data-order-status]', { hasText: 'Order saved.' }).waitFor();
    await page.screenshot({ path: new URL('ux-admin-order-after.png', ARTIFACTS).pathname, fullPage: true });

    await page.goto(`${base}/`);
    const headings = await page.locator('main section.group h2').allTextContents();
    assert.deepEqual(
      headings.map((h) => h.trim()),
      ['Tools', 'Core platform', 'Delivery'],
    );
    const tools = await page
      .locator('main section.group')
      .first()
      .locator('li.svc')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-service')));
    // Wiki and Search are in the outage: on the page they lead their list, in the admins' order
    // among themselves; the APIs keep the admins' order.
    assert.deepEqual(tools, ['wiki', 'search', 'git', 'jobs']);
    const lists = (await (await page.request.get(`${base}/api/v1/service-lists`)).json()) as {
      lists: Array<{ name: string }>;
    };
    assert.deepEqual(
      lists.lists.map((l) => l.name),
      ['Tools', 'Core platform', 'Delivery'],
    );
    const services = (await (await page.request.get(`${base}/api/v1/services`)).json()) as {
      services: Array<{ id: string }>;
    };
    const order = services.services.map((s) => s.id).filter((id) => ['wiki', 'git', 'jobs', 'search'].includes(id));
    assert.deepEqual(order, ['wiki', 'git', 'jobs', 'search']);
    const v2 = await page.request.get(`${base}/api/v2/components.json`);
    if (v2.status() === 200) {
      const components = ((await v2.json()) as { components: Array<{ name: string; position: number }> }).components;
      assert.equal(components.find((c) => c.name === 'Tools')?.position, 1);
      assert.equal(components.find((c) => c.name === 'Wiki')?.position, 1);
    }
    await page.close();
  });

  it('returns a service to operational from the landing page without a message', async () => {
    const page = await loggedInPage();
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${base}/admin`);
    const card = page.locator('.trouble', { has: page.locator('h3:text-is("Wiki")') });
    await card.locator('label.choice:has-text("Up")').click();
    await Promise.all([page.waitForURL(/\/admin/), card.locator('button[type=submit]').click()]);
    assert.match((await page.locator('.flash').textContent()) ?? '', /Status posted for Wiki/);
    const current = (await (await page.request.get(`${base}/api/v1/services/wiki/events/current`)).json()) as {
      message: string;
      status: { id: string };
    };
    assert.deepEqual([current.status.id, current.message], ['up', 'Wiki is operating normally again.']);
    assert.deepEqual(await page.locator('#attention ~ .cards h3').allTextContents(), ['Search']);
    await page.close();
  });
});
