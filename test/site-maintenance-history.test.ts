import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { updateSiteSettings } from '../src/services/site-settings.ts';
import { runMaintenanceTransitions } from '../src/services/maintenances.ts';

// 5 March 2026 in Berlin.
const NOW = Date.UTC(2026, 2, 5, 9, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

for (const backend of BACKENDS) {
  describe(`/history lists past maintenances beside past incidents (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    const ids: Record<string, string> = {};
    before(async () => {
      // Start in February, so a window can be scheduled there and completed.
      clock = new TestClock(NOW - 30 * DAY);
      t = await startTestApp(backend, { clock });
      await updateSiteSettings(t.ctx, { kind: 'cli', name: 'test', scope: 'admin' }, { timeZone: 'Europe/Berlin' });
      for (const name of ['Email', 'Website'])
        assert.equal((await t.post('/services', { name, description: name })).statusCode, 201);
      const make = async (name: string, from: number, until: number) => {
        const res = await t.post('/maintenances', {
          name,
          body: `${name}: planned.`,
          services: 'email',
          scheduled_for: iso(from),
          scheduled_until: iso(until),
        });
        assert.equal(res.statusCode, 201, res.body);
        return res.json().id as string;
      };
      // 28 Feb 23:30 UTC is 1 March 00:30 in Berlin: a March maintenance by the site's calendar.
      ids.february = await make('February DB upgrade', NOW - 20 * DAY, NOW - 20 * DAY + HOUR);
      ids.edge = await make('Midnight work', Date.UTC(2026, 1, 28, 23, 30), Date.UTC(2026, 2, 1, 0, 30));
      ids.march = await make('March relay upgrade', NOW - HOUR, NOW + HOUR);
      ids.later = await make('Next week', NOW + 7 * DAY, NOW + 7 * DAY + HOUR);
      clock.current = NOW - 20 * DAY;
      await runMaintenanceTransitions(t.ctx, clock.now());
      clock.current = NOW - 20 * DAY + HOUR;
      await runMaintenanceTransitions(t.ctx, clock.now());
      clock.current = Date.UTC(2026, 2, 1, 0, 30);
      await runMaintenanceTransitions(t.ctx, clock.now());
      clock.current = NOW - HOUR;
      await runMaintenanceTransitions(t.ctx, clock.now());
      clock.current = NOW - 30 * 60_000;
      const incident = await t.post('/incidents', { name: 'Website errors', body: 'Looking.', services: 'website' });
      assert.equal(incident.statusCode, 201, incident.body);
      ids.incident = incident.json().id;
      clock.current = NOW;
    });
    after(async () => t.close());

    const section = (body: string, id: string) => {
      const start = body.indexOf(`id="${id}"`);
      return body.slice(start, body.indexOf('</section>', start));
    };

    it('each month holds its incidents and its started or completed maintenances, newest first', async () => {
      const res = await t.inject({ method: 'GET', url: '/history' });
      assert.equal(res.statusCode, 200);
      const march = section(res.body, 'm-2026-3');
      const order = [ids.incident, ids.march, ids.edge].map((id) => march.indexOf(`href="/incidents/${id}"`));
      assert.ok(
        order.every((i) => i > 0),
        `all three in March: ${order}`,
      );
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        order,
        'newest first',
      );
      assert.match(march, /Maintenance · In progress/);
      assert.match(march, /Maintenance · Completed/);
      assert.match(march, /\(Europe\/Berlin\)/);
      assert.doesNotMatch(res.body, /Next week/, 'a scheduled maintenance is not history');
      const february = section(res.body, 'm-2026-2');
      assert.match(february, new RegExp(`href="/incidents/${ids.february}">February DB upgrade</a>`));
      assert.doesNotMatch(february, /No incidents reported/);
      assert.match(section(res.body, 'm-2026-1'), /No incidents reported/);
      const older = await t.inject({ method: 'GET', url: '/history?page=2' });
      assert.doesNotMatch(older.body, /February DB upgrade/);
    });

    it('the permalink of a past maintenance is /incidents/{id}', async () => {
      const res = await t.inject({ method: 'GET', url: `/incidents/${ids.february}` });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h1>February DB upgrade<\/h1>/);
      assert.match(res.body, /The scheduled maintenance has been completed\./);
    });
  });
}
