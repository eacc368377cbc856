import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { getSiteSettings, updateSiteSettings, resetSiteSettings } from '../src/services/site-settings.ts';
import type { Change } from '../src/changes/bus.ts';

const ADMIN = { kind: 'cli', name: 'test', scope: 'admin' } as const;
const EVENTS_ONLY = { kind: 'token', name: 'monitor', scope: 'events' } as const;

describe('site settings from flags and environment', () => {
  it('takes flags over environment over defaults, and validates', () => {
    const config = loadConfig(
      { database: ':memory:', 'site-name': 'Flag Status', 'history-days': '30' },
      { SITE_NAME: 'Env Status', SITE_TIME_ZONE: 'Europe/Berlin', SITE_URL: 'https://status.example.com/' },
    );
    assert.equal(config.site.siteName, 'Flag Status');
    assert.equal(config.site.historyDays, 30);
    assert.equal(config.site.timeZone, 'Europe/Berlin');
    assert.equal(config.site.siteUrl, 'https://status.example.com');
    assert.equal(config.site.logoUrl, null);
    assert.equal(loadConfig({}, {}).site.historyDays, 90);
    assert.throws(() => loadConfig({ 'history-days': '4' }, {}), ConfigError);
    assert.throws(() => loadConfig({}, { SITE_TIME_ZONE: 'Mars/Olympus' }), /IANA/);
    assert.throws(() => loadConfig({}, { SITE_LOGO_URL: 'javascript:alert(1)' }), ConfigError);
    assert.throws(() => loadConfig({}, { SITE_REPORT_PROBLEM_URL: 'ftp://x' }), ConfigError);
    assert.equal(
      loadConfig({}, { SITE_REPORT_PROBLEM_URL: 'mailto:ops@example.com' }).site.reportProblemUrl,
      'mailto:ops@example.com',
    );
  });
});

for (const backend of BACKENDS) {
  describe(`site settings in the database (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { env: { SITE_NAME: 'Acme Status', SITE_HISTORY_DAYS: '30' } });
    });
    after(async () => t.close());

    it('returns the configured defaults when nothing is stored', async () => {
      const settings = await getSiteSettings(t.ctx);
      assert.equal(settings.siteName, 'Acme Status');
      assert.equal(settings.historyDays, 30);
      assert.equal(settings.timeZone, 'UTC');
    });

    it('stores overrides, publishes a settings notice, and merges them over the defaults', async () => {
      const seen: Change[] = [];
      const stop = t.ctx.changes.subscribe((c) => seen.push(c));
      const updated = await updateSiteSettings(t.ctx, ADMIN, { siteName: 'Renamed', timeZone: 'America/New_York' });
      stop();
      assert.equal(updated.siteName, 'Renamed');
      assert.equal(updated.historyDays, 30);
      assert.deepEqual(seen, [{ topic: 'settings', action: 'updated', slug: 'site' }]);
      const again = await updateSiteSettings(t.ctx, ADMIN, { historyDays: '14' });
      assert.equal(again.siteName, 'Renamed');
      assert.equal(again.historyDays, 14);
      assert.equal((await getSiteSettings(t.ctx)).timeZone, 'America/New_York');
    });

    it('refuses invalid values and unknown keys, and changes nothing', async () => {
      const before = await getSiteSettings(t.ctx);
      const bad: Array<Record<string, unknown>> = [
        { historyDays: 4 },
        { historyDays: 'ninety' },
        { timeZone: 'Nowhere/Special' },
        { siteName: '' },
        { logoUrl: 'javascript:alert(1)' },
        { siteUrl: '/relative' },
        { colour: 'red' },
      ];
      for (const partial of bad) {
        await assert.rejects(updateSiteSettings(t.ctx, ADMIN, partial), { name: 'Invalid' }, JSON.stringify(partial));
      }
      await assert.rejects(updateSiteSettings(t.ctx, EVENTS_ONLY, { siteName: 'x' }), { name: 'Forbidden' });
      assert.deepEqual(await getSiteSettings(t.ctx), before);
    });

    it('clears a URL with null and resets to the defaults', async () => {
      await updateSiteSettings(t.ctx, ADMIN, { logoUrl: '/logo.svg' });
      assert.equal((await getSiteSettings(t.ctx)).logoUrl, '/logo.svg');
      await updateSiteSettings(t.ctx, ADMIN, { logoUrl: null });
      assert.equal((await getSiteSettings(t.ctx)).logoUrl, null);
      await resetSiteSettings(t.ctx, ADMIN);
      assert.deepEqual(await getSiteSettings(t.ctx), t.config.site);
    });
  });
}

for (const backend of BACKENDS) {
  describe(`the about text (${backend})`, () => {
    it('is shown on the front page at once, escaped, in paragraphs; empty removes it', async () => {
      const t = await startTestApp(backend);
      try {
        assert.doesNotMatch((await t.inject({ method: 'GET', url: '/' })).body, /class="about"/);
        await updateSiteSettings(t.ctx, ADMIN, { about: 'We run <b>Acme</b> & friends.\n\nSecond paragraph.' });
        const page = (await t.inject({ method: 'GET', url: '/' })).body;
        assert.match(
          page,
          /<div class="about"><p>We run &lt;b&gt;Acme&lt;\/b&gt; &amp; friends.<\/p><p>Second paragraph.<\/p><\/div>/,
        );
        await assert.rejects(
          updateSiteSettings(t.ctx, ADMIN, { about: 'x'.repeat(2001) }),
          /about is longer than 2000/,
        );
        await updateSiteSettings(t.ctx, ADMIN, { about: '' });
        assert.equal((await getSiteSettings(t.ctx)).about, null);
        assert.doesNotMatch((await t.inject({ method: 'GET', url: '/' })).body, /class="about"/);
      } finally {
        await t.close();
      }
    });
  });
}
