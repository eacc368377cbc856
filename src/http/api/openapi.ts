import type { RouteOptions } from 'fastify';
import { ADMIN_INCIDENT_SCHEMAS, V2_SHARED_SCHEMAS, ErrorSchema } from './v2/schemas.ts';

/**
 * The OpenAPI 3.1 document of /api/v1, /api/v2 and /admin/api/v1, made from the routes as
 * the server registers them: their paths, methods and the JSON Schemas they validate
 * with, so it cannot drift from the code.
 */

interface Documented {
  methods: string[];
  statuses?: Record<string, number>;
  /** Per method: the answer's schema, when the route has no `schema.response` of its own. */
  responses?: Record<string, unknown>;
  /** Per method: the parameters a write takes. */
  bodies?: Record<string, unknown>;
}

interface CatalogEntry {
  url: string;
  methods: string[];
  statuses: Record<string, number>;
  responses: Record<string, unknown>;
  bodies: Record<string, unknown>;
  schema: RouteOptions['schema'];
}

const DOCUMENTED_PREFIXES = /^\/(api\/v[12]|admin\/api\/v1)\//;
const ALWAYS_HIDDEN = new Set(['HEAD', 'OPTIONS']);

/** Collects routes as they are added (an `onRoute` hook). */
export class RouteCatalog {
  readonly entries: CatalogEntry[] = [];

  readonly add = (route: RouteOptions): void => {
    if (!DOCUMENTED_PREFIXES.test(route.url) || route.url.includes('*')) return;
    const config = route.config as { documented?: Documented | false } | undefined;
    if (config?.documented === false) return;
    const all = (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase());
    const methods = (config?.documented ? config.documented.methods : all).filter((m) => !ALWAYS_HIDDEN.has(m));
    if (methods.length === 0) return;
    const documented = config?.documented || undefined;
    this.entries.push({
      url: route.url,
      methods,
      statuses: documented?.statuses ?? {},
      responses: documented?.responses ?? {},
      bodies: documented?.bodies ?? {},
      schema: route.schema,
    });
  };
}

/** A JSON Schema as OpenAPI carries it: `$ref: "X"` becomes `#/components/schemas/X`, no `$id`. */
function rewrite(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rewrite);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$id') continue;
    if (key === '$ref' && typeof value === 'string' && !value.startsWith('#'))
      out.$ref = `#/components/schemas/${value}`;
    else out[key] = rewrite(value);
  }
  return out;
}

const ERROR_RESPONSE = {
  description: 'An error: `{"error": true, "code": <status>, "message": "..."}`',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};
const ADMIN_SECURITY = [{ bearer: [] }, { oauth1: [] }, { session: [] }];

function operation(entry: CatalogEntry, method: string) {
  const schema = (entry.schema ?? {}) as {
    summary?: string;
    querystring?: { properties?: Record<string, unknown>; required?: string[] };
    response?: Record<string, unknown>;
  };
  const pathParams = [...entry.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
    name: m[1]!,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const queryParams = Object.entries(schema.querystring?.properties ?? {}).map(([name, s]) => ({
    name,
    in: 'query',
    required: schema.querystring?.required?.includes(name) ?? false,
    schema: rewrite(s),
    ...(typeof (s as { description?: unknown }).description === 'string'
      ? { description: (s as { description: string }).description }
      : {}),
  }));
  const status = String(entry.statuses[method] ?? 200);
  const declared = entry.responses[method] ?? schema.response?.[status] ?? schema.response?.['200'];
  const body = entry.bodies[method];
  const admin = entry.url.startsWith('/admin/');
  return {
    ...(schema.summary ? { summary: schema.summary } : {}),
    operationId: `${method.toLowerCase()}${entry.url.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    tags: [
      entry.url
        .split('/')
        .slice(1, admin ? 4 : 3)
        .join('/'),
    ],
    ...(pathParams.length + queryParams.length > 0 ? { parameters: [...pathParams, ...queryParams] } : {}),
    ...(method === 'POST' && admin
      ? {
          requestBody: {
            required: false,
            content: {
              'application/x-www-form-urlencoded': { schema: body ? rewrite(body) : { type: 'object' } },
              'application/json': { schema: body ? rewrite(body) : { type: 'object' } },
            },
          },
        }
      : {}),
    responses: {
      [status]: {
        description: 'Success',
        content: { 'application/json': { schema: declared ? rewrite(declared) : { type: 'object' } } },
      },
      default: ERROR_RESPONSE,
    },
    security: admin ? ADMIN_SECURITY : [],
  };
}

export function openApiDocument(catalog: RouteCatalog, version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const entries = [...catalog.entries].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  for (const entry of entries) {
    const path = entry.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const item = (paths[path] ??= {});
    for (const method of entry.methods) item[method.toLowerCase()] = operation(entry, method);
  }
  const schemas: Record<string, unknown> = {};
  for (const schema of [...V2_SHARED_SCHEMAS, ...ADMIN_INCIDENT_SCHEMAS, ErrorSchema])
    schemas[schema.$id!] = rewrite(schema);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Stashboard API',
      version,
      description:
        'The Stashboard v1 REST API (public at /api/v1, read-write at /admin/api/v1) and the Statuspage v2 JSON at /api/v2. See /documentation.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (`stashboard token create`), scope admin or events',
        },
        oauth1: {
          type: 'http',
          scheme: 'OAuth',
          description: 'OAuth 1.0a, HMAC-SHA1 signatures (`stashboard oauth show`)',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'sb_session',
          description: "The admin site's session; writes also need the X-CSRF-Token header",
        },
      },
    },
  };
}
