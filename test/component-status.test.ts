import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, freshDatabaseUrl, startTestApp, type TestApp } from './support/harness.ts';
import { loggedIn, type AdminClient } from './support/admin-client.ts';
import { connect } from '../src/db/connect.ts';
import { migrateTo, migrateToLatest } from '../src/db/migrate.ts';
import { exportData } from '../src/services/transfer.ts';
import { systemIds } from '../src/services/system.ts';
import { ChangeBus } from '../src/changes/bus.ts';

const ID = /^[a-z0-9]{12}$/;

for (const backend of BACKENDS) {
  describe(`component status of a status, §7.3 (${backend})`, () => {
    let t: TestApp;
    let site: AdminClient;
    before(async () => {
      t = await startTestApp(backend);
      site = await loggedIn(t, 'admin@example.com', 'admin');
    });
    after(async () => t.close());

    const componentStatusOf = async (slug: string) => (await t.get(`/statuses/${slug}`)).json().component_status;
    const postJson = (path: string, body: unknown) =>
      t.inject({
        method: 'POST',
        url: `/admin/api/v1${path}`,
        headers: { ...t.admin, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });

    it('seeds up operational, warning degraded_performance and down major_outage (levels unchanged)', async () => {
      const all = (await t.get('/statuses')).json().statuses as Array<Record<string, unknown>>;
      assert.deepEqual(
        all.map((s) => [s.id, s.level, s.component_status]),
        [
          ['down', 'ERROR', 'major_outage'],
          ['up', 'NORMAL', 'operational'],
          ['warning', 'WARNING', 'degraded_performance'],
        ],
      );
    });

    it('is shown on the admin mount only: never on /api/v1, in statuses, events or current-event', async () => {
      assert.equal((await t.post('/services', { name: 'Shown', description: 'x' })).statusCode, 201);
      const posted = await t.post('/services/shown/events', { message: 'down', status: 'down' });
      assert.equal(posted.json().status.component_status, 'major_outage');
      assert.equal((await t.get('/services/shown/events/current')).json().status.component_status, 'major_outage');
      assert.equal((await t.get('/services/shown')).json()['current-event'].status.component_status, 'major_outage');
      for (const path of ['/statuses', '/statuses/down', '/services/shown', '/services/shown/events/current']) {
        const body = (await t.inject({ method: 'GET', url: `/api/v1${path}` })).body;
        assert.doesNotMatch(body, /component_status/, path);
      }
    });

    it('defaults to the level: NORMAL operational, WARNING degraded, ERROR partial, CRITICAL major', async () => {
      const expected = {
        NORMAL: 'operational',
        WARNING: 'degraded_performance',
        ERROR: 'partial_outage',
        CRITICAL: 'major_outage',
      };
      for (const [level, cs] of Object.entries(expected)) {
        const res = await t.post('/statuses', { name: `Default ${level}`, description: 'x', image: 'flag', level });
        assert.equal(res.statusCode, 201);
        assert.equal(res.json().component_status, cs);
      }
    });

    it('is set on create (form and JSON) and on edit; other edits keep it; a level change without it resets it', async () => {
      const created = await t.post('/statuses', {
        name: 'Partial',
        description: 'Some requests fail',
        image: 'exclamation',
        level: 'ERROR',
        component_status: 'major_outage',
      });
      assert.equal(created.statusCode, 201);
      assert.equal(created.json().component_status, 'major_outage');
      const json = await postJson('/statuses', {
        name: 'Slow',
        description: 'x',
        image: 'flag',
        level: 'CRITICAL',
        component_status: 'degraded_performance',
      });
      assert.equal(json.statusCode, 201);
      assert.equal(json.json().component_status, 'degraded_performance');

      assert.equal((await t.post('/statuses/partial', { component_status: 'partial_outage' })).statusCode, 200);
      assert.equal(await componentStatusOf('partial'), 'partial_outage');
      assert.equal((await t.post('/statuses/partial', { description: 'Edited' })).statusCode, 200);
      assert.equal(await componentStatusOf('partial'), 'partial_outage', 'other edits keep it');
      assert.equal((await t.post('/statuses/partial', { level: 'ERROR' })).statusCode, 200);
      assert.equal(await componentStatusOf('partial'), 'partial_outage', 'the same level is no change');
      assert.equal((await t.post('/statuses/partial', { level: 'WARNING' })).statusCode, 200);
      assert.equal(await componentStatusOf('partial'), 'degraded_performance', 'a level change resets it');
      const both = await postJson('/statuses/partial', { level: 'CRITICAL', component_status: 'partial_outage' });
      assert.equal(both.statusCode, 200);
      assert.equal(both.json().component_status, 'partial_outage');
    });

    it('refuses other values and pairs breaking NORMAL ⇔ operational with 400 naming component_status, changing nothing', async () => {
      const before = (await t.get('/statuses')).body;
      const cases: Array<[string, unknown]> = [
        ['/statuses/warning', 'Major_Outage'],
        ['/statuses/warning', 'under_maintenance'],
        ['/statuses/warning', ''],
        ['/statuses/warning', 3],
        ['/statuses/warning', null],
        ['/statuses/warning', ['major_outage']],
        ['/statuses/warning', 'operational'],
        ['/statuses/up', 'degraded_performance'],
      ];
      for (const [path, value] of cases) {
        const res = await postJson(path, { component_status: value });
        assert.equal(res.statusCode, 400, `${path} ${JSON.stringify(value)}`);
        assert.equal(res.json().error, true);
        assert.match(res.json().message, /component_status/);
      }
      // Judged on the level after the request: NORMAL with a non-operational value, or the reverse.
      const toNormal = await postJson('/statuses/warning', { level: 'NORMAL', component_status: 'partial_outage' });
      assert.equal(toNormal.statusCode, 400);
      assert.match(toNormal.json().message, /component_status/);
      const created = await postJson('/statuses', {
        name: 'Bad pair',
        description: 'x',
        image: 'flag',
        level: 'ERROR',
        component_status: 'operational',
      });
      assert.equal(created.statusCode, 400);
      assert.match(created.json().message, /component_status/);
      assert.equal((await t.get('/statuses')).body, before);
      assert.equal((await t.get('/statuses/bad-pair')).statusCode, 404);
      // A level change to NORMAL without it is fine: the default is operational.
      assert.equal((await t.post('/statuses/warning', { level: 'NORMAL' })).statusCode, 200);
      assert.equal(await componentStatusOf('warning'), 'operational');
      assert.equal((await t.post('/statuses/warning', { level: 'WARNING' })).statusCode, 200);
      assert.equal(await componentStatusOf('warning'), 'degraded_performance');
    });

    it('the admin site status forms show and edit it (a select of the four, same rules)', async () => {
      const form = await site.get('/admin/statuses/new');
      assert.match(form.body, /<select id="status-component_status" name="component_status"/);
      for (const value of ['operational', 'degraded_performance', 'partial_outage', 'major_outage'])
        assert.match(form.body, new RegExp(`<option value="${value}"`));
      const created = await site.post('/admin/statuses', {
        name: 'Site made',
        description: 'x',
        image: 'flag',
        level: 'ERROR',
        component_status: 'major_outage',
      });
      assert.equal(created.statusCode, 303);
      assert.equal(await componentStatusOf('site-made'), 'major_outage');
      const edit = await site.get('/admin/statuses/site-made');
      assert.match(edit.body, /<option value="major_outage" +selected>/);
      const bad = await site.post('/admin/statuses/site-made', {
        name: 'Site made',
        description: 'x',
        image: 'flag',
        level: 'NORMAL',
        component_status: 'major_outage',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Component status of a NORMAL status must be operational/);
      assert.equal(await componentStatusOf('site-made'), 'major_outage');
      // "The level's default" (empty) with a level change takes the new level's default.
      const reset = await site.post('/admin/statuses/site-made', {
        name: 'Site made',
        description: 'x',
        image: 'flag',
        level: 'WARNING',
        component_status: '',
      });
      assert.equal(reset.statusCode, 303);
      assert.equal(await componentStatusOf('site-made'), 'degraded_performance');
      assert.match((await site.get('/admin/statuses')).body, /<th scope="col">Component status<\/th>/);
    });

    it('export writes it and the ids; services and lists keep their 12-character ids across renames', async () => {
      assert.equal((await t.post('/service-lists', { name: 'Core', description: 'x' })).statusCode, 201);
      assert.equal((await t.post('/services', { name: 'Renamed', description: 'x', list: 'core' })).statusCode, 201);
      const before = await exportData(t.ctx);
      const service = before.services.find((s) => s.slug === 'renamed')!;
      const list = before.lists.find((l) => l.slug === 'core')!;
      assert.match(service.componentId!, ID);
      assert.match(list.componentId!, ID);
      assert.notEqual(service.componentId, list.componentId);
      assert.equal(before.statuses.find((s) => s.slug === 'down')!.componentStatus, 'major_outage');
      assert.match(before.settings.find((s) => s.key === 'page.id')!.value as string, ID);
      assert.equal((await t.post('/services/renamed', { name: 'Another name' })).statusCode, 200);
      assert.equal((await t.post('/service-lists/core', { name: 'Kernel' })).statusCode, 200);
      const after = await exportData(t.ctx);
      assert.equal(after.services.find((s) => s.slug === 'renamed')!.componentId, service.componentId);
      assert.equal(after.lists.find((l) => l.slug === 'core')!.componentId, list.componentId);
      assert.equal(
        after.settings.find((s) => s.key === 'page.id')!.value,
        before.settings.find((s) => s.key === 'page.id')!.value,
      );
    });
  });

  describe(`the component-status and ids migration on an existing database (${backend})`, () => {
    it('gives statuses their component status (down at ERROR: major_outage) and services and lists their ids', async () => {
      const location = await freshDatabaseUrl(backend);
      const database = connect(location.url);
      try {
        await migrateTo(database, '2026-11-26-05-notifications');
        const db = database.db as unknown as import('kysely').Kysely<any>;
        const status = (slug: string, level: string, id: number) => ({
          id,
          slug,
          name: slug,
          description: slug,
          level,
          image: 'flag',
          is_default: slug === 'up' ? 1 : 0,
          created_at: 1000,
        });
        await db
          .insertInto('statuses')
          .values([
            status('up', 'NORMAL', 1),
            status('down', 'ERROR', 2),
            status('warning', 'WARNING', 3),
            status('fire', 'CRITICAL', 4),
            status('broken', 'ERROR', 5),
          ])
          .execute();
        await db
          .insertInto('service_lists')
          .values({ id: 1, slug: 'core', name: 'Core', description: 'x', created_at: 5 })
          .execute();
        await db
          .insertInto('services')
          .values([
            { id: 1, slug: 'api', name: 'API', description: 'x', list_id: 1, created_at: 7 },
            { id: 2, slug: 'web', name: 'Web', description: 'x', list_id: null, created_at: 8 },
          ])
          .execute();
        await migrateToLatest(database);
        const rows = await db.selectFrom('statuses').select(['slug', 'component_status']).orderBy('id').execute();
        assert.deepEqual(
          rows.map((r: { slug: string; component_status: string }) => [r.slug, r.component_status]),
          [
            ['up', 'operational'],
            ['down', 'major_outage'],
            ['warning', 'degraded_performance'],
            ['fire', 'major_outage'],
            ['broken', 'partial_outage'],
          ],
        );
        const ctx = { database, clock: { now: () => 10 }, ids: systemIds(), changes: new ChangeBus() };
        const doc = await exportData(ctx);
        const ids = [...doc.services.map((s) => s.componentId), ...doc.lists.map((l) => l.componentId)];
        assert.equal(ids.length, 3);
        for (const id of ids) assert.match(id!, ID);
        assert.equal(new Set(ids).size, 3);
        assert.deepEqual(
          doc.services.map((s) => [s.slug, s.updatedAt]),
          [
            ['api', 7],
            ['web', 8],
          ],
        );
      } finally {
        await database.close();
        await location.drop();
      }
    });
  });
}

describe('import of component statuses, ids and the page id', () => {
  const base = () => ({
    format: 'stashboard-export',
    version: 1,
    lists: [{ slug: 'core', name: 'Core', description: 'x', createdAt: 1 }] as Array<Record<string, unknown>>,
    services: [{ slug: 'api', name: 'API', description: 'x', list: 'core', createdAt: 2 }] as Array<
      Record<string, unknown>
    >,
    statuses: [
      { slug: 'up', name: 'Up', description: 'x', level: 'NORMAL', image: 'flag', default: true, createdAt: 1 },
      { slug: 'down', name: 'Down', description: 'x', level: 'ERROR', image: 'flag', default: false, createdAt: 1 },
      {
        slug: 'bad',
        name: 'Bad',
        description: 'x',
        level: 'ERROR',
        image: 'flag',
        default: false,
        createdAt: 1,
      },
    ] as Array<Record<string, unknown>>,
    events: [],
    tokens: [],
    settings: [] as Array<{ key: string; value: unknown }>,
  });

  async function withDatabase(work: (ctx: import('../src/services/context.ts').Context) => Promise<void>) {
    const location = await freshDatabaseUrl('sqlite');
    const database = connect(location.url);
    const ctx = { database, clock: { now: () => 10 }, ids: systemIds(), changes: new ChangeBus() };
    try {
      const { prepareDatabase } = await import('../src/services/setup.ts');
      await prepareDatabase(ctx);
      await work(ctx);
    } finally {
      await database.close();
      await location.drop();
    }
  }
  const cli = { kind: 'cli', name: 'test', scope: 'admin' } as const;

  it('reads an export without them as the migration reads a database, and makes ids and a page id', async () => {
    await withDatabase(async (ctx) => {
      const { importData } = await import('../src/services/transfer.ts');
      await importData(ctx, cli, base());
      const doc = await exportData(ctx);
      assert.deepEqual(
        doc.statuses.map((s) => [s.slug, s.componentStatus]),
        [
          ['bad', 'partial_outage'],
          ['down', 'major_outage'],
          ['up', 'operational'],
        ],
      );
      assert.match(doc.services[0]!.componentId!, ID);
      assert.match(doc.lists[0]!.componentId!, ID);
      assert.match(doc.settings.find((s) => s.key === 'page.id')!.value as string, ID);
    });
  });

  it('keeps the ids and page id it is given, and refuses a bad value or pair', async () => {
    await withDatabase(async (ctx) => {
      const { importData } = await import('../src/services/transfer.ts');
      const doc = base();
      doc.lists[0] = { ...doc.lists[0]!, componentId: 'k3v9d2m7q1xa' };
      doc.services[0] = { ...doc.services[0]!, componentId: 'b13yz5g2cw10' };
      doc.statuses[2] = { ...doc.statuses[2]!, componentStatus: 'major_outage' };
      doc.settings.push({ key: 'page.id', value: 'x7k2m9q4w1zt' });
      for (const [broken, message] of [
        [
          {
            ...doc,
            statuses: [doc.statuses[0], doc.statuses[1], { ...doc.statuses[2], componentStatus: 'operational' }],
          },
          /component status operational does not go with level ERROR/,
        ],
        [
          { ...doc, statuses: [doc.statuses[0], doc.statuses[1], { ...doc.statuses[2], componentStatus: 'broken' }] },
          /componentStatus/,
        ],
        [{ ...doc, settings: [{ key: 'page.id', value: 'NOPE' }] }, /page\.id/],
      ] as const) {
        await assert.rejects(importData(ctx, cli, broken), message);
      }
      await importData(ctx, cli, doc);
      const out = await exportData(ctx);
      assert.equal(out.lists[0]!.componentId, 'k3v9d2m7q1xa');
      assert.equal(out.services[0]!.componentId, 'b13yz5g2cw10');
      assert.equal(out.statuses.find((s) => s.slug === 'bad')!.componentStatus, 'major_outage');
      assert.equal(out.settings.find((s) => s.key === 'page.id')!.value, 'x7k2m9q4w1zt');
    });
  });
});
