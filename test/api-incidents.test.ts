import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, startTestApp, TestClock, type TestApp } from './support/harness.ts';
import { createToken } from '../src/services/tokens.ts';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INCIDENT_KEYS = [
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
  'impact_override',
  'services',
  'url',
  'html_url',
  'backfilled',
  'postmortem_body',
  'postmortem_published_at',
];
const UPDATE_KEYS = [
  'id',
  'status',
  'body',
  'incident_id',
  'created_at',
  'updated_at',
  'display_at',
  'affected_components',
  'deliver_notifications',
  'custom_tweet',
  'tweet_id',
  'events',
];

for (const backend of BACKENDS) {
  describe(`incidents admin API (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    before(async () => {
      clock = new TestClock(Date.UTC(2026, 2, 5, 9, 0, 0));
      t = await startTestApp(backend, { clock });
      for (const name of ['API', 'Website', 'Email'])
        assert.equal((await t.post('/services', { name, description: name })).statusCode, 201);
      await t.post('/services/api/events', { status: 'up', message: 'fine' });
      await t.post('/services/website/events', { status: 'up', message: 'fine' });
      for (const row of await t.ctx.database.db.selectFrom('services').select(['slug', 'component_id']).execute())
        cid[row.slug] = row.component_id!;
      clock.advance(60_000);
    });
    after(async () => t.close());

    const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      t.inject({
        method: 'POST',
        url: `/admin/api/v1${path}`,
        headers: { ...t.admin, 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(body),
      });
    const cid: Record<string, string> = {};
    const currentStatus = async (slug: string) =>
      (await t.inject({ method: 'GET', url: `/api/v1/services/${slug}/events/current` })).json().status.id;

    let firstId = '';

    it('opens an incident from a form: 201, exact keys, events posted and linked, impact from statuses', async () => {
      const res = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/incidents',
        headers: { ...t.admin, 'content-type': 'application/x-www-form-urlencoded' },
        payload:
          'name=Elevated+API+errors&status=investigating&body=We+are+investigating.&components%5Bapi%5D=down&components%5Bwebsite%5D=warning',
      });
      assert.equal(res.statusCode, 201, res.body);
      const inc = res.json();
      assert.deepEqual(Object.keys(inc), INCIDENT_KEYS);
      assert.match(inc.id, /^[a-z0-9]{12}$/);
      assert.equal(inc.status, 'investigating');
      assert.equal(inc.impact, 'critical');
      assert.match(inc.created_at, ISO_MS);
      assert.equal(inc.shortlink, `http://localhost:80/incidents/${inc.id}`);
      assert.deepEqual(inc.services, ['api', 'website']);
      assert.equal(inc.incident_updates.length, 1);
      const update = inc.incident_updates[0];
      assert.deepEqual(Object.keys(update), UPDATE_KEYS);
      assert.deepEqual(update.affected_components, [
        { code: cid.api, name: 'API', old_status: 'operational', new_status: 'major_outage' },
        { code: cid.website, name: 'Website', old_status: 'operational', new_status: 'degraded_performance' },
      ]);
      assert.equal(update.events.length, 2);
      assert.equal(await currentStatus('api'), 'down');
      assert.equal(await currentStatus('website'), 'warning');
      // The event carries the update's body and, on the admin mount only, its incident (§7.2).
      const event = (await t.get(`/services/api/events/${update.events[0].sid}`)).json();
      assert.equal(event.message, 'We are investigating.');
      assert.deepEqual(event.incident, {
        id: inc.id,
        name: 'Elevated API errors',
        kind: 'incident',
        url: `http://localhost:80/admin/api/v1/incidents/${inc.id}`,
      });
      const publicEvent = (
        await t.inject({ method: 'GET', url: `/api/v1/services/api/events/${update.events[0].sid}` })
      ).json();
      assert.equal('incident' in publicEvent, false);
      firstId = inc.id;
    });

    it('fills the v2 incident endpoints: incidents.json, incidents/unresolved.json, summary.json', async () => {
      const v2 = async (path: string) => (await t.inject({ method: 'GET', url: `/api/v2/${path}` })).json();
      const all = await v2('incidents.json');
      const inc = all.incidents.find((i: { id: string }) => i.id === firstId);
      assert.deepEqual(Object.keys(inc), INCIDENT_KEYS.slice(0, 14));
      assert.equal(inc.impact, 'critical');
      assert.deepEqual(
        inc.components.map((c: { id: string }) => c.id),
        [cid.api, cid.website],
      );
      assert.equal(inc.incident_updates[0].affected_components[0].code, cid.api);
      assert.ok((await v2('incidents/unresolved.json')).incidents.some((i: { id: string }) => i.id === firstId));
      const summary = await v2('summary.json');
      assert.deepEqual(
        summary.incidents.map((i: { id: string }) => i.id),
        [firstId],
      );
      assert.equal(summary.status.indicator, 'major');
    });

    it('refuses bad input naming the field and changes nothing', async () => {
      const before = (await t.get('/incidents')).json().incidents.length;
      const cases: Array<[unknown, RegExp]> = [
        [{ body: 'x' }, /name/],
        [{ name: 'x' }, /body/],
        [{ name: 'x', body: 'y', services: ['nope'] }, /services/],
        [{ name: 'x', body: 'y', components: { api: 'purple' } }, /components\[api\]/],
        [{ name: 'x', body: 'y', components: { api: 'under_maintenance' } }, /components\[api\]/],
        [{ name: 'x', body: 'y', status: 'postmortem' }, /status/],
        [{ name: 'x'.repeat(256), body: 'y' }, /name/],
        [{ name: 'x', body: 'y'.repeat(10_001) }, /body/],
        [{ name: 'x', body: 'y', impact_override: 'huge' }, /impact_override/],
        [{ name: 'x', body: 'y', return_to_default: true }, /return_to_default/],
        [{ name: 'x', body: 'y', started_at: '2030-01-01T00:00:00Z' }, /started_at/],
        [{ name: 3, body: 'y' }, /name/],
      ];
      for (const [body, field] of cases) {
        const res = await postJson('/incidents', body);
        assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
        assert.equal(res.json().error, true);
        assert.match(res.json().message, field);
      }
      assert.equal((await t.get('/incidents')).json().incidents.length, before);
      assert.equal(await currentStatus('api'), 'down');
    });

    it('posts updates: stage moves, monitoring_at set once, v2 names as statuses, 404 for unknown ids', async () => {
      clock.advance(60_000);
      let res = await postJson(`/incidents/${firstId}/updates`, { status: 'identified', body: 'Found it.' });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().incident_updates[0].affected_components, null);
      assert.deepEqual(res.json().incident_updates[0].events, []);
      clock.advance(60_000);
      res = await postJson(`/incidents/${firstId}/updates`, {
        status: 'monitoring',
        body: 'Fix deployed.',
        components: { api: 'degraded_performance' },
      });
      assert.equal(res.statusCode, 201, res.body);
      const inc = res.json();
      assert.equal(inc.status, 'monitoring');
      assert.equal(inc.monitoring_at, new Date(clock.now()).toISOString());
      assert.equal(await currentStatus('api'), 'warning');
      assert.equal(inc.impact, 'critical', 'impact never drops when services recover');
      assert.deepEqual(inc.incident_updates[0].affected_components, [
        { code: cid.api, name: 'API', old_status: 'major_outage', new_status: 'degraded_performance' },
      ]);
      const monitoringAt = inc.monitoring_at;
      clock.advance(60_000);
      res = await postJson(`/incidents/${firstId}/updates`, { status: 'identified', body: 'Back to identified.' });
      assert.equal(res.json().monitoring_at, monitoringAt);
      assert.equal((await postJson('/incidents/zzzzzzzzzzzz/updates', { body: 'x' })).statusCode, 404);
      assert.equal((await postJson('/incidents/bad/updates', { body: 'x' })).statusCode, 404);
    });

    it('edits an update without touching its events', async () => {
      const inc = (await t.get(`/incidents/${firstId}`)).json();
      const oldest = inc.incident_updates.at(-1);
      clock.advance(1000);
      const res = await postJson(`/incidents/${firstId}/updates/${oldest.id}`, {
        body: 'We are investigating (typo fixed).',
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().body, 'We are investigating (typo fixed).');
      assert.equal(res.json().updated_at, new Date(clock.now()).toISOString());
      assert.equal(res.json().created_at, oldest.created_at);
      const event = (await t.get(`/services/website/events/${oldest.events[1].sid}`)).json();
      assert.equal(event.message, 'We are investigating.');
      assert.equal(
        (await t.get(`/incidents/${firstId}/updates/${oldest.id}`)).json().body,
        'We are investigating (typo fixed).',
      );
    });

    it('resolves with return_to_default, refuses reopening (409) and takes late resolved notes', async () => {
      clock.advance(60_000);
      const res = await postJson(`/incidents/${firstId}/updates`, {
        status: 'resolved',
        body: 'Fixed.',
        return_to_default: true,
      });
      assert.equal(res.statusCode, 201, res.body);
      const inc = res.json();
      assert.equal(inc.status, 'resolved');
      assert.equal(inc.resolved_at, new Date(clock.now()).toISOString());
      assert.equal(await currentStatus('api'), 'up');
      assert.equal(await currentStatus('website'), 'up');
      assert.equal(inc.incident_updates[0].events.length, 2);
      const reopen = await postJson(`/incidents/${firstId}/updates`, { status: 'investigating', body: 'again' });
      assert.equal(reopen.statusCode, 409);
      const note = await postJson(`/incidents/${firstId}/updates`, { body: 'Late note.' });
      assert.equal(note.statusCode, 201);
      assert.equal(note.json().status, 'resolved');
      assert.equal(note.json().resolved_at, inc.resolved_at);
    });

    it('publishes a postmortem on a resolved incident only', async () => {
      const open = await postJson('/incidents', { name: 'Open one', body: 'x' });
      assert.equal((await postJson(`/incidents/${open.json().id}/postmortem`, { body: 'pm' })).statusCode, 409);
      const res = await postJson(`/incidents/${firstId}/postmortem`, { body: 'What happened.' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().status, 'postmortem');
      assert.equal(res.json().postmortem_body, 'What happened.');
      assert.match(res.json().postmortem_published_at, ISO_MS);
      const late = await postJson(`/incidents/${firstId}/updates`, { status: 'resolved', body: 'Later.' });
      assert.equal(late.json().status, 'postmortem');
      await t.del(`/incidents/${open.json().id}`);
    });

    it('records a backfilled incident: two backdated events per service, one update, no notices', async () => {
      const outboxBefore = await t.ctx.database.db.selectFrom('outbox').select('id').execute();
      const started = new Date(clock.now() - 3 * 3600_000).toISOString();
      const resolved = new Date(clock.now() - 2 * 3600_000).toISOString();
      const res = await postJson('/incidents', {
        name: 'Past outage',
        body: 'Email was down for an hour.',
        backfilled: true,
        started_at: started,
        resolved_at: resolved,
        components: { email: 'down' },
      });
      assert.equal(res.statusCode, 201, res.body);
      const inc = res.json();
      assert.equal(inc.status, 'resolved');
      assert.equal(inc.backfilled, true);
      assert.equal(inc.created_at, started);
      assert.equal(inc.resolved_at, resolved);
      assert.equal(inc.impact, 'critical');
      assert.equal(inc.incident_updates.length, 1);
      const u = inc.incident_updates[0];
      assert.deepEqual(
        [u.status, u.created_at, u.display_at, u.deliver_notifications],
        ['resolved', resolved, resolved, false],
      );
      assert.deepEqual(u.affected_components, [
        { code: cid.email, name: 'Email', old_status: 'major_outage', new_status: 'operational' },
      ]);
      const events = (await t.get('/services/email/events')).json().events;
      assert.equal(events.length, 2);
      assert.equal(await currentStatus('email'), 'up');
      const outboxAfter = await t.ctx.database.db.selectFrom('outbox').select('id').execute();
      assert.equal(outboxAfter.length, outboxBefore.length);
      for (const bad of [
        { resolved_at: resolved },
        { started_at: resolved, resolved_at: started },
        { started_at: started, resolved_at: new Date(clock.now() + 1000).toISOString() },
        { started_at: started, resolved_at: resolved, status: 'monitoring' },
      ]) {
        const r = await postJson('/incidents', { name: 'x', body: 'y', backfilled: true, ...bad });
        assert.equal(r.statusCode, 400, JSON.stringify(bad));
      }
    });

    it('impact_override replaces the computed impact; edit renames and replaces services', async () => {
      let res = await postJson(`/incidents/${firstId}`, { impact_override: 'minor', name: 'Renamed', services: 'api' });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().impact, 'minor');
      assert.equal(res.json().name, 'Renamed');
      assert.deepEqual(res.json().services, ['api']);
      res = await postJson(`/incidents/${firstId}`, { impact_override: '' });
      assert.equal(res.json().impact, 'critical');
    });

    it('Idempotency-Key replays the first answer and refuses other parameters (409)', async () => {
      const headers = { 'idempotency-key': 'retry-1' };
      const first = await postJson('/incidents', { name: 'Once', body: 'only once' }, headers);
      assert.equal(first.statusCode, 201);
      const again = await postJson('/incidents', { name: 'Once', body: 'only once' }, headers);
      assert.equal(again.statusCode, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.body, first.body);
      const list = (await t.get('/incidents')).json().incidents.filter((i: { name: string }) => i.name === 'Once');
      assert.equal(list.length, 1);
      const other = await postJson('/incidents', { name: 'Twice', body: 'other' }, headers);
      assert.equal(other.statusCode, 409);
      const bad = await postJson('/incidents', { name: 'x', body: 'y' }, { 'idempotency-key': '' });
      assert.equal(bad.statusCode, 400);
    });

    it('lists newest first with limit; events-scope tokens 403, anonymous 401, PUT 405; DELETE unlinks events', async () => {
      const list = (await t.get('/incidents?limit=2')).json().incidents;
      assert.equal(list.length, 2);
      assert.equal((await t.get('/incidents?limit=0')).statusCode, 400);
      const events = await createToken(
        t.ctx,
        { kind: 'cli', name: 't', scope: 'admin' },
        { name: 'mon', scope: 'events' },
      );
      const asEvents = await t.inject({
        method: 'GET',
        url: '/admin/api/v1/incidents',
        headers: { authorization: `Bearer ${events.secret}` },
      });
      assert.equal(asEvents.statusCode, 403);
      const anon = await t.inject({ method: 'GET', url: '/admin/api/v1/incidents' });
      assert.equal(anon.statusCode, 401);
      assert.ok(anon.headers['www-authenticate']);
      const put = await t.inject({ method: 'PUT', url: '/admin/api/v1/incidents', headers: t.admin });
      assert.equal(put.statusCode, 405);
      const inc = (await t.get(`/incidents/${firstId}`)).json();
      const sid = inc.incident_updates.at(-1).events[0].sid;
      const del = await t.del(`/incidents/${firstId}`);
      assert.equal(del.statusCode, 200);
      assert.equal(del.json().id, firstId);
      assert.equal((await t.get(`/incidents/${firstId}`)).statusCode, 404);
      assert.equal((await t.get(`/services/api/events/${sid}`)).json().incident, null);
    });
  });
}
