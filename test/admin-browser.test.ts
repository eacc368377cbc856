import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { BACKENDS, freshDatabaseUrl } from './support/harness.ts';
import { startServerProcess, waitFor, type ServerProcess } from './support/server-process.ts';
import { axeViolations, launchChromium, type Browser } from './support/chromium.ts';

const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);
const EMAIL = 'oncall@example.com';
const PASSWORD = 'a long and memorable passphrase';

for (const backend of BACKENDS) {
  describe(`admin site in Chromium at 375 px (${backend})`, () => {
    let server: ServerProcess;
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];
    // What `before` managed to open, closed in reverse order even when it failed half-way.
    const teardown: Array<() => Promise<void>> = [];

    before(async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const location = await freshDatabaseUrl(backend);
      teardown.unshift(location.drop);
      server = await startServerProcess(location.url, { LOG_LEVEL: 'warn' });
      teardown.unshift(() => server.stop());
      browser = await launchChromium();
      teardown.unshift(() => browser.close());
      page = await browser.context.newPage();
      await page.setViewportSize({ width: 375, height: 812 });
      // Failed loads are judged by the response handler below, with their URLs.
      page.on('console', (m) => {
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
          problems.push(`console: ${m.text()}`);
      });
      page.on('response', (r) => {
        const expected =
          (r.status() === 400 && r.request().method() === 'POST') || new URL(r.url()).pathname === '/favicon.ico';
        if (r.status() >= 400 && !expected) problems.push(`${r.status()}: ${r.request().method()} ${r.url()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('request', (r) => {
        if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) problems.push(`external: ${r.url()}`);
      });
    });

    after(async () => {
      for (const close of teardown) await close();
    });

    /** Checks the page as it is: no axe violations, nothing wider than the phone; saves a screenshot. */
    async function check(name: string): Promise<void> {
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `${name}: ${JSON.stringify(violations, null, 1)}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 375, `${name} is ${width} px wide`);
      if (backend === 'sqlite')
        await page.screenshot({ path: new URL(`admin-${name}.png`, ARTIFACTS).pathname, fullPage: true });
    }

    async function flash(): Promise<string> {
      return (await page.locator('.flash').textContent()) ?? '';
    }

    it('goes from setup to logout: list, service, status, event on the public page, note, deletion', async () => {
      const code = await waitFor(
        'the setup code in the log',
        async () => /"setupCode":"([0-9A-Z-]+)"/.exec(server.output())?.[1],
      );

      await page.goto(`${server.url}/admin`);
      assert.equal(new URL(page.url()).pathname, '/admin/setup');
      await check('setup');
      await page.getByLabel('Setup code').fill('WRNG-WRNG-WRNG-WRNG-WRNG');
      await page.getByLabel('Your email').fill(EMAIL);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel('Password again').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create the admin account' }).click();
      assert.match((await page.locator('#setup-code-error').textContent()) ?? '', /wrong or was used/);
      assert.equal(await page.getByLabel('Your email').inputValue(), EMAIL);
      await check('setup-error');
      await page.getByLabel('Setup code').fill(code);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel('Password again').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create the admin account' }).click();
      // Finishing setup logs the new admin in.
      assert.equal(new URL(page.url()).pathname, '/admin');
      assert.match(await flash(), /ready: you are logged in/);
      await check('dashboard-empty');

      await page.getByRole('link', { name: 'Lists' }).click();
      await page.getByLabel('Name').fill('Core');
      await page.getByLabel('Description').fill('What everything runs on');
      await page.getByRole('button', { name: 'Create list' }).click();
      assert.match(await flash(), /List Core created/);
      await check('lists');

      await page.getByRole('link', { name: 'Services' }).click();
      await page.getByRole('button', { name: 'Create service' }).click();
      assert.match((await page.locator('#new-svc-name-error').textContent()) ?? '', /Name is required/);
      // The field itself shows it too: a thicker border in the danger colour.
      assert.deepEqual(
        await page
          .getByLabel('Name')
          .evaluate((el) => [getComputedStyle(el).borderTopColor, getComputedStyle(el).borderTopWidth]),
        ['rgb(179, 38, 30)', '2px'],
      );
      await check('services-error');
      await page.getByLabel('Name').fill('API');
      await page.getByLabel('Description').fill('The public REST API');
      await page.getByLabel('List').selectOption('core');
      await page.getByRole('button', { name: 'Create service' }).click();
      assert.match(await flash(), /Service API created/);
      await check('services');

      await page.getByRole('link', { name: 'Statuses' }).click();
      await check('statuses');
      await page.getByRole('link', { name: 'New status' }).click();
      await page.getByLabel('Name').fill('Maintenance');
      await page.getByLabel('Description').fill('Planned work in progress');
      await page.getByLabel('Level').selectOption('WARNING');
      await page.getByRole('radio', { name: 'wrench' }).check();
      await check('status-new');
      await page.getByRole('button', { name: 'Create status' }).click();
      assert.match(await flash(), /Status Maintenance created/);

      await page.getByRole('link', { name: 'Dashboard' }).click();
      // A healthy service is one line: a tap opens its short form.
      await page.locator('#svc-api summary').click();
      const card = page.locator('#svc-api');
      await card.getByRole('radio', { name: 'Down' }).check();
      await card.getByLabel('Message').fill('Elevated error rates on writes');
      await check('dashboard');
      await card.getByRole('button', { name: 'Post' }).click();
      assert.match(await flash(), /Status posted for API/);
      assert.match(
        (await page.getByRole('region', { name: 'API' }).locator('.current').textContent()) ?? '',
        /Down[\s\S]*Elevated error rates/,
      );

      await page.goto(`${server.url}/`);
      assert.match((await page.locator('body').textContent()) ?? '', /Elevated error rates on writes/);
      await page.screenshot({ path: new URL(`admin-public-page-${backend}.png`, ARTIFACTS).pathname, fullPage: true });
      const current = (await (await fetch(`${server.url}/api/v1/services/api/events/current`)).json()) as {
        status: { id: string };
        message: string;
      };
      assert.equal(current.status.id, 'down');

      await page.goto(`${server.url}/admin`);
      const card2 = page.getByRole('region', { name: 'API' });
      await card2.getByLabel('Message').fill('We are rolling back a deploy');
      await card2.getByLabel('Note only').check();
      await card2.getByRole('button', { name: 'Post' }).click();
      assert.match(await flash(), /Note posted for API/);
      const note = (await (await fetch(`${server.url}/api/v1/services/api/events/current`)).json()) as {
        status: { id: string };
        informational: boolean;
      };
      assert.deepEqual([note.status.id, note.informational], ['down', true]);

      await page.getByRole('region', { name: 'API' }).getByRole('link', { name: 'Updates of API' }).click();
      await check('events');
      await page
        .getByRole('link', { name: /^Delete/ })
        .first()
        .click();
      assert.match((await page.locator('main').textContent()) ?? '', /We are rolling back a deploy/);
      await check('event-delete');
      await page.getByRole('button', { name: 'Delete the event' }).click();
      assert.match(await flash(), /deleted/);
      const events = (await (await fetch(`${server.url}/api/v1/services/api/events`)).json()) as { events: unknown[] };
      assert.equal(events.events.length, 1);

      for (const [name, path] of [
        ['service-edit', '/admin/services/api'],
        ['service-delete', '/admin/services/api/delete'],
        ['list-edit', '/admin/lists/core'],
        ['status-edit', '/admin/statuses/maintenance'],
        ['users', '/admin/users'],
        ['settings', '/admin/settings'],
        ['account', '/admin/account'],
        ['audit', '/admin/audit'],
        ['oauth-regenerate', '/admin/credentials/oauth/regenerate'],
      ] as const) {
        await page.goto(`${server.url}${path}`);
        await check(name);
      }
      assert.match(
        (await page.goto(`${server.url}/admin/services/api/delete`).then(() => page.locator('main').textContent())) ??
          '',
        /1 event/,
      );

      // Monitoring: push URL, automation settings, a check, and a held recovery confirmed from the dashboard.
      await page.goto(`${server.url}/admin/services/api`);
      await page.getByRole('link', { name: 'Monitoring of API' }).click();
      await check('monitoring-empty');
      await page.getByRole('button', { name: 'Create a push URL' }).click();
      assert.match(await page.locator('section.secret').innerText(), /shown only this once/);
      const pushUrl = (await page.locator('code.url').textContent()) ?? '';
      assert.match(pushUrl, /\/api\/push\//);
      await page.getByLabel('Recovery needs a human').check();
      await page.getByRole('button', { name: 'Save automation settings' }).click();
      assert.match(await flash(), /Automation settings of API saved/);
      await page.getByLabel('Name', { exact: true }).fill('api-http');
      await page.getByLabel('Target').fill('https://api.example.com/health');
      await page.getByLabel('Interval (seconds)').fill('5');
      await page.getByRole('button', { name: 'Create check' }).click();
      assert.match((await page.locator('#check-interval-error').textContent()) ?? '', /at least|from 10/);
      assert.equal(await page.getByLabel('Target').inputValue(), 'https://api.example.com/health');
      await check('monitoring-error');
      await page.getByLabel('Interval (seconds)').fill('60');
      await page.getByRole('button', { name: 'Create check' }).click();
      assert.match(await flash(), /Check api-http created/);
      // The push URL (with its examples) was shown once, when made; now the page only says it exists.
      assert.match(await page.locator('#push').locator('..').innerText(), /shown once, when it was made/);
      await check('monitoring');
      await page.getByRole('link', { name: 'Edit api-http' }).click();
      await check('check-edit');
      await page.goto(`${server.url}/admin/services/api/monitoring/push/regenerate`);
      await check('push-regenerate');
      const pushed = (await (await fetch(`${pushUrl}?status=up&msg=Looks+fine`)).json()) as { outcome: string };
      assert.equal(pushed.outcome, 'noted');
      await page.goto(`${server.url}/admin`);
      const held = page.getByRole('region', { name: 'API' });
      assert.match((await held.locator('.hold').textContent()) ?? '', /Recovery waiting for confirmation since/);
      await check('dashboard-hold');
      await held.getByRole('button', { name: 'Confirm recovery of API' }).click();
      assert.match(await flash(), /Recovery of API confirmed/);
      const recovered = (await (await fetch(`${server.url}/api/v1/services/api/events/current`)).json()) as {
        status: { id: string };
      };
      assert.equal(recovered.status.id, 'up');

      await page.goto(`${server.url}/admin/credentials`);
      await page.getByLabel('Name').fill('uptime checker');
      await page.getByRole('button', { name: 'Create token' }).click();
      const secret = (await page.locator('.secret p code').first().textContent()) ?? '';
      assert.match(secret, /^sb_/);
      await check('credentials-token');
      const viaToken = await fetch(`${server.url}/admin/api/v1/services/api/events`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      assert.equal(viaToken.status, 200);

      await page.goto(`${server.url}/admin/audit`);
      const audit = (await page.locator('main').textContent()) ?? '';
      for (const action of [
        'setup.completed',
        'login.succeeded',
        'event.created',
        'event.deleted',
        'token.created',
        'token.used',
      ]) {
        assert.ok(audit.includes(action), `audit log lacks ${action}`);
      }
      await page.getByLabel('What', { exact: true }).selectOption('event');
      await page.getByRole('button', { name: 'Filter' }).click();
      const filtered = (await page.locator('tbody').textContent()) ?? '';
      assert.ok(filtered.includes('event.created') && !filtered.includes('login.succeeded'));
      await check('audit-filtered');

      await page.getByRole('button', { name: 'Log out' }).click();
      assert.equal(new URL(page.url()).pathname, '/admin/login');
      assert.match(await flash(), /logged out/);
      await page.goto(`${server.url}/admin/services`);
      assert.equal(new URL(page.url()).pathname, '/admin/login');
      assert.deepEqual(problems, []);
    });
  });
}
