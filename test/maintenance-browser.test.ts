import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { addUser, PASSWORD } from './support/admin-client.ts';
import { axeViolations, launchChromium, type Browser } from './support/chromium.ts';
import { updateSiteSettings } from '../src/services/site-settings.ts';
import { runMaintenanceTransitions } from '../src/services/maintenances.ts';

const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);
const EMAIL = 'oncall@example.com';
const SERVICES = ['API', 'Billing', 'Checkout', 'Email', 'Search', 'Website'];
// Thursday 5 March 2026, 10:20 in Berlin.
const NOW = Date.UTC(2026, 2, 5, 9, 20, 0);
const SIZES = [
  { name: '375', width: 375, height: 812 },
  { name: '1280', width: 1280, height: 800 },
] as const;
const SCHEMES = ['light', 'dark'] as const;

/** Whether a CSS colour reads as blue (the maintenance colour), not green, yellow or red. */
function isBlue(css: string): boolean {
  const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return b! > r! + 40 && b! > g!;
}

describe('scheduled maintenance in Chromium (phone scheduling, blue card and services, light and dark)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let id = '';
  const clock = new TestClock(NOW);
  const problems: string[] = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestApp('sqlite', { clock });
    await updateSiteSettings(t.ctx, { kind: 'cli', name: 'test', scope: 'admin' }, { timeZone: 'Europe/Berlin' });
    for (const name of SERVICES) await t.post('/services', { name, description: `The ${name} service` });
    for (const name of SERVICES)
      await t.post(`/services/${name.toLowerCase()}/events`, { status: 'up', message: 'Operating normally' });
    await addUser(t, EMAIL, 'editor');
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });

  after(async () => {
    await browser.close();
    await t.close();
  });

  async function newPage(width: number, height: number, scheme: 'light' | 'dark'): Promise<Page> {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(10_000);
    await page.setViewportSize({ width, height });
    await page.emulateMedia({ colorScheme: scheme });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('response', (r) => {
      const expected = (r.status() === 400 && r.request().method() === 'POST') || r.url().endsWith('/favicon.ico');
      if (r.status() >= 400 && !expected) problems.push(`${r.status()}: ${r.url()}`);
    });
    return page;
  }

  async function check(page: Page, name: string): Promise<void> {
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 1)}`);
    const width = page.viewportSize()!.width;
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scroll <= width, `${name} is ${scroll} px wide at ${width}`);
    await page.screenshot({ path: new URL(`maintenance-${name}.png`, ARTIFACTS).pathname, fullPage: true });
  }

  async function logIn(page: Page): Promise<void> {
    await page.goto(`${base}/admin/login`);
    if (new URL(page.url()).pathname === '/admin/login') {
      await page.fill('#login-email', EMAIL);
      await page.fill('#login-password', PASSWORD);
      await Promise.all([page.waitForURL(/\/admin$/), page.click('main button[type=submit]')]);
    }
  }

  it('schedules a maintenance from a 375 px phone in at most 10 taps, without zooming', async () => {
    const phone = await newPage(375, 812, 'light');
    await logIn(phone);
    let taps = 0;
    const tap = async (locator: Locator) => {
      taps += 1;
      const box = await locator.boundingBox();
      assert.ok(box && box.height >= 24, `a tap target at least 24 px high: ${JSON.stringify(box)}`);
      await locator.click();
    };
    // The dashboard offers it on the first screen.
    const schedule = phone.getByRole('link', { name: 'Schedule maintenance' }).first();
    await tap(schedule);
    await phone.waitForURL(/\/admin\/maintenance\/new$/);
    await check(phone, 'new-375-light');
    // Usable without zooming: the page fits, and no field is under 16 px (phones zoom into those).
    const small = await phone.evaluate(() =>
      [...document.querySelectorAll('main input:not([type=hidden]):not([type=checkbox]), main textarea, main select')]
        .filter((el) => parseFloat(getComputedStyle(el).fontSize) < 16)
        .map((el) => el.id),
    );
    assert.deepEqual(small, [], 'fields under 16 px');
    assert.match(await phone.locator('#mnt-start legend').innerText(), /Starts \(Europe\/Berlin\)/);

    // A mistake first: submitting with nothing typed shows every error at once.
    await tap(phone.getByRole('button', { name: 'Schedule the maintenance' }));
    await phone.locator('.alert').waitFor();
    assert.equal(await phone.locator('main .error').count(), 3, 'name, services and message');
    assert.equal(await phone.locator('#mnt-name-error').innerText(), 'Name is required');
    await check(phone, 'new-errors-375-light');
    const mistakes = taps - 1;

    await tap(phone.getByLabel('Name'));
    await phone.keyboard.type('Email relay upgrade');
    await tap(phone.locator('#mnt-services label.choice', { hasText: 'Email' }));
    await tap(phone.locator('#mnt-services label.choice', { hasText: 'API' }));
    // Saturday night, 02:00 to 04:00 Berlin time.
    await tap(phone.locator('#mnt-start_date'));
    await phone.locator('#mnt-start_date').fill('2026-03-07');
    await tap(phone.locator('#mnt-start_time'));
    await phone.locator('#mnt-start_time').fill('02:00');
    await tap(phone.locator('#mnt-end_date'));
    await phone.locator('#mnt-end_date').fill('2026-03-07');
    await tap(phone.locator('#mnt-end_time'));
    await phone.locator('#mnt-end_time').fill('04:00');
    await tap(phone.getByLabel('Message'));
    await phone.keyboard.type('Outbound email may be delayed by up to 10 minutes.');
    await Promise.all([
      phone.waitForURL(/\/admin\/maintenance\/[a-z0-9]{12}$/),
      tap(phone.getByRole('button', { name: 'Schedule the maintenance' })),
    ]);
    const flow = taps - 1 - mistakes;
    assert.ok(flow <= 10, `scheduling took ${flow} taps`);
    id = phone.url().split('/').pop()!;
    const m = (await t.get(`/maintenances/${id}`)).json();
    assert.equal(m.scheduled_for, '2026-03-07T01:00:00.000Z');
    assert.equal(m.scheduled_until, '2026-03-07T03:00:00.000Z');
    assert.deepEqual(m.services, ['api', 'email']);
    assert.equal(await phone.locator('.flash').innerText(), 'The maintenance is scheduled.');
    await check(phone, 'scheduled-375-light');
    await phone.goto(`${base}/admin`);
    assert.ok(await phone.locator('.maint-panel a', { hasText: 'Email relay upgrade' }).isVisible());
    await check(phone, 'dashboard-375-light');
    await phone.close();
  });

  it('the admin pages pass axe in light and dark at 375 and 1280 px', async () => {
    for (const size of SIZES) {
      for (const scheme of SCHEMES) {
        const page = await newPage(size.width, size.height, scheme);
        await logIn(page);
        for (const [path, name] of [
          ['/admin/maintenance', 'list'],
          [`/admin/maintenance/${id}`, 'page'],
          ['/admin/maintenance/new', 'new'],
          [`/admin/maintenance/${id}/delete`, 'delete'],
        ] as const) {
          await page.goto(`${base}${path}`);
          await check(page, `admin-${name}-${size.name}-${scheme}`);
        }
        await page.close();
      }
    }
  });

  it('while active: the blue card above the services and the affected services in blue, light and dark', async () => {
    clock.current = Date.UTC(2026, 2, 7, 1, 0, 0);
    assert.equal(await runMaintenanceTransitions(t.ctx, clock.now()), 1);
    await t.post(`/maintenances/${id}/updates`, { body: 'Relay 1 of 2 upgraded.' });
    for (const size of SIZES) {
      for (const scheme of SCHEMES) {
        const tag = `${size.name}-${scheme}`;
        const page = await newPage(size.width, size.height, scheme);
        await page.goto(`${base}/`);
        const bannerText = await page.locator('.banner h1').innerText();
        assert.equal(bannerText, 'Under maintenance: 2 of 6 services');
        const bannerColour = await page.locator('.banner').evaluate((el) => getComputedStyle(el).backgroundColor);
        assert.ok(isBlue(bannerColour), `banner ${bannerColour} is blue (${tag})`);
        const card = page.locator('.maintenance-card').first();
        assert.match(await card.innerText(), /Email relay upgrade/);
        assert.match(await card.innerText(), /Relay 1 of 2 upgraded\./);
        assert.match(await card.innerText(), /7 Mar 2026, 02:00 CET/);
        const cardBox = (await card.boundingBox())!;
        const servicesBox = (await page.locator('#svc-email').first().boundingBox())!;
        assert.ok(cardBox.y < servicesBox.y, `the card is above the services (${tag})`);
        if (size.name === '375') assert.ok(cardBox.y < size.height, 'the card is on the first screen');
        const border = await card.evaluate((el) => getComputedStyle(el).borderLeftColor);
        assert.ok(isBlue(border), `card border ${border} is blue (${tag})`);
        const flags = page.locator('.maint-flag');
        assert.equal(await flags.count(), 2, 'API and Email are marked');
        for (let i = 0; i < 2; i++) {
          const colour = await flags.nth(i).evaluate((el) => getComputedStyle(el).color);
          assert.ok(isBlue(colour), `flag colour ${colour} is blue (${tag})`);
        }
        await check(page, `front-${tag}`);
        await page.goto(`${base}/incidents/${id}`);
        assert.match(await page.locator('h1').innerText(), /Email relay upgrade/);
        await check(page, `permalink-${tag}`);
        await page.close();
      }
    }
    assert.deepEqual(problems, []);
  });
});
