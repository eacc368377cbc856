import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { checkSiteSetting } from '../src/domain/site-settings.ts';
import { getSiteSettings, updateSiteSettings } from '../src/services/site-settings.ts';
import { Invalid } from '../src/domain/errors.ts';

const ADMIN = { kind: 'cli', name: 'test', scope: 'admin' } as const;

describe('URL settings', () => {
  it('refuses whitespace, line breaks, control characters and backslashes, naming the field', () => {
    const bad: Array<['logoUrl' | 'reportProblemUrl' | 'siteUrl', string]> = [
      ['logoUrl', '/\\evil.example/logo.png'],
      ['logoUrl', '/\\\\evil.example'],
      ['logoUrl', '//evil.example/logo.png'],
      ['logoUrl', '/logo.png\r\nX-Injected: 1'],
      ['logoUrl', 'https://example.com/a b.png'],
      ['logoUrl', 'https://example.com/\tx.png'],
      ['reportProblemUrl', 'https://example.com\\@evil.example/'],
      ['reportProblemUrl', 'mailto:ops@example.com\r\nBcc: all@example.com'],
      ['siteUrl', 'https://status.example.com\n'],
      ['siteUrl', 'https://status.example.com/\u0000'],
    ];
    for (const [key, value] of bad) {
      assert.throws(
        () => checkSiteSetting(key, value),
        (e: unknown) => e instanceof Invalid && e.field === key,
        JSON.stringify(value),
      );
    }
  });

  it('stores the parsed URL, as browsers will read it', () => {
    assert.equal(checkSiteSetting('logoUrl', '/img/../logo.png?v=1'), '/logo.png?v=1');
    assert.equal(checkSiteSetting('logoUrl', 'HTTPS://CDN.Example.com/logo.png'), 'https://cdn.example.com/logo.png');
    assert.equal(checkSiteSetting('reportProblemUrl', 'mailto:ops@example.com'), 'mailto:ops@example.com');
    assert.equal(checkSiteSetting('siteUrl', 'https://Status.Example.com/'), 'https://status.example.com');
  });
});

for (const backend of BACKENDS) {
  describe(`URL settings through the use case (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(async () => t.close());

    it('refuses a path that browsers read as another host, and changes nothing', async () => {
      await updateSiteSettings(t.ctx, ADMIN, { logoUrl: '/logo.png' });
      await assert.rejects(
        updateSiteSettings(t.ctx, ADMIN, { logoUrl: '/\\evil.example/x.png' }),
        (e: unknown) => e instanceof Invalid && e.field === 'logoUrl',
      );
      await assert.rejects(
        updateSiteSettings(t.ctx, ADMIN, { reportProblemUrl: 'https://example.com/\r\nx' }),
        (e: unknown) => e instanceof Invalid && e.field === 'reportProblemUrl',
      );
      const settings = await getSiteSettings(t.ctx);
      assert.equal(settings.logoUrl, '/logo.png');
      assert.equal(settings.reportProblemUrl, null);
      const page = await t.inject({ method: 'GET', url: '/' });
      assert.doesNotMatch(page.body, /evil\.example/);
    });
  });
}
