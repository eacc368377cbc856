import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, TestClock, startTestApp, type TestApp } from './support/harness.ts';
import { assertMatchesV2Schema } from './support/v2-schemas.ts';
import { createToken } from '../src/services/tokens.ts';

const NOW = Date.parse('2026-03-05T10:42:07.318Z');
const ID = /^[a-z0-9]{12}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PATHS = [
  '/api/v2/summary.json',
  '/api/v2/status.json',
  '/api/v2/components.json',
  '/api/v2/incidents.json',
  '/api/v2/incidents/unresolved.json',
  '/api/v2/scheduled-maintenances.json',
  '/api/v2/scheduled-maintenances/upcoming.json',
  '/api/v2/scheduled-maintenances/active.json',
  '/api/v2/uptime.json',
];
const COMPONENT_KEYS = [
  'id',
  'name',
  'status',
  'created_at',
  'updated_at',
  'position',
  'description',
  'showcase',
  'start_date',
  'group_id',
  'page_id',
  'group',
  'only_show_if_degraded',
];

type Json = Record<string, any>;

for (const backend of BACKENDS) {
  describe(`Statuspage v2 JSON (${backend})`, () => {
    let t: TestApp;
    let clock: TestClock;
    before(async () => {
      clock = new TestClock(Date.parse('2025-11-02T08:00:00.000Z'));
      t = await startTestApp(backend, { clock, env: { SITE_TIME_ZONE: 'Europe/Berlin', SITE_NAME: 'Acme status' } });
    });
    after(async () => t.close());

    /** GETs a v2 path, checks the transport rules every answer shares and its schema. */
    async function v2(path: string, headers: Record<string, string> = {}): Promise<Json> {
      const res = await t.inject({ method: 'GET', url: path, headers });
      assert.equal(res.statusCode, 200, `${path}: ${res.body}`);
      assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.equal(res.headers['cache-control'], 'public, max-age=0, must-revalidate, stale-if-error=300');
      assert.ok(res.headers.etag);
      const body = res.json();
      assert.equal(Object.keys(body)[0], 'page');
      assertMatchesV2Schema(path, body);
      return body;
    }
    const post = (path: string, form: Record<string, string>) => {
      const res = t.post(path, form);
      return res;
    };

    it('serves exactly the eight Statuspage paths and uptime.json, each with its keys in order; arrays empty without incidents', async () => {
      const expected: Record<string, string[]> = {
        '/api/v2/summary.json': ['page', 'components', 'incidents', 'scheduled_maintenances', 'status'],
        '/api/v2/status.json': ['page', 'status'],
        '/api/v2/components.json': ['page', 'components'],
        '/api/v2/incidents.json': ['page', 'incidents'],
        '/api/v2/incidents/unresolved.json': ['page', 'incidents'],
        '/api/v2/scheduled-maintenances.json': ['page', 'scheduled_maintenances'],
        '/api/v2/scheduled-maintenances/upcoming.json': ['page', 'scheduled_maintenances'],
        '/api/v2/scheduled-maintenances/active.json': ['page', 'scheduled_maintenances'],
        '/api/v2/uptime.json': ['page', 'uptime'],
      };
      for (const path of PATHS) {
        const body = await v2(path);
        assert.deepEqual(Object.keys(body), expected[path], path);
        assert.deepEqual(Object.keys(body.page), ['id', 'name', 'url', 'time_zone', 'updated_at']);
        for (const key of ['incidents', 'scheduled_maintenances']) if (key in body) assert.deepEqual(body[key], []);
      }
      const empty = await v2('/api/v2/summary.json');
      assert.deepEqual(empty.components, []);
      assert.deepEqual(empty.status, { indicator: 'none', description: 'All Systems Operational' });
      assert.match(empty.page.id, ID);
      assert.equal(empty.page.name, 'Acme status');
      assert.equal(empty.page.url, 'http://localhost:80');
      assert.equal(empty.page.time_zone, 'Europe/Berlin');
      assert.match(empty.page.updated_at, TIME);
    });

    it('anything else under /api/v2 is a JSON 404 with CORS, a path without .json included', async () => {
      for (const path of [
        '/api/v2',
        '/api/v2/',
        '/api/v2/summary',
        '/api/v2/nope.json',
        '/api/v2/incidents/x.json',
        '/api/v2/uptime',
      ]) {
        const res = await t.inject({ method: 'GET', url: path });
        assert.equal(res.statusCode, 404, path);
        assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
        assert.equal(res.headers['access-control-allow-origin'], '*');
        assert.equal(res.json().error, true);
        assert.equal(res.json().code, 404);
        assert.equal(typeof res.json().message, 'string');
      }
    });

    it('OPTIONS is 204 with the methods; writes are 405 with Allow and a JSON body; HEAD has no body', async () => {
      for (const path of PATHS) {
        const options = await t.inject({ method: 'OPTIONS', url: path });
        assert.equal(options.statusCode, 204);
        assert.equal(options.headers['access-control-allow-methods'], 'GET, HEAD, OPTIONS');
        assert.equal(options.headers['access-control-allow-origin'], '*');
        for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
          const res = await t.inject({ method, url: path, headers: t.admin });
          assert.equal(res.statusCode, 405, `${method} ${path}`);
          assert.equal(res.headers.allow, 'GET, HEAD, OPTIONS');
          assert.equal(res.headers['access-control-allow-origin'], '*');
          assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
          assert.deepEqual(Object.keys(res.json()), ['error', 'code', 'message']);
        }
      }
      const head = await t.inject({ method: 'HEAD', url: '/api/v2/summary.json' });
      assert.equal(head.statusCode, 200);
      assert.equal(head.body, '');
      assert.ok(head.headers.etag);
    });

    it('builds the contract world: components in display order, groups with worst child, positions, ids, dates in the zone', async () => {
      // Core (API, Website), ungrouped Email; an empty list is not shown.
      assert.equal(
        (await post('/service-lists', { name: 'Core', description: 'Customer-facing services' })).statusCode,
        201,
      );
      assert.equal((await post('/service-lists', { name: 'Empty', description: 'Nothing here' })).statusCode, 201);
      clock.current = Date.parse('2025-11-02T08:01:10.204Z');
      assert.equal((await post('/services', { name: 'API', description: 'REST API', list: 'core' })).statusCode, 201);
      clock.current = Date.parse('2025-11-02T08:01:42.877Z');
      await post('/services', { name: 'Website', description: 'www.acme.example', list: 'core' });
      clock.current = Date.parse('2025-12-01T10:00:00.000Z');
      await post('/services', { name: 'Email', description: 'Outbound email' });
      clock.current = NOW;
      // History, backdated (contract §7.1): first events early in the Berlin day.
      for (const [service, at] of [
        ['api', '2025-11-01T23:30:00Z'], // 00:30 on 2 Nov in Berlin
        ['website', '2025-11-02T09:00:00Z'],
        ['email', '2025-12-01T10:00:00Z'],
      ] as const)
        assert.equal(
          (await post(`/services/${service}/events`, { status: 'up', message: 'ok', timestamp: at })).statusCode,
          201,
        );
      assert.equal(
        (
          await post('/statuses', {
            name: 'Partial',
            description: 'Some requests fail',
            image: 'exclamation',
            level: 'ERROR',
            component_status: 'partial_outage',
          })
        ).statusCode,
        201,
      );
      assert.equal(
        (
          await post('/services/api/events', {
            status: 'partial',
            message: 'errors',
            timestamp: '2026-03-05T09:12:03.118Z',
          })
        ).statusCode,
        201,
      );

      const body = await v2('/api/v2/components.json');
      const [core, api, website, email] = body.components as Json[];
      assert.equal(body.components.length, 4);
      for (const c of body.components as Json[]) {
        assert.deepEqual(Object.keys(c), c.group ? [...COMPONENT_KEYS, 'components'] : COMPONENT_KEYS);
        assert.match(c.id, ID);
        assert.equal(c.page_id, body.page.id);
        assert.equal(c.only_show_if_degraded, false);
      }
      assert.deepEqual(
        body.components.map((c: Json) => [c.name, c.status, c.position, c.group, c.showcase, c.group_id]),
        [
          ['Core', 'partial_outage', 1, true, false, null],
          ['API', 'partial_outage', 1, false, true, core!.id],
          ['Website', 'operational', 2, false, true, core!.id],
          ['Email', 'operational', 2, false, true, null],
        ],
      );
      assert.deepEqual(core!.components, [api!.id, website!.id]);
      assert.equal(core!.start_date, null);
      assert.equal(core!.description, 'Customer-facing services');
      assert.equal(api!.start_date, '2025-11-02', 'the first event is on 2 Nov in Berlin');
      assert.equal(email!.start_date, '2025-12-01');
      assert.equal(api!.created_at, '2025-11-02T08:01:10.204Z');
      assert.equal(api!.updated_at, '2026-03-05T09:12:03.118Z', 'the newest event');
      assert.equal(core!.updated_at, '2026-03-05T09:12:03.118Z', "a group's is its newest child's");
      assert.equal(website!.updated_at, '2025-11-02T09:00:00.000Z');
      assert.equal(body.page.updated_at, '2026-03-05T09:12:03.118Z');

      const summary = await v2('/api/v2/summary.json');
      assert.deepEqual(summary.components, body.components);
      assert.deepEqual(summary.status, { indicator: 'minor', description: 'Minor Service Outage' });
    });

    it('ids are stable across renames; edits move updated_at; a component_status edit shows at once', async () => {
      const before = (await v2('/api/v2/components.json')).components as Json[];
      clock.current = NOW + 1000;
      assert.equal((await post('/services/website', { name: 'Web site' })).statusCode, 200);
      const after = (await v2('/api/v2/components.json')).components as Json[];
      const web = after.find((c) => c.name === 'Web site')!;
      assert.equal(web.id, before.find((c) => c.name === 'Website')!.id);
      assert.equal(web.updated_at, new Date(NOW + 1000).toISOString());
      clock.current = NOW + 2000;
      assert.equal((await post('/statuses/partial', { component_status: 'major_outage' })).statusCode, 200);
      const now = await v2('/api/v2/components.json');
      const api = (now.components as Json[]).find((c) => c.name === 'API')!;
      assert.equal(api.status, 'major_outage');
      assert.equal(api.updated_at, new Date(NOW + 2000).toISOString());
      assert.equal(now.page.updated_at, new Date(NOW + 2000).toISOString());
      assert.deepEqual((await v2('/api/v2/status.json')).status, {
        indicator: 'major',
        description: 'Partial System Outage',
      });
      assert.equal((await post('/statuses/partial', { component_status: 'partial_outage' })).statusCode, 200);
      assert.equal((await post('/services/website', { name: 'Website' })).statusCode, 200);
      clock.current = NOW;
    });

    it('page url: the site URL setting without a trailing slash, else the request origin; settings changes move updated_at', async () => {
      assert.equal(
        (await v2('/api/v2/status.json', { host: 'status.example.org' })).page.url,
        'http://status.example.org',
      );
      const settings = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/settings',
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: JSON.stringify({ site_url: 'https://status.acme.example/' }),
      });
      if (settings.statusCode === 404) {
        // No settings route on the admin API: use the use case the admin site calls.
        const { updateSiteSettings } = await import('../src/services/site-settings.ts');
        clock.current = NOW + 5000;
        await updateSiteSettings(
          t.ctx,
          { kind: 'cli', name: 'test', scope: 'admin' },
          { siteUrl: 'https://status.acme.example/' },
        );
        clock.current = NOW;
      }
      const page = (await v2('/api/v2/status.json')).page;
      assert.equal(page.url, 'https://status.acme.example');
      assert.equal(page.updated_at, new Date(NOW + 5000).toISOString());
    });

    it('status.json ?services= narrows the rule table (comma-separated or repeated); an unknown slug is 400', async () => {
      assert.deepEqual((await v2('/api/v2/status.json?services=email')).status, {
        indicator: 'none',
        description: 'All Systems Operational',
      });
      assert.deepEqual((await v2('/api/v2/status.json?services=api')).status, {
        indicator: 'major',
        description: 'Partial System Outage',
      });
      assert.deepEqual((await v2('/api/v2/status.json?services=api,email')).status.indicator, 'minor');
      assert.deepEqual((await v2('/api/v2/status.json?services=api&services=email')).status.indicator, 'minor');
      const bad = await t.inject({ method: 'GET', url: '/api/v2/status.json?services=api,nope' });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.headers['access-control-allow-origin'], '*');
      assert.match(bad.json().message, /services.*nope/);
    });

    it('the rule table over real statuses: all major critical, partial everywhere major, degraded rows', async () => {
      await post('/services/email/events', { status: 'down', message: 'x' });
      await post('/services/website/events', { status: 'down', message: 'x' });
      await post('/services/api/events', { status: 'down', message: 'x' });
      assert.deepEqual((await v2('/api/v2/status.json')).status, {
        indicator: 'critical',
        description: 'Major System Outage',
      });
      for (const s of ['email', 'website', 'api'])
        await post(`/services/${s}/events`, { status: 'partial', message: 'x' });
      assert.deepEqual((await v2('/api/v2/status.json')).status, {
        indicator: 'major',
        description: 'Partial System Outage',
      });
      for (const s of ['email', 'website', 'api'])
        await post(`/services/${s}/events`, { status: 'warning', message: 'x' });
      assert.deepEqual((await v2('/api/v2/status.json')).status, {
        indicator: 'minor',
        description: 'Degraded System Service',
      });
      assert.deepEqual((await v2('/api/v2/status.json?services=api')).status, {
        indicator: 'minor',
        description: 'Partially Degraded Service',
      });
      for (const s of ['email', 'website']) await post(`/services/${s}/events`, { status: 'up', message: 'x' });
      assert.deepEqual((await v2('/api/v2/status.json')).status, {
        indicator: 'minor',
        description: 'Partially Degraded Service',
      });
      await post('/services/api/events', { status: 'partial', message: 'errors' });
    });

    it('ETag and 304; the cache follows change notices; JSONP bypasses it (no ETag) and a bad callback is 400', async () => {
      const first = await t.inject({ method: 'GET', url: '/api/v2/summary.json' });
      const etag = first.headers.etag as string;
      const again = await t.inject({ method: 'GET', url: '/api/v2/summary.json', headers: { 'if-none-match': etag } });
      assert.equal(again.statusCode, 304);
      await post('/services/email/events', { status: 'down', message: 'now down' });
      const changed = await t.inject({
        method: 'GET',
        url: '/api/v2/summary.json',
        headers: { 'if-none-match': etag },
      });
      assert.equal(changed.statusCode, 200);
      assert.notEqual(changed.headers.etag, etag);
      assert.equal((changed.json().components as Json[]).find((c) => c.name === 'Email')!.status, 'major_outage');
      await post('/services/email/events', { status: 'up', message: 'fine' });

      const jsonp = await t.inject({ method: 'GET', url: '/api/v2/components.json?callback=handle.it' });
      assert.equal(jsonp.statusCode, 200);
      assert.equal(jsonp.headers['content-type'], 'application/javascript; charset=utf-8');
      assert.equal(jsonp.headers.etag, undefined);
      assert.match(jsonp.body, /^handle\.it\(\{"page":/);
      assert.match(jsonp.body, /\);$/);
      const bad = await t.inject({ method: 'GET', url: '/api/v2/components.json?callback=alert(1)' });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(bad.headers['access-control-allow-origin'], '*');
      // Other query parameters are ignored.
      assert.deepEqual(
        (await v2('/api/v2/components.json?x=1&limit=2')).components,
        (await v2('/api/v2/components.json')).components,
      );
    });

    it('uptime.json: N days (default the history days), the contract numbers, 400 outside 1-366', async () => {
      const body = await v2('/api/v2/uptime.json?days=3');
      const uptime = body.uptime;
      assert.deepEqual(Object.keys(uptime), ['start_date', 'end_date', 'uptime_30d', 'uptime_90d', 'components']);
      assert.equal(uptime.start_date, '2026-03-03');
      assert.equal(uptime.end_date, '2026-03-05');
      const api = (uptime.components as Json[]).find((c) => c.name === 'API')!;
      assert.deepEqual(Object.keys(api), ['id', 'name', 'start_date', 'uptime_30d', 'uptime_90d', 'days']);
      assert.equal(api.start_date, '2025-11-02');
      assert.deepEqual(api.days[2], {
        date: '2026-03-05',
        counted_seconds: 42127,
        major_outage_seconds: 0,
        partial_outage_seconds: 5404,
        degraded_performance_seconds: 0,
        uptime: 96.1515,
      });
      assert.deepEqual(api.days[0], {
        date: '2026-03-03',
        counted_seconds: 86400,
        major_outage_seconds: 0,
        partial_outage_seconds: 0,
        degraded_performance_seconds: 0,
        uptime: 100,
      });
      assert.equal((await v2('/api/v2/uptime.json')).uptime.components[0].days.length, 90);
      assert.equal((await v2('/api/v2/uptime.json?days=366')).uptime.components[0].days.length, 366);
      for (const days of ['0', '367', 'abc', '1.5', '-1']) {
        const res = await t.inject({ method: 'GET', url: `/api/v2/uptime.json?days=${days}` });
        assert.equal(res.statusCode, 400, days);
        assert.match(res.json().message, /^days /);
        assert.equal(res.headers['access-control-allow-origin'], '*');
      }
    });
  });

  describe(`backdated events, §7.1 (${backend})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend, { clock: new TestClock(NOW) });
      await t.post('/services', { name: 'API', description: 'x' });
      await t.inject({
        method: 'POST',
        url: '/admin/api/v1/channels',
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: JSON.stringify({ kind: 'webhook', name: 'hook', target: 'https://hooks.example.com/x' }),
      });
    });
    after(async () => t.close());
    const outbox = async () =>
      Number(
        (
          await t.ctx.database.db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('writes the event at the past instant, with no notice; it is current only when newest', async () => {
      const live = await t.post('/services/api/events', { status: 'up', message: 'now' });
      assert.equal(live.statusCode, 201);
      const notices = await outbox();
      assert.ok(notices > 0, 'a live event writes a notice');
      const past = await t.post('/services/api/events', {
        status: 'down',
        message: 'last week',
        timestamp: '2026-02-26T08:00:00.123Z',
      });
      assert.equal(past.statusCode, 201);
      assert.equal(past.json().timestamp, 'Thu, 26 Feb 2026 08:00:00 GMT');
      assert.equal(await outbox(), notices, 'no notice for history');
      assert.equal((await t.get('/services/api/events/current')).json().message, 'now');
      const rfc = await t.post('/services/api/events', {
        status: 'down',
        message: 'rfc date',
        timestamp: 'Thu, 05 Mar 2026 10:00:00 GMT',
      });
      assert.equal(rfc.statusCode, 201);
      const listed = (await t.get('/services/api/events')).json().events.map((e: Json) => e.message);
      assert.deepEqual(listed, ['now', 'rfc date', 'last week']);
      // Newest by timestamp becomes current.
      const newest = await t.post('/services/api/events', {
        status: 'down',
        message: 'just now',
        timestamp: new Date(NOW).toISOString(),
      });
      assert.equal(newest.statusCode, 201);
      assert.equal((await t.get('/services/api/events/current')).json().message, 'just now');
      assert.equal(await outbox(), notices);
    });

    it('refuses the future and unparseable dates (400 naming timestamp) and events-scope tokens (403), changing nothing', async () => {
      const before = (await t.get('/services/api/events')).body;
      for (const timestamp of [new Date(NOW + 1).toISOString(), 'yesterday', '2026-02-30T00:00:00Z']) {
        const res = await t.post('/services/api/events', { status: 'down', message: 'x', timestamp });
        assert.equal(res.statusCode, 400, timestamp);
        assert.match(res.json().message, /timestamp/);
      }
      const { secret } = await createToken(
        t.ctx,
        { kind: 'cli', name: 'test', scope: 'admin' },
        { name: 'monitor', scope: 'events' },
      );
      const res = await t.inject({
        method: 'POST',
        url: '/admin/api/v1/services/api/events',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'status=down&message=x&timestamp=2026-01-01T00:00:00Z',
      });
      assert.equal(res.statusCode, 403);
      assert.equal((await t.get('/services/api/events')).body, before);
    });
  });
}
