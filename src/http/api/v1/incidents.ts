import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Context } from '../../../services/context.ts';
import * as incidents from '../../../services/incidents.ts';
import type { AnswerFor, OnceFor } from '../../../services/idempotent-write.ts';
import type { IncidentUpdate } from '../../../domain/incidents.ts';
import { getSiteSettings } from '../../../services/site-settings.ts';
import { adminIncidentJson, adminUpdateJson, type PageRef } from '../../../domain/incident-json.ts';
import { HttpError } from '../../errors.ts';
import { resource, type Call } from './resource.ts';

/** §6.1 JSON types of the incident fields (values are checked by the domain rules). */
const Text = Type.String();
const Flag = Type.Union([Type.Boolean(), Type.Literal('true'), Type.Literal('false'), Type.Literal('')]);
const Slugs = Type.Union([Type.Array(Type.String()), Type.String()]);
export const FIELD_TYPES = {
  name: Text,
  body: Text,
  status: Text,
  services: Slugs,
  component_ids: Slugs,
  components: Type.Record(Type.String(), Type.String()),
  impact_override: Type.Union([Type.String(), Type.Null()]),
  started_at: Text,
  display_at: Text,
  deliver_notifications: Flag,
  return_to_default: Flag,
  backfilled: Flag,
  resolved_at: Text,
} as const;
type FieldName = keyof typeof FIELD_TYPES;

/**
 * The parameters a write takes, for the OpenAPI document: the same TypeBox types the route
 * checks them with. Form bodies send `components` as `components[<service>]=<status>` fields and
 * `services` repeated or comma-separated; a JSON body may be wrapped as `{"incident": {...}}`.
 */
export function writeBody(types: Record<string, TSchema>, names: readonly string[], description: string): TSchema {
  return Type.Object(Object.fromEntries(names.map((n) => [n, Type.Optional(types[n]!)])), { description });
}

const ref = (id: string) => Type.Ref(id);
export const INCIDENT_DOCS = {
  incident: ref('AdminIncident'),
  update: ref('AdminIncidentUpdate'),
  list: Type.Object({ incidents: Type.Array(ref('AdminIncident')) }, { additionalProperties: false }),
  create: writeBody(
    FIELD_TYPES,
    [
      'name',
      'body',
      'status',
      'services',
      'component_ids',
      'components',
      'impact_override',
      'started_at',
      'deliver_notifications',
      'return_to_default',
      'backfilled',
      'resolved_at',
    ],
    'Opens an incident (contract §5, §6.1): name and body are required; components maps services to statuses',
  ),
  edit: writeBody(
    FIELD_TYPES,
    ['name', 'services', 'component_ids', 'impact_override', 'started_at'],
    'Edits an incident: services replace the affected ones; statuses change only through updates',
  ),
  postUpdate: writeBody(
    FIELD_TYPES,
    [
      'body',
      'status',
      'services',
      'component_ids',
      'components',
      'display_at',
      'deliver_notifications',
      'return_to_default',
    ],
    'Posts an update: body is required; each changed status posts an event',
  ),
  editUpdate: writeBody(FIELD_TYPES, ['body', 'display_at'], "Corrects an update's text or display time"),
  postmortem: writeBody(FIELD_TYPES, ['body'], 'Publishes or replaces the postmortem of a resolved incident'),
};

