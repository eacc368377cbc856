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

  it('/documentation links to it', async () => {
    const page = await t.inject({ method: 'GET', url: '/documentation' });
    assert.match(page.body, /href="\/api\/openapi\.json"/);
  });
});
