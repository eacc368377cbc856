import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { V2_ENDPOINTS, V2_SHARED_SCHEMAS } from '../../src/http/api/v2/schemas.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** Checks v2 answers against the response schemas the routes declare (and the OpenAPI document carries). */
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
for (const schema of V2_SHARED_SCHEMAS) ajv.addSchema(schema);
const validators = new Map(V2_ENDPOINTS.map((e) => [e.path, ajv.compile(e.response)]));

export function assertMatchesV2Schema(path: string, body: unknown): void {
  const validate = validators.get(path.replace(/^\/api\/v2/, '').split('?')[0]!);
  assert.ok(validate, `no v2 schema for ${path}`);
  const ok = validate(body);
  assert.ok(ok, `${path} does not match its schema: ${JSON.stringify(validate.errors)}`);
}