const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/** The request's parameters: JSON body (unwrapping `{"incident": {...}}`), form fields, then the query string. */
export function parameters(
  request: FastifyRequest,
  extraTypes: Record<string, TSchema> = {},
  wrapper = 'incident',
): Record<string, unknown> {
  const body = request.body;
  if (typeof body === 'string')
    throw new HttpError(400, 'Send parameters as application/x-www-form-urlencoded or application/json');
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body)))
    throw new HttpError(400, 'The JSON body must be an object');
  let fields: Record<string, unknown> = { ...((body as Record<string, unknown> | null | undefined) ?? {}) };
  const wrapped = fields[wrapper] ?? fields.incident;
  if (wrapped !== null && typeof wrapped === 'object' && !Array.isArray(wrapped))
    fields = { ...(wrapped as Record<string, unknown>) };
  const entries = request.formEntries;
  if (entries) {
    fields = {};
    const components: Record<string, string> = {};
    const repeated: Record<string, string[]> = {};
    for (const [key, value] of entries) {
      const m = /^components\[(.+)\]$/.exec(key);
      if (m) components[m[1]!] = value;
      else if (key === 'services' || key === 'component_ids') (repeated[key] ??= []).push(value);
      else if (!(key in fields)) fields[key] = value;
    }
    Object.assign(fields, repeated);
    if (Object.keys(components).length > 0) fields.components = components;
  }
  for (const [key, value] of Object.entries(request.query as Record<string, unknown>)) {
    if (key === 'callback' || key in fields) continue;
    fields[key] = Array.isArray(value) ? value[0] : value;
  }
  for (const [name, schema] of Object.entries({ ...FIELD_TYPES, ...extraTypes })) {
    const value = fields[name];
    if (value !== undefined && !Value.Check(schema, value)) throw new HttpError(400, `${name} has the wrong type`);
  }
  return fields;
}

