import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { loggedIn, type AdminClient } from './support/admin-client.ts';
import { updateSiteSettings } from '../src/services/site-settings.ts';
import { runMaintenanceTransitions } from '../src/services/maintenances.ts';

// Thursday 5 March 2026, 10:20 in Berlin (09:20 UTC).
const NOW = Date.UTC(2026, 2, 5, 9, 20, 0);

for (const backend of BACKENDS) {
  describe(`admin site maintenance (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    let editor: AdminClient;
    before(async () => {
      clock = new TestClock(NOW);
      t = await startTestApp(backend, { clock });
      await updateSiteSettings(t.ctx, { kind: 'cli', name: 'test', scope: 'admin' }, { timeZone: 'Europe/Berlin' });
      for (const name of ['API', 'Website', 'Email']) await t.post('/services', { name, description: name });
      for (const s of ['api', 'website', 'email'])
        await t.post(`/services/${s}/events`, { status: 'up', message: 'ok' });
      editor = await loggedIn(t, 'editor@example.com', 'editor');
    });
    after(async () => t.close());

    const postForm = (url: string, entries: Array<[string, string]>, csrf = editor.csrf) =>
      t.inject({
        method: 'POST',
        url,
        remoteAddress: editor.address,
        payload: new URLSearchParams([['_csrf', csrf], ...entries]).toString(),
        headers: {
          cookie: [...editor.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'content-type': 'application/x-www-form-urlencoded',
        },
      });
    const api = async (id: string) => (await t.get(`/maintenances/${id}`)).json();
    const good: Array<[string, string]> = [
      ['name', 'Email relay upgrade'],
      ['services', 'email'],
      ['services', 'api'],
      ['start_date', '2026-03-07'],
      ['start_time', '02:00'],
      ['end_date', '2026-03-07'],
      ['end_time', '04:30'],
      ['body', 'Outbound email may be delayed.'],
      ['auto_start', 'true'],
      ['auto_complete', 'true'],
      ['notify', 'true'],
    ];
    const without = (names: string[]) => good.filter(([k]) => !names.includes(k));
    let id = '';

    it('is in the navigation, for editors too, and the form is prefilled with the next hour in the site zone', async () => {
      const dash = await editor.get('/admin');
      assert.match(dash.body, /<a href="\/admin\/maintenance"[^>]*>Maintenance<\/a>/);
      assert.match(dash.body, /<h2 id="maintenance-title">Maintenance<\/h2>/);
      assert.match(dash.body, /Nothing in progress or scheduled/);
      const form = await editor.get('/admin/maintenance/new');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Starts <span class="zone">\(Europe\/Berlin\)<\/span>/);
      assert.match(form.body, /id="mnt-start_date" name="start_date" type="date" value="2026-03-05"/);
      assert.match(form.body, /id="mnt-start_time" name="start_time" type="time" value="11:00"/);
      assert.match(form.body, /id="mnt-end_time" name="end_time" type="time" value="12:00"/);
      assert.match(form.body, /id="mnt-auto_start" name="auto_start" value="true" checked/);
      assert.match(form.body, /id="mnt-notify" name="notify" value="true" checked/);
    });

    it('refuses a form without a CSRF token', async () => {
      const res = await postForm('/admin/maintenance', good, 'wrong');
      assert.equal(res.statusCode, 403);
      assert.deepEqual((await t.get('/maintenances')).json().maintenances, []);
    });

    it('shows every error at once next to its field, with human names, and keeps what was typed', async () => {
      const res = await postForm('/admin/maintenance', [
        ['name', ''],
        ['start_date', '2026-02-30'],
        ['start_time', ''],
        ['end_date', '2026-03-07'],
        ['end_time', '25:00'],
        ['body', 'Typed message'],
      ]);
      assert.equal(res.statusCode, 400);
      for (const [field, message] of [
        ['name', 'Name is required'],
        ['services', 'Choose at least one affected service'],
        ['start_date', 'Start date must be a date like 2026-03-05'],
        ['start_time', 'Start time is required'],
        ['end_time', 'End time must be a time like 14:30'],
      ])
        assert.match(res.body, new RegExp(`<span class="error" id="mnt-${field}-error">${message}</span>`), field);
      assert.match(res.body, /<h2>Please fix these<\/h2>/);
      assert.match(res.body, /<a href="#mnt-start_time">Start time is required<\/a>/);
      assert.match(res.body, /Typed message<\/textarea>/);
      assert.match(res.body, /value="2026-02-30"/);
      assert.deepEqual((await t.get('/maintenances')).json().maintenances, []);
    });

    it('refuses a start in the past and an end before the start, naming the field', async () => {
      const past = await postForm('/admin/maintenance', [
        ...without(['start_date', 'start_time']),
        ['start_date', '2026-03-05'],
        ['start_time', '09:00'],
      ]);
      assert.equal(past.statusCode, 400);
      assert.match(past.body, /id="mnt-start_date-error">The start is in the past/);
      assert.match(past.body, /value="email"\s+id="mnt-svc-\d+"\s+checked/);
      const backwards = await postForm('/admin/maintenance', [...without(['end_time']), ['end_time', '01:00']]);
      assert.equal(backwards.statusCode, 400);
      assert.match(backwards.body, /id="mnt-end_date-error">The end must be after the start/);
      assert.deepEqual((await t.get('/maintenances')).json().maintenances, []);
    });

    it('schedules a maintenance in the site zone and shows it', async () => {
      const res = await postForm('/admin/maintenance', good);
      assert.equal(res.statusCode, 303, res.body);
      const url = String(res.headers.location);
      id = url.split('/').pop()!;
      const m = await api(id);
      assert.equal(m.status, 'scheduled');
      assert.equal(m.scheduled_for, '2026-03-07T01:00:00.000Z');
      assert.equal(m.scheduled_until, '2026-03-07T03:30:00.000Z');
      assert.deepEqual(m.services, ['api', 'email']);
      assert.equal(m.incident_updates[0].body, 'Outbound email may be delayed.');
      assert.equal(m.incident_updates[0].deliver_notifications, true);
      const page = await editor.get(url);
      assert.match(page.body, /<span class="maint-stage maint-scheduled">Scheduled<\/span>/);
      assert.match(
        page.body,
        /7 Mar 2026, 02:00<\/time> – <time[^>]*>7 Mar 2026, 04:30<\/time>\s*<span class="muted">\(Europe\/Berlin\)/,
      );
      assert.match(page.body, />Start now</);
      assert.match(page.body, />Cancel the maintenance</);
      assert.doesNotMatch(page.body, />Complete now</);
      const dash = await editor.get('/admin');
      assert.match(dash.body, new RegExp(`<a href="/admin/maintenance/${id}">Email relay upgrade</a>`));
    });

    it('edits the window and the services until it completes; errors come back on the edit form', async () => {
      const bad = await postForm(`/admin/maintenance/${id}/edit`, [
        ['name', 'Email relay upgrade'],
        ['start_date', '2026-03-07'],
        ['start_time', '02:00'],
        ['end_date', '2026-03-07'],
        ['end_time', '01:00'],
        ['auto_start', 'true'],
        ['auto_complete', 'true'],
      ]);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /id="edit-services-error">Choose at least one affected service/);
      assert.match(bad.body, /id="edit-end_date-error">The end must be after the start/);
      const res = await postForm(`/admin/maintenance/${id}/edit`, [
        ['name', 'Email relay upgrade (longer)'],
        ['services', 'email'],
        ['start_date', '2026-03-07'],
        ['start_time', '02:00'],
        ['end_date', '2026-03-07'],
        ['end_time', '06:00'],
        ['auto_start', 'true'],
      ]);
      assert.equal(res.statusCode, 303, res.body);
      const m = await api(id);
      assert.equal(m.name, 'Email relay upgrade (longer)');
      assert.equal(m.scheduled_until, '2026-03-07T05:00:00.000Z');
      assert.deepEqual(m.services, ['email']);
      assert.equal(m.scheduled_auto_completed, false, 'an unticked box turns automatic completion off');
    });

    it('starts now, refuses a second start with a clear 409, takes a note and completes', async () => {
      const start = await postForm(`/admin/maintenance/${id}/start`, []);
      assert.equal(start.statusCode, 303);
      assert.equal((await api(id)).status, 'in_progress');
      const again = await postForm(`/admin/maintenance/${id}/start`, []);
      assert.equal(again.statusCode, 409);
      assert.match(again.body, /The maintenance is in progress: only a scheduled maintenance can be started/);
      const cancel = await postForm(`/admin/maintenance/${id}/cancel`, []);
      assert.equal(cancel.statusCode, 409);
      const empty = await postForm(`/admin/maintenance/${id}/updates`, [
        ['stage', 'in_progress'],
        ['body', ''],
      ]);
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /id="upd-body-error">Message is required/);
      const back = await postForm(`/admin/maintenance/${id}/updates`, [
        ['stage', 'scheduled'],
        ['body', 'Back?'],
      ]);
      assert.equal(back.statusCode, 409);
      assert.match(back.body, /it cannot become scheduled/);
      assert.match(back.body, />Back\?<\/textarea>/);
      const note = await postForm(`/admin/maintenance/${id}/updates`, [
        ['stage', 'in_progress'],
        ['body', 'Relay 1 of 2 upgraded.'],
        ['notify', 'true'],
      ]);
      assert.equal(note.statusCode, 303);
      const list = await editor.get('/admin/maintenance');
      assert.match(
        list.body,
        /<h2 id="active-title">In progress<\/h2>\s*<ul class="maintenance-index">\s*<li>\s*<a href="\/admin\/maintenance\//,
      );
      const done = await postForm(`/admin/maintenance/${id}/complete`, []);
      assert.equal(done.statusCode, 303);
      const m = await api(id);
      assert.equal(m.status, 'completed');
      assert.deepEqual(
        m.incident_updates.map((u: { status: string }) => u.status),
        ['completed', 'in_progress', 'in_progress', 'scheduled'],
      );
      const page = await editor.get(`/admin/maintenance/${id}`);
      assert.match(page.body, /its window no longer moves/);
      assert.doesNotMatch(page.body, /action="\/admin\/maintenance\/[a-z0-9]+\/edit"/);
      const move = await postForm(`/admin/maintenance/${id}/edit`, [
        ['name', 'x'],
        ['services', 'email'],
        ['start_date', '2026-03-08'],
        ['start_time', '02:00'],
        ['end_date', '2026-03-08'],
        ['end_time', '03:00'],
      ]);
      assert.equal(move.statusCode, 409);
      assert.match(move.body, /is completed: its window can no longer move/);
      const completed = await editor.get('/admin/maintenance');
      assert.match(
        completed.body,
        /<h2 id="completed-title">Recently completed<\/h2>\s*<ul class="maintenance-index">/,
      );
    });

    it('cancels a scheduled maintenance; the automatic start then never happens', async () => {
      const res = await postForm('/admin/maintenance', [...without(['name']), ['name', 'Cancelled work']]);
      assert.equal(res.statusCode, 303);
      const other = String(res.headers.location).split('/').pop()!;
      assert.equal((await postForm(`/admin/maintenance/${other}/cancel`, [])).statusCode, 303);
      const m = await api(other);
      assert.equal(m.status, 'completed');
      assert.equal(m.incident_updates[0].body, 'This scheduled maintenance has been cancelled.');
      clock.current = Date.parse('2026-03-07T01:00:00Z');
      assert.equal(await runMaintenanceTransitions(t.ctx, clock.now()), 0);
      clock.current = NOW;
    });

    it('deletes a maintenance after a page that says what goes; an in-progress overlay ends at once', async () => {
      const res = await postForm('/admin/maintenance', [
        ...without(['name', 'services']),
        ['name', 'Mistaken work'],
        ['services', 'website'],
      ]);
      assert.equal(res.statusCode, 303);
      const other = String(res.headers.location).split('/').pop()!;
      assert.equal((await postForm(`/admin/maintenance/${other}/start`, [])).statusCode, 303);
      const website = async () =>
        (await t.inject({ method: 'GET', url: '/api/v2/components.json' }))
          .json()
          .components.find((c: { name: string }) => c.name === 'Website');
      assert.equal((await website()).status, 'under_maintenance');

      const shown = await editor.get(`/admin/maintenance/${other}`);
      assert.match(shown.body, new RegExp(`<a href="/admin/maintenance/${other}/delete">Delete</a>`));
      const confirm = await editor.get(`/admin/maintenance/${other}/delete`);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /<title>Delete Mistaken work\?/);
      assert.match(confirm.body, /also deletes <strong>2 updates<\/strong>/);
      assert.match(confirm.body, /It is in progress: its services stop showing “under maintenance” at once/);
      assert.match(confirm.body, new RegExp(`<form method="post" action="/admin/maintenance/${other}/delete"`));

      assert.equal((await postForm(`/admin/maintenance/${other}/delete`, [], 'wrong')).statusCode, 403);
      assert.equal((await t.get(`/maintenances/${other}`)).statusCode, 200, 'a refused form deletes nothing');
      const deleted = await postForm(`/admin/maintenance/${other}/delete`, []);
      assert.equal(deleted.statusCode, 303);
      assert.equal(deleted.headers.location, '/admin/maintenance');
      assert.equal((await t.get(`/maintenances/${other}`)).statusCode, 404);
      assert.equal((await website()).status, 'operational');
      assert.equal((await editor.get(`/admin/maintenance/${other}/delete`)).statusCode, 404);
    });

    it('an unknown maintenance is 404', async () => {
      assert.equal((await editor.get('/admin/maintenance/zzzzzzzzzzzz')).statusCode, 404);
      assert.equal((await postForm('/admin/maintenance/zzzzzzzzzzzz/start', [])).statusCode, 404);
    });
  });
}
