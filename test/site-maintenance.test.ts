import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { updateSiteSettings } from '../src/services/site-settings.ts';
import { runMaintenanceTransitions } from '../src/services/maintenances.ts';

const NOW = Date.UTC(2026, 2, 5, 9, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

for (const backend of BACKENDS) {
  describe(`scheduled maintenance on the public site and calendar (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    let activeId = '';
    let soonId = '';
    before(async () => {
      clock = new TestClock(NOW);
      t = await startTestApp(backend, { clock });
      await updateSiteSettings(t.ctx, { kind: 'cli', name: 'test', scope: 'admin' }, { timeZone: 'Europe/Berlin' });
      for (const name of ['Email', 'Website', 'Search'])
        assert.equal((await t.post('/services', { name, description: name })).statusCode, 201);
      for (const s of ['email', 'website', 'search'])
        await t.post(`/services/${s}/events`, { status: 'up', message: 'ok' });
      const make = async (name: string, services: string, from: number, until: number, body: string) => {
        const res = await t.post('/maintenances', {
          name,
          body,
          services,
          scheduled_for: iso(from),
          scheduled_until: iso(until),
        });
        assert.equal(res.statusCode, 201, res.body);
        return res.json().id as string;
      };
      activeId = await make('Email relay <upgrade>', 'email', NOW + HOUR, NOW + 3 * HOUR, 'Mail may be <b>late</b>.');
      soonId = await make('Search reindex', 'search', NOW + 3 * DAY, NOW + 3 * DAY + HOUR, 'Search may be slow.');
      await make('Far away', 'website', NOW + 10 * DAY, NOW + 10 * DAY + HOUR, 'Later.');
      clock.current = NOW + HOUR;
      assert.equal(await runMaintenanceTransitions(t.ctx, clock.now()), 1);
      await t.post(`/maintenances/${activeId}/updates`, { body: 'Relay 1 of 2 upgraded.' });
    });
    after(async () => t.close());

    const page = (url: string) => t.inject({ method: 'GET', url });

    it('front page: a blue maintenance card above the services with the window in the site zone and the latest update', async () => {
      const body = (await page('/')).body;
      const start = body.indexOf('class="maintenance-card"');
      assert.ok(start > 0, 'an active maintenance card');
      const card = body.slice(start, body.indexOf('</article>', start));
      assert.match(card, /Email relay &lt;upgrade&gt;/);
      assert.match(card, /Maintenance · In progress/);
      assert.match(card, /Relay 1 of 2 upgraded\./);
      // 10:00Z is 11:00 in Berlin (CET), shown with the zone.
      assert.match(card, /5 Mar 2026, 11:00 CET/);
      assert.match(card, /\(Europe\/Berlin\)/);
      assert.ok(start < body.indexOf('id="svc-email"'), 'above the services');
      const row = body.slice(body.indexOf('id="svc-email"'), body.indexOf('</li>', body.indexOf('id="svc-email"')));
      assert.match(row, /Under maintenance/);
      const other = body.slice(
        body.indexOf('id="svc-website"'),
        body.indexOf('</li>', body.indexOf('id="svc-website"')),
      );
      assert.doesNotMatch(other, /Under maintenance/);
    });

    it('announces maintenance of the next 7 days with "in 3 days" and the zone; not later ones', async () => {
      const body = (await page('/')).body;
      const start = body.indexOf('class="maintenance-card upcoming"');
      assert.ok(start > 0);
      const card = body.slice(start, body.indexOf('</article>', start));
      assert.match(card, /Search reindex/);
      assert.match(card, /in 3 days/);
      assert.match(card, /8 Mar 2026, 10:00 CET/);
      assert.doesNotMatch(body, /Far away/);
    });

    it('/incidents/{id} shows a maintenance: window, services, updates newest first (escaped)', async () => {
      const res = await page(`/incidents/${activeId}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h1>Email relay &lt;upgrade&gt;<\/h1>/);
      assert.match(res.body, /Mail may be &lt;b&gt;late&lt;\/b&gt;\./);
      assert.ok(res.body.indexOf('Relay 1 of 2') < res.body.indexOf('Mail may be'));
      assert.equal((await page('/incidents/zzzzzzzzzzzz')).statusCode, 404);
    });

    it('/maintenance.ics parses with an independent parser: one event per scheduled or active window', async () => {
      const res = await page('/maintenance.ics');
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/calendar/);
      assert.ok(res.headers.etag);
      const cal = new ICAL.Component(ICAL.parse(res.body));
      assert.equal(cal.name, 'vcalendar');
      assert.equal(cal.getFirstPropertyValue('version'), '2.0');
      assert.ok(cal.getFirstPropertyValue('prodid'));
      const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
      assert.deepEqual(events.map((e) => e.summary).sort(), ['Email relay <upgrade>', 'Far away', 'Search reindex']);
      const search = events.find((e) => e.summary === 'Search reindex')!;
      assert.equal(search.startDate.toJSDate().getTime(), NOW + 3 * DAY);
      assert.equal(search.endDate.toJSDate().getTime(), NOW + 3 * DAY + HOUR);
      assert.equal(search.uid, `${soonId}@localhost`);
      assert.match(search.description, /Search may be slow\./);

      // The window moves: same UID, new times, higher SEQUENCE.
      clock.advance(60_000);
      await t.post(`/maintenances/${soonId}`, {
        scheduled_for: iso(NOW + 4 * DAY),
        scheduled_until: iso(NOW + 4 * DAY + 2 * HOUR),
      });
      const moved = new ICAL.Component(ICAL.parse((await page('/maintenance.ics')).body))
        .getAllSubcomponents('vevent')
        .map((v) => new ICAL.Event(v))
        .find((e) => e.uid === `${soonId}@localhost`)!;
      assert.equal(moved.startDate.toJSDate().getTime(), NOW + 4 * DAY);
      assert.equal(moved.endDate.toJSDate().getTime(), NOW + 4 * DAY + 2 * HOUR);
      assert.ok(moved.sequence > search.sequence);

      // A completed window leaves the calendar.
      await t.post(`/maintenances/${activeId}/updates`, { status: 'completed', body: 'Done.' });
      const after = new ICAL.Component(ICAL.parse((await page('/maintenance.ics')).body)).getAllSubcomponents('vevent');
      assert.equal(after.length, 2);
    });
  });
}
