import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { createToken } from '../src/services/tokens.ts';
import { runMaintenanceTransitions } from '../src/services/maintenances.ts';
import { runDueChecks } from '../src/services/checks.ts';
import { CheckProbe } from '../src/outbound/check-probe.ts';
import { AddressGuard, parseAllowList } from '../src/outbound/address-guard.ts';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const V2_KEYS = [
  'id',
  'name',
  'status',
  'created_at',
  'updated_at',
  'monitoring_at',
  'resolved_at',
  'impact',
  'shortlink',
  'started_at',
  'page_id',
  'incident_updates',
  'components',
  'reminder_intervals',
  'scheduled_for',
  'scheduled_until',
];
const ADMIN_KEYS = [
  ...V2_KEYS,
  'impact_override',
  'services',
  'url',
  'html_url',
  'scheduled_auto_in_progress',
  'scheduled_auto_completed',
];
const START = Date.UTC(2026, 2, 5, 10, 0, 0);
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

for (const backend of BACKENDS) {
  describe(`scheduled maintenance (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    let events: Record<string, string>;
    let target: http.Server;
    let failing = false;
    let targetUrl = '';
    const probe = new CheckProbe(new AddressGuard({ allow: parseAllowList('127.0.0.1') }));

    before(async () => {
      clock = new TestClock(START - 2 * HOUR);
      t = await startTestApp(backend, { clock });
      for (const name of ['API', 'Website', 'Email'])
        assert.equal((await t.post('/services', { name, description: name })).statusCode, 201);
      for (const slug of ['api', 'website', 'email'])
        await t.post(`/services/${slug}/events`, { status: 'up', message: 'fine' });
      const { secret } = await createToken(
        t.ctx,
        { kind: 'cli', name: 'test', scope: 'admin' },
        { name: 'monitoring', scope: 'events' },
      );
      events = { authorization: `Bearer ${secret}` };
      target = http.createServer((_req, res) => (failing ? res.writeHead(503).end('no') : res.end('ok')));
      await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
      targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;
      clock.advance(60_000);
    });
    after(async () => {
      await t.close();
      target.closeAllConnections();
      await new Promise((r) => target.close(r));
    });

    const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      t.inject({
        method: 'POST',
        url: `/admin/api/v1${path}`,
        headers: { ...t.admin, 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(body),
      });
    const current = async (slug: string) =>
      (await t.inject({ method: 'GET', url: `/api/v1/services/${slug}/events/current` })).json();
    const outboxTopics = async () =>
      (await t.ctx.database.db.selectFrom('outbox').select('topic').orderBy('id').execute())
        .map((r) => r.topic)
        .filter((topic) => topic.startsWith('maintenance.'));
    const transitions = () => runMaintenanceTransitions(t.ctx, clock.now());

    let mid = '';

    it('refuses bad input with 400 naming the field, and changes nothing', async () => {
      const good = {
        name: 'Email relay upgrade',
        body: 'Outbound email may be delayed.',
        services: ['email'],
        scheduled_for: iso(START),
        scheduled_until: iso(START + 2 * HOUR),
      };
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ ...good, scheduled_until: iso(START - HOUR) }, 'scheduled_until'],
        [{ ...good, scheduled_for: iso(START - 5 * HOUR), scheduled_until: iso(START - 3 * HOUR) }, 'scheduled_until'],
        [{ ...good, services: [] }, 'services'],
        [{ ...good, services: ['nope'] }, 'services'],
        [{ ...good, scheduled_for: undefined }, 'scheduled_for'],
        [{ ...good, scheduled_for: 'tomorrow-ish' }, 'scheduled_for'],
        [{ ...good, status: 'verifying' }, 'status'],
        [{ ...good, name: '' }, 'name'],
        [{ ...good, body: '' }, 'body'],
        [{ ...good, scheduled_auto_completed: 'maybe' }, 'scheduled_auto_completed'],
        // A start in the past, for a window that would not start at once (§9.1 starts the others).
        [{ ...good, scheduled_for: iso(START - 3 * HOUR), scheduled_auto_in_progress: false }, 'scheduled_for'],
      ];
      for (const [body, field] of bad) {
        const res = await postJson('/maintenances', body);
        assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
        assert.equal(res.json().error, true);
        assert.match(res.json().message, new RegExp(field));
        assert.deepEqual(Object.keys(res.json()), ['error', 'code', 'message']);
        assert.equal(res.json().code, 400);
      }
      assert.deepEqual((await t.get('/maintenances')).json(), { maintenances: [] });
    });

    it('schedules from a form: 201, the exact key set, status scheduled, first update lists every service', async () => {
      const res = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/maintenances',
        headers: { ...t.admin, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          name: 'Email relay upgrade',
          body: 'Outbound email may be delayed by up to 10 minutes.',
          services: 'email',
          scheduled_for: iso(START),
          scheduled_until: iso(START + 2 * HOUR),
        }).toString(),
      });
      assert.equal(res.statusCode, 201, res.body);
      const m = res.json();
      mid = m.id;
      assert.deepEqual(Object.keys(m), ADMIN_KEYS);
      assert.match(m.id, /^[a-z0-9]{12}$/);
      assert.equal(m.status, 'scheduled');
      assert.equal(m.impact, 'maintenance');
      assert.equal(m.monitoring_at, null);
      assert.equal(m.resolved_at, null);
      assert.equal(m.started_at, m.created_at);
      assert.match(m.created_at, ISO_MS);
      assert.equal(m.scheduled_for, iso(START));
      assert.equal(m.scheduled_until, iso(START + 2 * HOUR));
      assert.equal(m.scheduled_auto_in_progress, true);
      assert.equal(m.scheduled_auto_completed, true);
      assert.deepEqual(m.services, ['email']);
      assert.equal(m.url, `http://localhost:80/admin/api/v1/maintenances/${m.id}`);
      assert.equal(m.components[0].status, 'operational');
      assert.equal(m.incident_updates.length, 1);
      const [first] = m.incident_updates;
      assert.equal(first.status, 'scheduled');
      assert.equal(first.incident_id, m.id);
      assert.deepEqual(first.affected_components, [
        { code: m.components[0].id, name: 'Email', old_status: 'operational', new_status: 'operational' },
      ]);
      assert.deepEqual(first.events, []);
      assert.deepEqual(await outboxTopics(), ['maintenance.created']);
    });

    it('an id of the other kind, unknown or malformed is 404; events tokens 403; PUT 405', async () => {
      const incident = await postJson('/incidents', { name: 'Outage', body: 'Looking.' });
      assert.equal(incident.statusCode, 201, incident.body);
      assert.equal((await t.get(`/maintenances/${incident.json().id}`)).statusCode, 404);
      assert.equal((await t.get(`/incidents/${mid}`)).statusCode, 404);
      assert.equal((await t.get('/maintenances/zzzzzzzzzzzz')).statusCode, 404);
      assert.equal((await t.get('/maintenances/NOT-AN-ID')).statusCode, 404);
      const asEvents = await t.inject({ method: 'GET', url: '/admin/api/v1/maintenances', headers: events });
      assert.equal(asEvents.statusCode, 403);
      const put = await t.inject({ method: 'PUT', url: `/admin/api/v1/maintenances/${mid}`, headers: t.admin });
      assert.equal(put.statusCode, 405);
      assert.equal((await t.del(`/incidents/${incident.json().id}`)).statusCode, 200);
    });

    it('the state table refuses scheduled → verifying with 409, changing nothing', async () => {
      const res = await postJson(`/maintenances/${mid}/updates`, { status: 'verifying', body: 'Checking.' });
      assert.equal(res.statusCode, 409, res.body);
      assert.equal((await t.get(`/maintenances/${mid}`)).json().incident_updates.length, 1);
    });

    it('edits the window; the public v1 API and events are untouched', async () => {
      const res = await postJson(`/maintenances/${mid}`, {
        maintenance: { scheduled_for: iso(START), scheduled_until: iso(START + HOUR) },
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().scheduled_until, iso(START + HOUR));
      const bad = await postJson(`/maintenances/${mid}`, { scheduled_until: iso(START - HOUR) });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().message, /scheduled_until/);
      assert.equal((await t.get(`/maintenances/${mid}`)).json().scheduled_until, iso(START + HOUR));
    });

    it('starts by itself at scheduled_for (not a millisecond before), once', async () => {
      const check = await t.post('/services/email/checks', {
        name: 'email-http',
        target: targetUrl,
        interval: '10',
        timeout: '2',
      });
      assert.equal(check.statusCode, 201, check.body);
      clock.current = START - 1;
      assert.equal(await transitions(), 0);
      clock.current = START;
      assert.equal(await transitions(), 1);
      assert.equal(await transitions(), 0, 'exactly once');
      const m = (await t.get(`/maintenances/${mid}`)).json();
      assert.equal(m.status, 'in_progress');
      const [started] = m.incident_updates;
      assert.equal(
        started.body,
        'Scheduled maintenance is currently in progress. We will provide updates as necessary.',
      );
      assert.equal(started.status, 'in_progress');
      assert.equal(started.created_at, iso(START));
      assert.deepEqual(started.affected_components, [
        { code: m.components[0].id, name: 'Email', old_status: 'operational', new_status: 'under_maintenance' },
      ]);
      assert.equal(m.components[0].status, 'under_maintenance');
      // v2: the service reads under_maintenance, the page indicator is maintenance, the lists hold it.
      const v2 = async (path: string) => (await t.inject({ method: 'GET', url: `/api/v2/${path}` })).json();
      const components = (await v2('components.json')).components as Array<{ name: string; status: string }>;
      assert.equal(components.find((c) => c.name === 'Email')!.status, 'under_maintenance');
      assert.equal(components.find((c) => c.name === 'API')!.status, 'operational');
      const summary = await v2('summary.json');
      assert.deepEqual(summary.status, { indicator: 'maintenance', description: 'Service Under Maintenance' });
      assert.deepEqual(
        summary.scheduled_maintenances.map((x: { id: string }) => x.id),
        [mid],
      );
      assert.deepEqual(Object.keys(summary.scheduled_maintenances[0]), V2_KEYS);
      assert.equal(summary.scheduled_maintenances[0].components[0].status, 'under_maintenance');
      assert.deepEqual(
        (await v2('scheduled-maintenances/active.json')).scheduled_maintenances.map((x: { id: string }) => x.id),
        [mid],
      );
      assert.deepEqual((await v2('scheduled-maintenances/upcoming.json')).scheduled_maintenances, []);
      assert.deepEqual((await v2('incidents.json')).incidents, [], 'maintenances never in incident lists');
      // v1 is unchanged: no event for the start.
      assert.equal((await current('email')).status.id, 'up');
      assert.deepEqual((await outboxTopics()).slice(-1), ['maintenance.updated']);
    });

    it('automation during the window records notes and notifies nobody; push answers noted', async () => {
      const allNotices = async () => (await t.ctx.database.db.selectFrom('outbox').select('id').execute()).length;
      const before = await allNotices();
      const pushUrl = (await t.post('/services/email/push')).json().secret as string;
      const push = await t.inject({ method: 'GET', url: `/api/push/${pushUrl}?status=down&msg=relay%20down` });
      assert.equal(push.statusCode, 200, push.body);
      assert.equal(push.json().outcome, 'noted');
      const byToken = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services/email/events',
        headers: { ...events, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'status=warning&message=slow',
      });
      assert.equal(byToken.statusCode, 201, byToken.body);
      assert.equal(byToken.json().informational, true);
      assert.equal(byToken.json().status.id, 'up');
      failing = true;
      clock.advance(1000);
      const runs = await runDueChecks(t.ctx, probe, clock.now());
      assert.equal(runs.length, 1);
      assert.equal(runs[0]!.outcome, 'noted');
      const now = await current('email');
      assert.equal(now.status.id, 'up', 'the status in force does not change');
      assert.equal(now.informational, true);
      assert.match(now.message, /^Maintenance "Email relay upgrade": check:email-http reported Down: /);
      assert.equal(await allNotices(), before, 'no notice of any kind');
      // A person still posts as usual.
      const human = await t.post('/services/website/events', { status: 'warning', message: 'Slow pages' });
      assert.equal(human.statusCode, 201);
      await t.post('/services/website/events', { status: 'up', message: 'Fine again' });
    });

    it('completes by itself at scheduled_until and posts what the failing check still reports', async () => {
      clock.current = START + HOUR - 1;
      assert.equal(await transitions(), 0);
      clock.current = START + HOUR;
      assert.equal(await transitions(), 1);
      const m = (await t.get(`/maintenances/${mid}`)).json();
      assert.equal(m.status, 'completed');
      assert.equal(m.resolved_at, iso(START + HOUR));
      assert.equal(m.incident_updates[0].body, 'The scheduled maintenance has been completed.');
      assert.deepEqual(m.incident_updates[0].affected_components, [
        { code: m.components[0].id, name: 'Email', old_status: 'under_maintenance', new_status: 'major_outage' },
      ]);
      // The check still fails: its report is posted normally, as automation, once the window ends.
      const now = await current('email');
      assert.equal(now.status.id, 'down');
      assert.equal(now.informational, false);
      const admin = (await t.get('/services/email/events/current')).json();
      assert.equal(admin.author, 'check:email-http');
      const completed = await postJson(`/maintenances/${mid}/updates`, { status: 'in_progress', body: 'Again?' });
      assert.equal(completed.statusCode, 409);
      const note = await postJson(`/maintenances/${mid}/updates`, { body: 'All relays run the new version.' });
      assert.equal(note.statusCode, 201, note.body);
      assert.equal(note.json().status, 'completed');
      const move = await postJson(`/maintenances/${mid}`, { scheduled_until: iso(START + 3 * HOUR) });
      assert.equal(move.statusCode, 409);
      failing = false;
      await t.post('/services/email/events', { status: 'up', message: 'Fixed by hand' });
    });

    it('without automatic completion a window overruns until a person completes it', async () => {
      clock.current = START + 2 * HOUR;
      const res = await postJson('/maintenances', {
        name: 'Database failover',
        body: 'The API may fail for a minute.',
        services: 'api,website',
        status: 'in_progress',
        scheduled_for: iso(START + 2 * HOUR),
        scheduled_until: iso(START + 3 * HOUR),
        scheduled_auto_completed: false,
        deliver_notifications: false,
      });
      assert.equal(res.statusCode, 201, res.body);
      const m = res.json();
      assert.equal(m.status, 'in_progress');
      assert.equal(m.incident_updates[0].status, 'in_progress');
      assert.deepEqual(
        m.components.map((c: { status: string }) => c.status),
        ['under_maintenance', 'under_maintenance'],
      );
      clock.current = START + 5 * HOUR;
      assert.equal(await transitions(), 0);
      assert.equal((await t.get(`/maintenances/${m.id}`)).json().status, 'in_progress');
      const verifying = await postJson(`/maintenances/${m.id}/updates`, { status: 'verifying', body: 'Checking.' });
      assert.equal(verifying.statusCode, 201);
      assert.equal(verifying.json().status, 'verifying');
      const done = await postJson(`/maintenances/${m.id}/updates`, { status: 'completed', body: 'Done.' });
      assert.equal(done.statusCode, 201);
      assert.equal(done.json().status, 'completed');
      assert.equal(done.json().resolved_at, iso(START + 5 * HOUR));
      assert.deepEqual(
        done.json().components.map((c: { status: string }) => c.status),
        ['operational', 'operational'],
      );
    });

    it('a scheduled maintenance may be cancelled (completed) and deleted; lists keep the contract order', async () => {
      clock.current = START + 6 * HOUR;
      const make = async (offsetH: number) =>
        (
          await postJson('/maintenances', {
            name: `Later ${offsetH}`,
            body: 'Planned.',
            services: ['api'],
            scheduled_for: iso(START + offsetH * HOUR),
            scheduled_until: iso(START + (offsetH + 1) * HOUR),
          })
        ).json();
      const a = await make(30);
      const b = await make(20);
      const list = (await t.get('/maintenances')).json().maintenances.map((m: { id: string }) => m.id);
      assert.deepEqual(list.slice(0, 2), [a.id, b.id], 'by scheduled_for descending');
      assert.equal((await t.get('/maintenances?limit=1')).json().maintenances.length, 1);
      assert.equal((await t.get('/maintenances?limit=0')).statusCode, 400);
      const cancel = await postJson(`/maintenances/${a.id}/updates`, { status: 'completed', body: 'Cancelled.' });
      assert.equal(cancel.statusCode, 201);
      const deleted = await t.del(`/maintenances/${b.id}`);
      assert.equal(deleted.statusCode, 200);
      assert.equal(deleted.json().id, b.id);
      assert.equal((await t.get(`/maintenances/${b.id}`)).statusCode, 404);
    });

    it('honours Idempotency-Key', async () => {
      const body = {
        name: 'Idempotent',
        body: 'Once.',
        services: ['api'],
        scheduled_for: iso(START + 40 * HOUR),
        scheduled_until: iso(START + 41 * HOUR),
      };
      const first = await postJson('/maintenances', body, { 'idempotency-key': 'k-1' });
      const again = await postJson('/maintenances', body, { 'idempotency-key': 'k-1' });
      assert.equal(first.statusCode, 201);
      assert.equal(again.statusCode, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.body, first.body);
      const other = await postJson('/maintenances', { ...body, name: 'Other' }, { 'idempotency-key': 'k-1' });
      assert.equal(other.statusCode, 409);
    });

    it('edits and reads an update', async () => {
      const m = (await t.get('/maintenances?limit=1')).json().maintenances[0];
      const uid = m.incident_updates[0].id;
      const edited = await postJson(`/maintenances/${m.id}/updates/${uid}`, { body: 'Corrected.' });
      assert.equal(edited.statusCode, 200, edited.body);
      assert.equal(edited.json().body, 'Corrected.');
      assert.equal((await t.get(`/maintenances/${m.id}/updates/${uid}`)).json().body, 'Corrected.');
      assert.equal((await t.get(`/maintenances/${m.id}/updates/zzzzzzzzzzzz`)).statusCode, 404);
    });
  });
}
