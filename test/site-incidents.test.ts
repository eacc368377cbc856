import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';

for (const backend of BACKENDS) {
  describe(`incidents on the public site (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    let openId = '';
    let pastId = '';
    before(async () => {
      clock = new TestClock(Date.UTC(2026, 2, 5, 9, 0, 0));
      t = await startTestApp(backend, { clock });
      for (const name of ['Alpha', 'Beta', 'Zulu'])
        assert.equal((await t.post('/services', { name, description: name })).statusCode, 201);
      for (const s of ['alpha', 'beta', 'zulu']) await t.post(`/services/${s}/events`, { status: 'up', message: 'ok' });
      clock.advance(3600_000);
      // A past incident, resolved two days ago.
      const past = await t.post('/incidents', {
        name: 'Beta <slow> & old',
        body: 'Beta was slow.',
        'components[beta]': 'warning',
      });
      pastId = past.json().id;
      clock.advance(600_000);
      await t.post(`/incidents/${pastId}/updates`, {
        status: 'resolved',
        body: 'Beta is fast again.',
        return_to_default: 'true',
      });
      clock.advance(2 * 86_400_000);
      const open = await t.post('/incidents', {
        name: 'Zulu is down',
        body: 'We are investigating <b>Zulu</b>.',
        'components[zulu]': 'down',
      });
      openId = open.json().id;
      clock.advance(12 * 60_000);
    });
    after(async () => t.close());

    const page = (url: string) => t.inject({ method: 'GET', url });

    it('front page: a card per unresolved incident with stage, latest update, time and services; affected first; banner names them', async () => {
      const res = await page('/');
      assert.equal(res.statusCode, 200);
      const body = res.body;
      const card = body.slice(body.indexOf('class="incident-card'), body.indexOf('</article>'));
      assert.match(card, /Zulu is down/);
      assert.match(card, /Critical impact/);
      assert.match(card, /<strong>Investigating<\/strong>/);
      assert.match(card, /We are investigating &lt;b&gt;Zulu&lt;\/b&gt;\./);
      assert.match(card, /12 minutes ago · 7 Mar 2026, 10:10 UTC/);
      assert.match(card, new RegExp(`href="/incidents/${openId}"`));
      assert.match(card, /Affected:/);
      assert.ok(
        body.indexOf('class="incident-card') < body.indexOf('id="svc-alpha"'),
        'the card is above the services',
      );
      assert.ok(body.indexOf('id="svc-zulu"') < body.indexOf('id="svc-alpha"'), 'the affected service comes first');
      assert.match(body, /<ul class="affected" aria-label="Affected services"><li><a href="#svc-zulu">Zulu<\/a>/);
      // Past incidents: the last 7 days.
      const past = body.slice(body.indexOf('id="past-title"'));
      assert.match(past, /Beta &lt;slow&gt; &amp; old/);
      assert.match(past, /Beta is fast again\./);
    });

    it('the permalink has the updates newest first, escaped, with Open Graph tags; unknown ids are 404', async () => {
      const res = await page(`/incidents/${pastId}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<meta property="og:title" content="Beta &lt;slow&gt; &amp; old" \/>/);
      assert.match(
        res.body,
        new RegExp(`<meta property="og:url" content="http://localhost:80/incidents/${pastId}" />`),
      );
      assert.ok(res.body.indexOf('Beta is fast again.') < res.body.indexOf('Beta was slow.'));
      assert.match(res.body, /Affected services/);
      assert.equal((await page('/incidents/zzzzzzzzzzzz')).statusCode, 404);
      assert.equal((await page('/incidents/nope')).statusCode, 404);
    });

    it('/history lists incidents by month, three months a page, "No incidents reported" for empty months', async () => {
      const res = await page('/history');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /March 2026/);
      assert.match(res.body, /February 2026/);
      assert.match(res.body, /January 2026/);
      assert.match(res.body, /Zulu is down/);
      assert.equal((res.body.match(/No incidents reported/g) ?? []).length, 2);
      const older = await page('/history?page=2');
      assert.match(older.body, /December 2025/);
      assert.doesNotMatch(older.body, /Zulu is down/);
      for (const bad of ['0', '1001', 'x']) assert.equal((await page(`/history?page=${bad}`)).statusCode, 404);
    });

    it('/history.rss and /history.atom list incidents with every update, newest first', async () => {
      const rss = await page('/history.rss');
      assert.equal(rss.statusCode, 200);
      assert.match(String(rss.headers['content-type']), /application\/rss\+xml/);
      assert.ok(rss.body.indexOf('Zulu is down') < rss.body.indexOf('Beta &lt;slow&gt;'));
      assert.match(rss.body, new RegExp(`<guid isPermaLink="true">http://localhost:80/incidents/${pastId}</guid>`));
      assert.match(rss.body, /Resolved - Beta is fast again\.\n\nInvestigating - Beta was slow\./);
      const atom = await page('/history.atom');
      assert.equal(atom.statusCode, 200);
      assert.match(atom.body, new RegExp(`<id>http://localhost:80/incidents/${openId}</id>`));
    });

    it('the card goes when the incident is resolved (the page cache is dropped)', async () => {
      assert.match((await page('/')).body, /class="incident-card/);
      await t.post(`/incidents/${openId}/updates`, {
        status: 'resolved',
        body: 'Zulu is back.',
        return_to_default: 'true',
      });
      const body = (await page('/')).body;
      assert.doesNotMatch(body, /class="incident-card/);
      assert.match(body.slice(body.indexOf('id="past-title"')), /Zulu is down/);
    });
  });
}
