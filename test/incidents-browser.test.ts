import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/harness.ts';
import { addUser, PASSWORD } from './support/admin-client.ts';
import { startServerProcess, waitFor, type ServerProcess } from './support/server-process.ts';
import { axeViolations, launchChromium, type Browser } from './support/chromium.ts';

const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);
const EMAIL = 'oncall@example.com';
const SERVICES = ['API', 'Billing', 'CDN', 'Checkout', 'Dashboard', 'Email', 'Login', 'Search', 'Webhooks', 'Website'];

describe('incidents in Chromium (phone flow, live card, permalink, history)', () => {
  let t: TestApp;
  let server: ServerProcess;
  let browser: Browser;
  let phone: Page;
  let desk: Page;
  const problems: string[] = [];

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The database is seeded in-process, then served by a real server process.
    t = await startTestApp('sqlite');
    for (const name of SERVICES) await t.post('/services', { name, description: `The ${name} service` });
    for (const name of SERVICES)
      await t.post(`/services/${name.toLowerCase()}/events`, { status: 'up', message: 'ok' });
    await addUser(t, EMAIL, 'editor');
    server = await startServerProcess(t.databaseUrl, { LOG_LEVEL: 'warn' });
    browser = await launchChromium();
    phone = await browser.context.newPage();
    await phone.setViewportSize({ width: 375, height: 812 });
    desk = await browser.context.newPage();
    await desk.setViewportSize({ width: 1280, height: 900 });
    for (const p of [phone, desk]) {
      p.setDefaultTimeout(10_000);
      p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      p.on('response', (r) => {
        const expected = (r.status() === 400 && r.request().method() === 'POST') || r.url().endsWith('/favicon.ico');
        if (r.status() >= 400 && !expected) problems.push(`${r.status()}: ${r.url()}`);
      });
    }
  });

  after(async () => {
    await browser.close();
    await server.stop();
    await t.close();
  });

  async function check(page: Page, name: string, width: number): Promise<void> {
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 1)}`);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(scroll <= width, `${name} is ${scroll} px wide`);
    await page.screenshot({ path: new URL(`incidents-${name}.png`, ARTIFACTS).pathname, fullPage: true });
  }

  async function inView(page: Page, locator: Locator): Promise<boolean> {
    const box = await locator.boundingBox();
    const height = page.viewportSize()!.height;
    return box !== null && box.y >= 0 && box.y + box.height <= height;
  }

  it('opens an incident on two services from a phone in at most 8 taps; the public page shows it live', async () => {
    await desk.goto(`${server.url}/`);
    await desk.locator('[data-live]:not([hidden])').waitFor();
    assert.equal(await desk.locator('.incident-card').count(), 0);

    await phone.goto(`${server.url}/admin/login`);
    await phone.getByLabel('Email').fill(EMAIL);
    await phone.getByLabel('Password').fill(PASSWORD);
    await phone.getByRole('button', { name: 'Log in' }).click();
    assert.equal(new URL(phone.url()).pathname, '/admin');
    const open = phone.getByRole('link', { name: 'Open an incident', exact: true });
    assert.ok(await inView(phone, open), '"Open an incident" is on the first screen of the landing page');
    await check(phone, 'dashboard-375', 375);

    let taps = 0;
    const tap = async (locator: Locator) => {
      taps += 1;
      await locator.click();
    };
    // First try without a name: the error shows next to the field, in view, and what was typed stays.
    await tap(open);
    await check(phone, 'new-375', 375);
    await tap(phone.locator('#inc-services').getByLabel(/^API\b/));
    await tap(phone.locator('#inc-services').getByLabel(/^Checkout\b/));
    await tap(phone.locator('#inc-status').getByLabel('Down'));
    await tap(phone.getByLabel('Message'));
    await phone.keyboard.type('Payments fail for some customers. We are investigating.');
    await tap(phone.getByRole('button', { name: 'Open the incident' }));
    const error = phone.locator('#inc-name-error');
    assert.match((await error.textContent()) ?? '', /Name is required/);
    assert.ok(await inView(phone, phone.locator('.alert')), 'the error summary is in view');
    assert.equal(
      await phone.getByLabel('Message').inputValue(),
      'Payments fail for some customers. We are investigating.',
    );
    assert.ok(
      await phone
        .locator('#inc-services')
        .getByLabel(/^API\b/)
        .isChecked(),
    );
    await check(phone, 'new-error-375', 375);
    await tap(phone.getByLabel('Name'));
    await phone.keyboard.type('Checkout errors');
    await tap(phone.getByRole('button', { name: 'Open the incident' }));
    // The flow without the mistake: open, name, two services, status, message, submit = 7 taps.
    assert.ok(taps - 2 <= 8, `opening took ${taps - 2} taps`);
    assert.match(new URL(phone.url()).pathname, /^\/admin\/incidents\/[a-z0-9]{12}$/);
    assert.match((await phone.locator('.flash').textContent()) ?? '', /open/);
    await check(phone, 'incident-375', 375);

    // The open front page shows the card without a reload; the affected services come first.
    const card = desk.locator('.incident-card');
    await card.waitFor({ timeout: 10_000 });
    assert.match((await card.textContent()) ?? '', /Checkout errors/);
    assert.match((await card.textContent()) ?? '', /Investigating/);
    assert.match((await card.textContent()) ?? '', /Posted (just now|\d+ minutes? ago) · /);
    const firstService = await desk.locator('li.svc').first().getAttribute('data-service');
    assert.ok(['api', 'checkout'].includes(firstService!), `first service: ${firstService}`);
    const named = (await desk.locator('.banner .affected').textContent()) ?? '';
    assert.match(named, /API/);
    assert.match(named, /Checkout/);
    await check(desk, 'front-1280', 1280);
  });

  it('posts an update, corrects it and resolves; the card leaves the front page live', async () => {
    await phone.getByRole('group', { name: 'Stage' }).getByLabel('Identified').click();
    await phone.getByLabel('Message', { exact: true }).first().fill('A bad deploy; rollng back.');
    await phone.getByRole('button', { name: 'Post the update' }).click();
    assert.match((await phone.locator('.flash').textContent()) ?? '', /posted/);
    await waitFor(
      'the update on the card',
      async () => /rollng back/.test((await desk.locator('.incident-card').textContent()) ?? '') || undefined,
    );

    const newest = phone.locator('.update-list > li').first();
    await newest.getByText('Edit this update').click();
    await newest.getByLabel('Message').fill('A bad deploy; rolling back.');
    await newest.getByRole('button', { name: 'Save the correction' }).click();
    assert.match((await phone.locator('.flash').textContent()) ?? '', /corrected/);
    assert.match((await phone.locator('.update-list').textContent()) ?? '', /rolling back\./);

    await phone.getByRole('group', { name: 'Stage' }).getByLabel('Resolved').click();
    await phone.getByLabel(/return every affected service/).check();
    await phone.getByLabel('Message', { exact: true }).first().fill('Rolled back. Checkout works again.');
    await phone.getByRole('button', { name: 'Post the update' }).click();
    assert.match((await phone.locator('.incident-facts').textContent()) ?? '', /Resolved/);
    await check(phone, 'resolved-375', 375);
    await waitFor('the card to leave', async () =>
      (await desk.locator('.incident-card').count()) === 0 ? true : undefined,
    );
    assert.match((await desk.locator('.past-incidents').textContent()) ?? '', /Checkout errors/);
  });

  it('the permalink and /history pass axe in light and dark at 375 and 1280 px', async () => {
    const href = await desk.locator('.past-incidents a', { hasText: 'Checkout errors' }).getAttribute('href');
    for (const scheme of ['light', 'dark'] as const) {
      for (const [page, width] of [
        [phone, 375],
        [desk, 1280],
      ] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(`${server.url}${href}`);
        assert.match((await page.locator('h1').textContent()) ?? '', /Checkout errors/);
        assert.equal(await page.locator('meta[property="og:title"]').getAttribute('content'), 'Checkout errors');
        assert.match(
          (await page.locator('.updates').textContent()) ?? '',
          /Rolled back[\s\S]*rolling back[\s\S]*investigating/,
        );
        await check(page, `permalink-${width}-${scheme}`, width);
        await page.goto(`${server.url}/history`);
        assert.match((await page.locator('main').textContent()) ?? '', /Checkout errors/);
        await check(page, `history-${width}-${scheme}`, width);
        await page.goto(`${server.url}/`);
        await check(page, `front-after-${width}-${scheme}`, width);
      }
    }
    assert.deepEqual(problems, []);
  });
});
