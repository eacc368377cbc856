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
  });
}