export function list(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? (value as string[]) : [value as string];
  return items
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function input(fields: Record<string, unknown>): incidents.IncidentInput {
  const get = (name: FieldName) => fields[name];
  return {
    name: get('name'),
    body: get('body'),
    status: get('status'),
    services: list(get('services')),
    componentIds: list(get('component_ids')),
    components: get('components') as Record<string, unknown> | undefined,
    impactOverride: get('impact_override'),
    startedAt: get('started_at'),
    displayAt: get('display_at'),
    deliverNotifications: get('deliver_notifications'),
    returnToDefault: get('return_to_default'),
    backfilled: get('backfilled'),
    resolvedAt: get('resolved_at'),
  };
}

export async function pageOf(ctx: Context, request: FastifyRequest): Promise<PageRef> {
  const settings = await getSiteSettings(ctx);
  const url = (settings.siteUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');
  return { id: await incidents.pageId(ctx), url };
}

export const adminBase = (request: FastifyRequest) => `${request.protocol}://${request.host}/admin/api/v1`;

function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** Runs a POST with `Idempotency-Key` (§6.2) when the header is present. */
export async function idempotentPost<V = incidents.ServiceIncidentView>(
  call: Call,
  status: number,
  fields: Record<string, unknown>,
  render: (view: V) => unknown,
  run: (once: OnceFor<V> | undefined) => Promise<AnswerFor<V>>,
): Promise<string> {
  const { request, reply, actor } = call;
  const header = request.headers['idempotency-key'];
  let once: OnceFor<V> | undefined;
  const renderAs = (view: V) => ({ status, body: JSON.stringify(render(view)) });
  if (header !== undefined) {
    const key = Array.isArray(header) ? header[0]! : header;
    if (!IDEMPOTENCY_KEY.test(key))
      throw new HttpError(400, 'Idempotency-Key must be 1–255 printable ASCII characters');
    once = {
      scope: { credential: `${actor.kind}:${actor.name}`, method: 'POST', path: request.url.split('?')[0]!, key },
      parameters: sortedJson(fields),
      render: renderAs,
    };
  }
  const result = await run(once);
  const answer = result.answer ?? renderAs(result.view!);
  if (result.answer?.replayed) reply.header('idempotent-replayed', 'true');
  reply.code(answer.status);
  return answer.body;
}

/** Runs an update's edit (an idempotent POST) whose answer is that update of the incident or maintenance. */
export async function idempotentUpdateEdit<V extends { updates: IncidentUpdate[] }>(
  call: Call,
  fields: Record<string, unknown>,
  updateId: string,
  run: (once: OnceFor<V> | undefined) => Promise<AnswerFor<V>>,
): Promise<string> {
  return idempotentPost<V>(
    call,
    200,
    fields,
    (v) =>
      adminUpdateJson(
        v.updates.find((u) => u.id === updateId)!,
        adminBase(call.request),
      ),
    run,
  );
}

export function limitOf(request: FastifyRequest): number {
  const raw = (request.query as Record<string, unknown>).limit;
  if (raw === undefined) return 50;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || n < 1 || n > 500)
    throw new HttpError(400, 'limit must be an integer from 1 to 500');
  return n;
}

/** The admin API of incidents (§6), on the admin mount only. */
export async function incidentApi(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const v1 = { mount: 'admin' as const, mountPath: '/admin/api/v1', ctx: options.ctx };
  const json = async (call: Call, view: incidents.ServiceIncidentView) =>
    adminIncidentJson(view, await pageOf(call.ctx, call.request), adminBase(call.request));
  const post = async (
    call: Call,
    status: number,
    run: (fields: Record<string, unknown>, once: incidents.Once | undefined) => Promise<incidents.WriteAnswer>,
  ) => {
    const fields = parameters(call.request);
    const page = await pageOf(call.ctx, call.request);
    return idempotentPost(
      call,
      status,
      fields,
      (v) => adminIncidentJson(v, page, adminBase(call.request)),
      (once) => run(fields, once),
    );
  };

  resource(app, v1, '/incidents', {
    GET: {
      action: 'incident.read',
      response: INCIDENT_DOCS.list,
      run: async (call) => {
        const views = await incidents.listIncidents(call.ctx, { limit: limitOf(call.request) });
        const page = await pageOf(call.ctx, call.request);
        return { incidents: views.map((v) => adminIncidentJson(v, page, adminBase(call.request))) };
      },
    },
    POST: {
      write: true,
      action: 'incident.write',
      status: 201,
      response: INCIDENT_DOCS.incident,
      body: INCIDENT_DOCS.create,
      run: (call) =>
        post(call, 201, (fields, once) => incidents.createIncident(call.ctx, call.actor, input(fields), once)),
    },
  });

  resource(app, v1, '/incidents/:incident', {
    GET: {
      action: 'incident.read',
      response: INCIDENT_DOCS.incident,
      run: async (call) => json(call, await incidents.getIncident(call.ctx, call.params.incident!)),
    },
    POST: {
      write: true,
      action: 'incident.write',
      response: INCIDENT_DOCS.incident,
      body: INCIDENT_DOCS.edit,
      run: (call) =>
        post(call, 200, (fields, once) =>
          incidents.editIncident(call.ctx, call.actor, call.params.incident!, input(fields), once),
        ),
    },
    DELETE: {
      write: true,
      action: 'incident.write',
      response: INCIDENT_DOCS.incident,
      run: async (call) => json(call, await incidents.deleteIncident(call.ctx, call.actor, call.params.incident!)),
    },
  });

  resource(app, v1, '/incidents/:incident/updates', {
    POST: {
      write: true,
      action: 'incident.write',
      status: 201,
      response: INCIDENT_DOCS.incident,
      body: INCIDENT_DOCS.postUpdate,
      run: (call) =>
        post(call, 201, (fields, once) =>
          incidents.postUpdate(call.ctx, call.actor, call.params.incident!, input(fields), once),
        ),
    },
  });

  resource(app, v1, '/incidents/:incident/updates/:update', {
    GET: {
      action: 'incident.read',
      response: INCIDENT_DOCS.update,
      run: async (call) =>
        adminUpdateJson(
          await incidents.getUpdate(call.ctx, call.params.incident!, call.params.update!),
          adminBase(call.request),
        ),
    },
    POST: {
      write: true,
      action: 'incident.write',
      response: INCIDENT_DOCS.update,
      body: INCIDENT_DOCS.editUpdate,
      run: async (call) => {
        const fields = parameters(call.request);
        const updateId = call.params.update!;
        return idempotentUpdateEdit<incidents.ServiceIncidentView>(call, fields, updateId, (once) =>
          incidents.editUpdate(
            call.ctx,
            call.actor,
            call.params.incident!,
            updateId,
            { body: fields.body, displayAt: fields.display_at },
            once,
          ),
        );
      },
    },
  });

  resource(app, v1, '/incidents/:incident/postmortem', {
    POST: {
      write: true,
      action: 'incident.write',
      response: INCIDENT_DOCS.incident,
      body: INCIDENT_DOCS.postmortem,
      run: (call) =>
        post(call, 200, (fields, once) =>
          incidents.publishPostmortem(call.ctx, call.actor, call.params.incident!, { body: fields.body }, once),
        ),
    },
  });
}
