import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { loggedIn, type AdminClient } from './support/admin-client.ts';
import { postEvent } from '../src/services/events.ts';

for (const backend of BACKENDS) {
  describe(`admin site incidents (${backend})`, () => {
    let t: TestApp;
    let editor: AdminClient;
    before(async () => {
      t = await startTestApp(backend, { clock: new TestClock(Date.UTC(2026, 2, 5, 9, 0, 0)) });
      for (const name of ['API', 'Website', 'Email']) await t.post('/services', { name, description: name });
      for (const s of ['api', 'website', 'email'])
        await t.post(`/services/${s}/events`, { status: 'up', message: 'ok' });
      editor = await loggedIn(t, 'editor@example.com', 'editor');
    });
    after(async () => t.close());

    const postForm = (url: string, entries: Array<[string, string]>) =>
      t.inject({
        method: 'POST',
        url,
        remoteAddress: editor.address,
        payload: new URLSearchParams([['_csrf', editor.csrf], ...entries]).toString(),
        headers: {
          cookie: [...editor.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'content-type': 'application/x-www-form-urlencoded',
        },
      });

    it('suggests an incident when automation takes a service to an outage no open incident covers', async () => {
      await postEvent(t.ctx, { kind: 'automation', name: 'check:api-http', scope: 'check' }, 'email', {
        status: 'down',
        message: 'HTTP 503 from https://mail.example',
      });
      const page = await editor.get('/admin');
      assert.match(page.body, /Automation set <strong>Email<\/strong> to Down/);
      assert.match(page.body, /href="\/admin\/incidents\/new\?service=email&amp;status=down&amp;message=HTTP%20503/);
      const form = await editor.get('/admin/incidents/new?service=email&status=down&message=HTTP%20503%20from%20x');
      assert.match(form.body, /value="email"\s+id="inc-svc-\d+"\s+checked/);
      assert.match(form.body, /HTTP 503 from x<\/textarea>/);
      // The service in trouble is listed first.
      assert.ok(form.body.indexOf('value="email"') < form.body.indexOf('value="api"'));
    });

    it('keeps what was typed and shows the error next to the field', async () => {
      const res = await postForm('/admin/incidents', [
        ['name', ''],
        ['services', 'api'],
        ['status', 'down'],
        ['stage', 'investigating'],
        ['body', 'Typed message'],
      ]);
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /<span class="error" id="inc-name-error">Name is required<\/span>/);
      assert.match(res.body, /Typed message<\/textarea>/);
      assert.match(res.body, /value="api"\s+id="inc-svc-\d+"\s+checked/);
    });

    it('opens an incident on two services with one message, then updates, corrects and resolves it', async () => {
      const res = await postForm('/admin/incidents', [
        ['name', 'Checkout failing'],
        ['services', 'api'],
        ['services', 'website'],
        ['status', 'down'],
        ['status_website', 'warning'],
        ['stage', 'investigating'],
        ['body', 'We are investigating checkout errrors.'],
      ]);
      assert.equal(res.statusCode, 303, res.body);
      const url = String(res.headers.location);
      const id = url.split('/').pop()!;
      const api = (await t.get(`/incidents/${id}`)).json();
      assert.deepEqual(api.services, ['api', 'website']);
      const cur = async (s: string) => (await t.get(`/services/${s}/events/current`)).json().status.id;
      assert.equal(await cur('api'), 'down');
      assert.equal(await cur('website'), 'warning');
      assert.equal(api.incident_updates[0].events[0].service, 'api');

      const page = await editor.get(url);
      assert.match(page.body, /Checkout failing/);
      const updateId = api.incident_updates[0].id;
      const fix = await postForm(`/admin/incidents/${id}/updates/${updateId}`, [
        ['body', 'We are investigating checkout errors.'],
      ]);
      assert.equal(fix.statusCode, 303);
      assert.equal(
        (await t.get(`/incidents/${id}`)).json().incident_updates[0].body,
        'We are investigating checkout errors.',
      );

      const upd = await postForm(`/admin/incidents/${id}/updates`, [
        ['stage', 'identified'],
        ['status', ''],
        ['body', 'A bad deploy; rolling back.'],
      ]);
      assert.equal(upd.statusCode, 303, upd.body);
      const bad = await postForm(`/admin/incidents/${id}/updates`, [
        ['stage', 'monitoring'],
        ['return_to_default', 'true'],
        ['body', 'Kept text'],
      ]);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Return to default needs status resolved/);
      assert.match(bad.body, /Kept text<\/textarea>/);

      const resolve = await postForm(`/admin/incidents/${id}/updates`, [
        ['stage', 'resolved'],
        ['return_to_default', 'true'],
        ['body', 'Rolled back; all fine.'],
      ]);
      assert.equal(resolve.statusCode, 303, resolve.body);
      assert.equal(await cur('api'), 'up');
      assert.equal(await cur('website'), 'up');
      const done = (await t.get(`/incidents/${id}`)).json();
      assert.equal(done.status, 'resolved');
      assert.equal(done.incident_updates.length, 3);

      const pm = await postForm(`/admin/incidents/${id}/postmortem`, [['body', 'A config flag was wrong.']]);
      assert.equal(pm.statusCode, 303);
      assert.equal((await t.get(`/incidents/${id}`)).json().postmortem_body, 'A config flag was wrong.');
    });

    it('saves a template and starts a new incident from it', async () => {
      const res = await postForm('/admin/incidents/templates', [
        ['name', 'DB failover'],
        ['title', 'Database failover'],
        ['body', 'We are failing over the database.'],
      ]);
      assert.equal(res.statusCode, 303, res.body);
      const list = await editor.get('/admin/incidents');
      const id = /href="\/admin\/incidents\/new\?template=(\d+)">DB failover/.exec(list.body)![1];
      const form = await editor.get(`/admin/incidents/new?template=${id}`);
      assert.match(form.body, /value="Database failover"/);
      assert.match(form.body, /We are failing over the database\.<\/textarea>/);
      const dup = await postForm('/admin/incidents/templates', [
        ['name', 'DB failover'],
        ['title', 'x'],
        ['body', 'y'],
      ]);
      assert.equal(dup.statusCode, 400);
      assert.match(dup.body, /already exists/);
    });

    it('edits an incident: name, affected services and impact; errors next to the fields, typed values kept', async () => {
      const res = await postForm('/admin/incidents', [
        ['name', 'Slow emails'],
        ['services', 'email'],
        ['status', 'warning'],
        ['stage', 'investigating'],
        ['body', 'Emails are delayed.'],
      ]);
      assert.equal(res.statusCode, 303, res.body);
      const id = String(res.headers.location).split('/').pop()!;
      const page = await editor.get(`/admin/incidents/${id}`);
      assert.match(page.body, new RegExp(`href="/admin/incidents/${id}/edit">Edit</a>`));
      const form = await editor.get(`/admin/incidents/${id}/edit`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /<input id="edit-name" name="name" type="text" value="Slow emails"/);
      assert.match(form.body, /value="email"\s+id="edit-svc-\d+"\s+checked/);
      assert.doesNotMatch(form.body, /value="api"\s+id="edit-svc-\d+"\s+checked/);
      assert.match(form.body, /<option value="" selected>Computed from the services<\/option>/);
      assert.match(form.body, /name="_csrf"/);

      // Every error at once, next to its field; what was typed and ticked stays.
      const bad = await postForm(`/admin/incidents/${id}/edit`, [
        ['name', ''],
        ['services', 'email'],
        ['services', 'api'],
        ['impact_override', 'huge'],
      ]);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /<span class="error" id="edit-name-error">Name is required<\/span>/);
      assert.match(bad.body, /id="edit-impact_override-error">Impact override must be one of/);
      assert.match(bad.body, /<h2>Please fix these<\/h2>/);
      assert.match(bad.body, /value="api"\s+id="edit-svc-\d+"\s+checked/);
      assert.equal((await t.get(`/incidents/${id}`)).json().name, 'Slow emails', 'nothing changed');
      const bad2 = await postForm(`/admin/incidents/${id}/edit`, [
        ['name', 'Delayed emails'],
        ['services', 'email'],
        ['impact_override', 'huge'],
      ]);
      assert.equal(bad2.statusCode, 400);
      assert.match(
        bad2.body,
        /id="edit-impact_override-error">Impact override must be one of none, minor, major, critical/,
      );
      assert.match(bad2.body, /value="Delayed emails"/);

      // Without a CSRF token nothing changes.
      const forged = await t.inject({
        method: 'POST',
        url: `/admin/incidents/${id}/edit`,
        remoteAddress: editor.address,
        payload: new URLSearchParams([['name', 'Forged']]).toString(),
        headers: {
          cookie: [...editor.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'content-type': 'application/x-www-form-urlencoded',
        },
      });
      assert.equal(forged.statusCode, 403);

      const ok = await postForm(`/admin/incidents/${id}/edit`, [
        ['name', 'Delayed emails'],
        ['services', 'email'],
        ['services', 'api'],
        ['impact_override', 'major'],
      ]);
      assert.equal(ok.statusCode, 303, ok.body);
      assert.equal(ok.headers.location, `/admin/incidents/${id}`);
      const after = (await t.get(`/incidents/${id}`)).json();
      assert.equal(after.name, 'Delayed emails');
      assert.deepEqual(after.services, ['api', 'email']);
      assert.equal(after.impact, 'major');
      assert.equal(after.impact_override, 'major');
      // An edit posts no event: statuses change only through updates.
      assert.equal((await t.get('/services/api/events/current')).json().status.id, 'up');
      assert.equal(after.incident_updates.length, 1);

      // Unticking a service takes it out; an empty impact goes back to the computed one.
      const back = await postForm(`/admin/incidents/${id}/edit`, [
        ['name', 'Delayed emails'],
        ['services', 'email'],
        ['impact_override', ''],
      ]);
      assert.equal(back.statusCode, 303);
      const last = (await t.get(`/incidents/${id}`)).json();
      assert.deepEqual(last.services, ['email']);
      assert.equal(last.impact_override, null);
      assert.equal(last.impact, 'minor');
      assert.equal((await editor.get('/admin/incidents/zzzzzzzzzzzz/edit')).statusCode, 404);
    });

    it('deletes an incident after a confirmation page that says what goes; its events stay', async () => {
      const res = await postForm('/admin/incidents', [
        ['name', 'Search down'],
        ['services', 'website'],
        ['status', 'down'],
        ['stage', 'investigating'],
        ['body', 'Search fails.'],
      ]);
      const id = String(res.headers.location).split('/').pop()!;
      await postForm(`/admin/incidents/${id}/updates`, [
        ['stage', 'resolved'],
        ['return_to_default', 'true'],
        ['body', 'Fixed.'],
      ]);
      const events = (await t.get('/services/website/events?limit=1000')).json().events.length;
      const confirm = await editor.get(`/admin/incidents/${id}/delete`);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /<h1[^>]*>Delete Search down\?<\/h1>/);
      assert.match(confirm.body, /also deletes <strong>2 updates<\/strong>/);
      assert.match(confirm.body, /The 2 status changes it posted stay in the services’ histories/);
      assert.match(confirm.body, new RegExp(`<form method="post" action="/admin/incidents/${id}/delete"`));
      assert.match(confirm.body, /<button type="submit" class="danger">Delete Search down<\/button>/);
      assert.equal((await t.get(`/incidents/${id}`)).statusCode, 200, 'the confirmation page deletes nothing');

      const del = await editor.post(`/admin/incidents/${id}/delete`);
      assert.equal(del.statusCode, 303);
      assert.equal(del.headers.location, '/admin/incidents');
      const list = await editor.get('/admin/incidents');
      assert.match(list.body, /Incident Search down deleted\./);
      assert.doesNotMatch(list.body, /Search down<\/a>/);
      assert.equal((await t.get(`/incidents/${id}`)).statusCode, 404);
      assert.equal((await t.inject({ method: 'GET', url: `/incidents/${id}` })).statusCode, 404);
      const after = (await t.get('/services/website/events?limit=1000')).json().events;
      assert.equal(after.length, events, 'the events it posted stay');
      assert.equal(after[0].incident, null);
      assert.equal((await postForm(`/admin/incidents/${id}/delete`, [])).statusCode, 404);
    });

    it('recognises automation by the scope recorded with the event, not by the author name', async () => {
      // A person whose name looks like a check's: not automation.
      await postEvent(t.ctx, { kind: 'automation', name: 'check:lookalike', scope: 'admin' }, 'api', {
        status: 'down',
        message: 'Set by hand',
      });
      // A monitoring script with an events-scope token: automation, whatever its name.
      await postEvent(t.ctx, { kind: 'token', name: 'probe', scope: 'events' }, 'website', {
        status: 'down',
        message: 'Probe failed',
      });
      const api = (await t.get('/services/api/events/current')).json();
      assert.equal(api.author, 'check:lookalike');
      const page = await editor.get('/admin');
      assert.doesNotMatch(page.body, /Automation set <strong>API<\/strong>/);
      assert.match(page.body, /Automation set <strong>Website<\/strong> to Down:\s+“Probe failed”/);
      await t.post('/services/api/events', { status: 'up', message: 'ok' });
      await t.post('/services/website/events', { status: 'up', message: 'ok' });
    });
  });
}
