import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { startTestApp, TestClock, type TestApp } from './support/harness.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

describe('the OpenAPI 3.1 document at /api/openapi.json', () => {
  let t: TestApp;
  let doc: any;
  before(async () => {
    t = await startTestApp('sqlite', { clock: new TestClock(Date.parse('2026-03-05T10:42:07.318Z')) });
    const res = await t.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.headers['access-control-allow-origin'], '*');
    doc = res.json();
  });
  after(async () => t.close());

  it('is a valid OpenAPI 3.1 document (checked by an OpenAPI validator)', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    assert.equal(result.valid, true, String(JSON.stringify(result.errors)).slice(0, 2000));
    assert.equal(validator.version, '3.1');
  });

  it('describes /api/v1, /api/v2 and /admin/api/v1 with the bearer, OAuth 1.0a and session schemes', () => {
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/api/v1/services',
      '/api/v1/services/{service}/events/current',
      '/api/v2/summary.json',
      '/api/v2/status.json',
      '/api/v2/components.json',
      '/api/v2/incidents.json',
      '/api/v2/incidents/unresolved.json',
      '/api/v2/scheduled-maintenances.json',
      '/api/v2/scheduled-maintenances/upcoming.json',
      '/api/v2/scheduled-maintenances/active.json',
      '/api/v2/uptime.json',
      '/admin/api/v1/services/{service}/events',
      '/admin/api/v1/statuses/{status}',
      '/admin/api/v1/channels',
    ])
      assert.ok(paths.includes(path), path);
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['bearer', 'oauth1', 'session']);
    assert.equal(doc.components.securitySchemes.oauth1.scheme, 'OAuth');
    // The public mount is read-only: no writes listed there; the admin mount lists them with security.
    assert.deepEqual(Object.keys(doc.paths['/api/v1/services']), ['get']);
    assert.deepEqual(Object.keys(doc.paths['/admin/api/v1/services']).sort(), ['get', 'post']);
    assert.deepEqual(doc.paths['/admin/api/v1/services'].post.security, [
      { bearer: [] },
      { oauth1: [] },
      { session: [] },
    ]);
    assert.equal(doc.paths['/admin/api/v1/services'].post.responses['201'].description, 'Success');
    assert.deepEqual(doc.paths['/api/v2/summary.json'].get.security, []);
    assert.deepEqual(Object.keys(doc.paths['/api/v2/summary.json']), ['get']);
    const days = doc.paths['/api/v2/uptime.json'].get.parameters.find((p: any) => p.name === 'days');
    assert.deepEqual(
      { type: days.schema.type, minimum: days.schema.minimum, maximum: days.schema.maximum },
      { type: 'integer', minimum: 1, maximum: 366 },
    );
  });

  it('every v2 route has a response schema, and real answers match the document', async () => {
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    ajv.addSchema({ $id: 'doc', components: doc.components });
    await t.post('/service-lists', { name: 'Core', description: 'x' });
    await t.post('/services', { name: 'API', description: 'x', list: 'core' });
    await t.post('/services', { name: 'Email', description: 'x' });
    await t.post('/services/api/events', { status: 'down', message: 'x', timestamp: '2026-03-01T00:00:00Z' });
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      if (!path.startsWith('/api/v2/')) continue;
      const schema = item.get.responses['200'].content['application/json'].schema;
      assert.ok(schema.$ref === undefined && schema.properties?.page, `${path} declares its answer`);
      const text = JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/');
      const validate = ajv.compile(JSON.parse(text));
      const res = await t.inject({ method: 'GET', url: path });
      assert.equal(res.statusCode, 200, path);
      assert.ok(validate(res.json()), `${path}: ${JSON.stringify(validate.errors)}`);
      // The schema is closed: an extra key would fail it.
      assert.equal(validate({ ...res.json(), extra: 1 }), false);
    }
  });

  it('every incident and maintenance route documents its parameters and answers; real answers match', async () => {
    const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const compile = (schema: unknown) =>
      ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')));

    // Each route and method lists its parameters and a real answer schema (not a bare object).
    const routes = Object.entries<any>(doc.paths).filter(([p]) =>
      /^\/admin\/api\/v1\/(incidents|maintenances)|^\/api\/v2\/(incidents|scheduled-maintenances)/.test(p),
    );
    assert.equal(routes.length, 5 + 4 + 5, routes.map(([p]) => p).join(', '));
    for (const [path, item] of routes) {
      for (const [method, op] of Object.entries<any>(item)) {
        const [status, answer] = Object.entries<any>(op.responses).find(([k]) => k !== 'default')!;
        const schema = answer.content['application/json'].schema;
        assert.ok(schema.$ref || schema.properties, `${method} ${path} ${status} declares its answer`);
        if (method === 'post') {
          for (const type of ['application/json', 'application/x-www-form-urlencoded'])
            assert.ok(
              op.requestBody.content[type].schema.properties.body ||
                op.requestBody.content[type].schema.properties.name,
              `${method} ${path} lists its parameters`,
            );
        }
      }
    }
    assert.equal(doc.components.schemas.Incident.allOf.length, 3, 'the v2 incident is made of shared parts');
    assert.equal(doc.components.schemas.AdminIncident.allOf[0].$ref, '#/components/schemas/IncidentFields');
    assert.equal(doc.components.schemas.ScheduledMaintenance.allOf[0].$ref, '#/components/schemas/IncidentFields');

    const checked = new Set<string>();
    const check = async (method: string, url: string, form?: Record<string, string>) => {
      const res =
        method === 'GET' ? await t.get(url) : method === 'DELETE' ? await t.del(url) : await t.post(url, form ?? {});
      assert.ok(res.statusCode < 300, `${method} ${url}: ${res.statusCode} ${res.body}`);
      const template =
        `/admin/api/v1${url.replace(/\/(incidents|maintenances)\/[a-z0-9]{12}/, '/$1/{$1}').replace(/\/updates\/[a-z0-9]{12}/, '/updates/{update}')}`
          .replace('{incidents}', '{incident}')
          .replace('{maintenances}', '{maintenance}');
      const op = doc.paths[template]?.[method.toLowerCase()];
      assert.ok(op, `${method} ${template} is documented`);
      const declared = op.responses[String(res.statusCode)];
      assert.ok(declared, `${method} ${template} documents ${res.statusCode}`);
      const validate = compile(declared.content['application/json'].schema);
      assert.ok(validate(res.json()), `${method} ${template}: ${JSON.stringify(validate.errors)}`);
      checked.add(`${method} ${template}`);
      return res.json();
    };

    await t.post('/services', { name: 'Web', description: 'x' });
    const created = await check('POST', '/incidents', {
      name: 'Errors',
      body: 'Looking.',
      'components[web]': 'down',
    });
    const id = created.id;
    await check('GET', '/incidents');
    await check('GET', `/incidents/${id}`);
    await check('POST', `/incidents/${id}`, { name: 'Web errors', impact_override: 'major' });
    const updated = await check('POST', `/incidents/${id}/updates`, {
      status: 'resolved',
      body: 'Fixed.',
      return_to_default: 'true',
    });
    const uid = updated.incident_updates[0].id;
    await check('GET', `/incidents/${id}/updates/${uid}`);
    await check('POST', `/incidents/${id}/updates/${uid}`, { body: 'Fixed for good.' });
    const pm = await check('POST', `/incidents/${id}/postmortem`, { body: 'A bad deploy.' });
    assert.equal(pm.status, 'postmortem');
    await check('POST', '/incidents', {
      name: 'Old outage',
      body: 'Recorded.',
      backfilled: 'true',
      started_at: '2026-03-01T10:00:00Z',
      resolved_at: '2026-03-01T11:00:00Z',
      'components[web]': 'down',
    });

    const m = await check('POST', '/maintenances', {
      name: 'Upgrade',
      body: 'Upgrading.',
      services: 'web',
      scheduled_for: '2026-03-05T10:00:00Z',
      scheduled_until: '2026-03-05T12:00:00Z',
    });
    assert.equal(m.status, 'in_progress');
    await check('GET', '/maintenances');
    await check('GET', `/maintenances/${m.id}`);
    await check('POST', `/maintenances/${m.id}`, { name: 'Relay upgrade' });
    const mu = await check('POST', `/maintenances/${m.id}/updates`, { status: 'verifying', body: 'Checking.' });
    const muid = mu.incident_updates[0].id;
    await check('GET', `/maintenances/${m.id}/updates/${muid}`);
    await check('POST', `/maintenances/${m.id}/updates/${muid}`, { body: 'Checking the relays.' });
    await check('POST', '/maintenances', {
      name: 'Later',
      body: 'Soon.',
      services: 'web',
      scheduled_for: '2026-03-06T10:00:00Z',
      scheduled_until: '2026-03-06T12:00:00Z',
    });

    // The v2 lists with these in them match their schemas too; the shapes are closed at every level.
    for (const path of [
      '/api/v2/incidents.json',
      '/api/v2/scheduled-maintenances.json',
      '/api/v2/scheduled-maintenances/active.json',
      '/api/v2/scheduled-maintenances/upcoming.json',
      '/api/v2/summary.json',
    ]) {
      const validate = compile(doc.paths[path].get.responses['200'].content['application/json'].schema);
      const body = (await t.inject({ method: 'GET', url: path })).json();
      assert.ok(validate(body), `${path}: ${JSON.stringify(validate.errors)}`);
    }
    const v2 = (await t.inject({ method: 'GET', url: '/api/v2/incidents.json' })).json();
    const validateV2 = compile(
      doc.paths['/api/v2/incidents.json'].get.responses['200'].content['application/json'].schema,
    );
    const withExtra = structuredClone(v2);
    withExtra.incidents[0].postmortem_body = 'x';
    assert.equal(validateV2(withExtra), false, 'a v2 incident has no admin keys');
    const updateExtra = structuredClone(v2);
    updateExtra.incidents[0].incident_updates[0].events = [];
    assert.equal(validateV2(updateExtra), false, 'a v2 update has no events');
    const admin = compile({ $ref: '#/components/schemas/AdminIncident' });
    assert.ok(admin((await t.get(`/incidents/${id}`)).json()));
    const missing = (await t.get(`/incidents/${id}`)).json();
    delete missing.backfilled;
    assert.equal(admin(missing), false, 'every key is required');

    await check('DELETE', `/maintenances/${m.id}`);
    await check('DELETE', `/incidents/${id}`);
    assert.equal(checked.size, 17, [...checked].join(', '));
  });

  it('/documentation links to it', async () => {
    const page = await t.inject({ method: 'GET', url: '/documentation' });
    assert.match(page.body, /href="\/api\/openapi\.json"/);
  });
});
