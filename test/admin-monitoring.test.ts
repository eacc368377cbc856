import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, type TestApp } from './support/harness.ts';
import { loggedIn, type AdminClient } from './support/admin-client.ts';
import { runDueChecks } from '../src/services/checks.ts';
import { listRecoveryHolds } from '../src/services/recovery-holds.ts';
import { Forbidden } from '../src/domain/errors.ts';

const errorNear = (body: string, id: string) => new RegExp(`id="${id}-error">([^<]*)`).exec(body)?.[1];
const pushSecretIn = (body: string) => /\/api\/push\/([A-Za-z0-9_-]{16,})/.exec(body)?.[1];
const PAGE = '/admin/services/api/monitoring';

const AUTOMATION = {
  recovery_needs_human: 'true',
  min_change_interval: '0',
  heartbeat_period: '0',
  heartbeat_state: 'down',
  status_up: 'up',
  status_warning: 'warning',
  status_down: 'down',
};
const CHECK = {
  name: 'api-http',
  kind: 'http',
  target: 'https://api.example.com/health',
  expected_statuses: '200-299',
  keyword: 'ok',
  latency_warning: '800',
  interval: '30',
  timeout: '5',
  failure_threshold: '1',
  enabled: 'true',
};

for (const backend of BACKENDS) {
  describe(`admin monitoring pages (${backend})`, () => {
    let t: TestApp;
    let admin: AdminClient;
    let editor: AdminClient;
    let secret = '';
    const push = (s: string, query = '') => t.inject({ method: 'GET', url: `/api/push/${s}${query}` });
    const current = async () => (await t.get('/services/api/events/current')).json();
    const automation = async () => (await t.get('/services/api/automation')).json();
    const eventCount = async () => (await t.get('/services/api/events')).json().events.length;

    before(async () => {
      t = await startTestApp(backend);
      admin = await loggedIn(t, 'admin@example.com', 'admin');
      editor = await loggedIn(t, 'editor@example.com', 'editor', '10.4.0.2');
      await t.post('/services', { name: 'API', description: 'The API' });
    });
    after(async () => t.close());

    it('is linked from the service edit page and the admins’ dashboard card, and closed to editors', async () => {
      assert.match((await admin.get('/admin/services/api')).body, /href="\/admin\/services\/api\/monitoring"/);
      assert.match((await admin.get('/admin')).body, /href="\/admin\/services\/api\/monitoring"/);
      assert.doesNotMatch((await editor.get('/admin')).body, /\/monitoring"/);
      assert.equal((await editor.get(PAGE)).statusCode, 403);
      assert.equal((await editor.post(`${PAGE}/push/regenerate`)).statusCode, 403);
      assert.equal((await t.get('/services/api/push')).json().enabled, false);
    });

    it('creates, regenerates and removes the push URL through the forms, and the URL works', async () => {
      const empty = await admin.get(PAGE);
      assert.equal(empty.statusCode, 200);
      assert.match(empty.body, /Create a push URL/);
      assert.equal(pushSecretIn(empty.body), undefined);
      const page = await admin.post(`${PAGE}/push/regenerate`);
      assert.equal(page.statusCode, 200);
      secret = pushSecretIn(page.body)!;
      assert.ok(secret);
      assert.match(page.body, /shown only this once/);
      // Stored only as a hash: never shown again, by the page or the API.
      assert.equal(pushSecretIn((await admin.get(PAGE)).body), undefined);
      assert.match((await admin.get(PAGE)).body, /Regenerate the push URL/);
      const api = (await t.get('/services/api/push')).json();
      assert.deepEqual([api.enabled, api.secret, api.url], [true, null, null]);
      assert.match(page.body, /15 3 \* \* \*  \/usr\/local\/bin\/backup/);
      assert.match(page.body, /curl -fsS/);
      const pushed = await push(secret, '?status=down&msg=Backup%20failed');
      assert.equal(pushed.statusCode, 200);
      assert.equal(pushed.json().outcome, 'posted');
      assert.deepEqual([(await current()).status.id, (await current()).author], ['down', 'push']);

      const confirm = await admin.get(`${PAGE}/push/regenerate`);
      assert.match(confirm.body, /stops working at once/);
      const fresh = pushSecretIn((await admin.post(`${PAGE}/push/regenerate`)).body)!;
      assert.notEqual(fresh, secret);
      assert.equal((await push(secret, '?status=up')).statusCode, 404);
      assert.equal((await push(fresh, '?status=up')).json().outcome, 'posted');

      assert.match((await admin.get(`${PAGE}/push/remove`)).body, /refused from then on/);
      assert.equal((await admin.post(`${PAGE}/push/remove`)).statusCode, 303);
      assert.equal(pushSecretIn((await admin.get(PAGE)).body), undefined);
      assert.equal((await push(fresh)).statusCode, 404);
      secret = pushSecretIn((await admin.post(`${PAGE}/push/regenerate`)).body)!;
    });

    it('refuses bad automation settings next to the field, keeping the input and changing nothing; saves good ones', async () => {
      const before = await automation();
      const badInterval = await admin.post(`${PAGE}/automation`, { ...AUTOMATION, min_change_interval: 'soon' });
      assert.equal(badInterval.statusCode, 400);
      assert.match(errorNear(badInterval.body, 'auto-min_change_interval') ?? '', /whole number of seconds/);
      assert.match(
        badInterval.body,
        /id="auto-min_change_interval" name="min_change_interval" type="text" value="soon"/,
      );
      assert.match(badInterval.body, /id="auto-recovery_needs_human" name="recovery_needs_human" value="true" checked/);
      const badPeriod = await admin.post(`${PAGE}/automation`, { ...AUTOMATION, heartbeat_period: '5' });
      assert.equal(badPeriod.statusCode, 400);
      assert.match(errorNear(badPeriod.body, 'auto-heartbeat_period') ?? '', /from 10/);
      assert.match(badPeriod.body, /name="heartbeat_period" type="text" value="5"/);
      const badStatus = await admin.post(`${PAGE}/automation`, { ...AUTOMATION, status_down: 'nope' });
      assert.equal(badStatus.statusCode, 400);
      assert.match(errorNear(badStatus.body, 'auto-status_down') ?? '', /does not exist/);
      assert.deepEqual(await automation(), before);

      assert.equal(
        (await admin.post(`${PAGE}/automation`, { ...AUTOMATION, min_change_interval: '0', heartbeat_period: '600' }))
          .statusCode,
        303,
      );
      const saved = await automation();
      assert.deepEqual(
        [saved.recovery_needs_human, saved.heartbeat_period, saved.heartbeat_state],
        [true, 600, 'down'],
      );
      const form = (await admin.get(PAGE)).body;
      assert.match(form, /name="heartbeat_period" type="text" value="600"/);
      // An unticked box turns the setting off (a browser sends nothing for it).
      const { recovery_needs_human: _, ...unticked } = AUTOMATION;
      assert.equal((await admin.post(`${PAGE}/automation`, { ...unticked, heartbeat_period: '600' })).statusCode, 303);
      assert.equal((await automation()).recovery_needs_human, false);
    });

    it('creates, edits and deletes checks, showing errors by the field and each check’s last result', async () => {
      const bad = await admin.post(`${PAGE}/checks`, { ...CHECK, interval: '5' });
      assert.equal(bad.statusCode, 400);
      assert.match(errorNear(bad.body, 'check-interval') ?? '', /Interval must be from 10/);
      assert.match(bad.body, /value="https:\/\/api.example.com\/health"/);
      assert.equal((await t.get('/services/api/checks')).json().checks.length, 0);
      assert.equal((await admin.post(`${PAGE}/checks`, CHECK)).statusCode, 303);
      const dup = await admin.post(`${PAGE}/checks`, CHECK);
      assert.equal(dup.statusCode, 400);
      assert.match(errorNear(dup.body, 'check-name') ?? '', /already has a check/);
      const [created] = (await t.get('/services/api/checks')).json().checks;
      assert.deepEqual(
        [created.name, created.interval, created.timeout, created.keyword, created.latency_warning_ms, created.enabled],
        ['api-http', 30, 5, 'ok', 800, true],
      );

      await runDueChecks(
        t.ctx,
        { run: async () => ({ state: 'warning', message: 'slow answer', latencyMs: 1234 }) },
        t.clock.now(),
      );
      const page = (await admin.get(PAGE)).body;
      assert.match(page, /slow answer/);
      assert.match(page, /1234 ms/);
      assert.match((await admin.get('/admin/services/api/events')).body, /Check api-http/);

      const editForm = await admin.get(`${PAGE}/checks/api-http`);
      assert.equal(editForm.statusCode, 200);
      assert.match(editForm.body, /name="interval" type="text" value="30"/);
      const badEdit = await admin.post(`${PAGE}/checks/api-http`, { ...CHECK, timeout: '60' });
      assert.equal(badEdit.statusCode, 400);
      assert.match(errorNear(badEdit.body, 'check-timeout') ?? '', /shorter than the interval/);
      assert.match(badEdit.body, /name="timeout" type="text" value="60"/);
      const { enabled: _, ...disabled } = CHECK;
      assert.equal(
        (await admin.post(`${PAGE}/checks/api-http`, { ...disabled, interval: '60', keyword: '' })).statusCode,
        303,
      );
      const [edited] = (await t.get('/services/api/checks')).json().checks;
      assert.deepEqual([edited.interval, edited.enabled, edited.keyword], [60, false, null]);

      assert.match((await admin.get(`${PAGE}/checks/api-http/delete`)).body, /Delete check api-http\?/);
      assert.equal((await admin.post(`${PAGE}/checks/api-http/delete`)).statusCode, 303);
      assert.equal((await t.get('/services/api/checks')).json().checks.length, 0);
      assert.equal((await admin.get(`${PAGE}/checks/api-http`)).statusCode, 404);
    });

    it('shows a held recovery on the dashboard, and an editor confirms it with one click', async () => {
      assert.equal((await admin.post(`${PAGE}/automation`, AUTOMATION)).statusCode, 303);
      assert.equal(
        (await admin.post('/admin/services/api/events', { status: 'down', message: 'Outage' })).statusCode,
        303,
      );
      assert.doesNotMatch((await editor.get('/admin')).body, /Recovery waiting/);
      assert.equal((await push(secret, '?status=up&msg=fine')).json().outcome, 'noted');
      assert.equal((await current()).status.id, 'down');

      const dashboard = await editor.get('/admin');
      assert.match(dashboard.body, /Recovery waiting for confirmation since <time datetime="[^"]+">/);
      assert.match(dashboard.body, /<form method="post" action="\/admin\/services\/api\/confirm-recovery"/);
      assert.match((await admin.get(PAGE)).body, /Recovery waiting for confirmation/);
      const events = await eventCount();
      const noToken = await editor.post('/admin/services/api/confirm-recovery', { _csrf: '' });
      assert.equal(noToken.statusCode, 403);
      assert.equal(await eventCount(), events);

      const confirmed = await editor.post('/admin/services/api/confirm-recovery');
      assert.equal(confirmed.statusCode, 303);
      assert.equal(confirmed.headers.location, '/admin#svc-api-name');
      const now = await current();
      assert.deepEqual(
        [now.status.id, now.author, now.message, now.informational],
        ['up', 'user:editor@example.com', 'Recovery confirmed', false],
      );
      assert.doesNotMatch((await editor.get('/admin')).body, /Recovery waiting/);
      assert.equal((await editor.post('/admin/services/api/confirm-recovery')).statusCode, 303);
      assert.match((await editor.get('/admin')).body, /already answered/);
      assert.equal(await eventCount(), events + 1);
    });

    it('lets editors and admins read the held recoveries, and not automation', async () => {
      await listRecoveryHolds(t.ctx, { kind: 'user', name: 'editor@example.com', scope: 'editor' });
      await assert.rejects(listRecoveryHolds(t.ctx, { kind: 'token', name: 'pusher', scope: 'events' }), Forbidden);
    });

    it('shows where each event came from in readable words', async () => {
      const body = (await admin.get('/admin/services/api/events')).body;
      assert.match(body, /title="push">Push URL/);
      assert.match(body, /title="check:api-http">Check api-http/);
      assert.match(body, /title="user:editor@example.com">editor@example.com/);
      assert.match(body, /<span class="tag">automated<\/span>/);
    });

    it('refuses every monitoring form posted without the CSRF token, and nothing changes', async () => {
      await admin.post(`${PAGE}/checks`, CHECK);
      const before = JSON.stringify([
        await automation(),
        (await t.get('/services/api/push')).json(),
        (await t.get('/services/api/checks')).json(),
      ]);
      for (const path of [
        `${PAGE}/push/regenerate`,
        `${PAGE}/push/remove`,
        `${PAGE}/automation`,
        `${PAGE}/checks`,
        `${PAGE}/checks/api-http`,
        `${PAGE}/checks/api-http/delete`,
        '/admin/services/api/confirm-recovery',
      ]) {
        const response = await admin.post(path, {
          ...AUTOMATION,
          ...CHECK,
          name: 'other',
          interval: '99',
          _csrf: 'forged',
        });
        assert.equal(response.statusCode, 403, path);
      }
      const after = JSON.stringify([
        await automation(),
        (await t.get('/services/api/push')).json(),
        (await t.get('/services/api/checks')).json(),
      ]);
      assert.equal(after, before);
    });
  });
}
