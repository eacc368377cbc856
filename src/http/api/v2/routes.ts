import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../../services/context.ts';
import type { ResponseCache } from '../../cache/response-cache.ts';
import { PUBLIC_CACHE_CONTROL } from '../../site/page-headers.ts';
import { HttpError } from '../../errors.ts';
import {
  activeMaintenances,
  openMaintenances,
  statuspageModel,
  statusOf,
  unresolvedIncidents,
  upcomingMaintenances,
  type StatuspageModel,
} from '../../../services/statuspage.ts';
import { statuspageUptime } from '../../../services/uptime.ts';
import { v2Incident, v2Page, type V2IncidentSource } from '../../../domain/statuspage-v2.ts';
import { uptimePercent } from '../../../domain/uptime.ts';
import { V2_ENDPOINTS, V2_SHARED_SCHEMAS } from './schemas.ts';

export interface V2Options {
  ctx: Context;
  cache?: ResponseCache;
}

/** Answers that change with the clock alone (today's uptime grows) are cached at most this long. */
const CLOCK_BOUND_MS = 60_000;
const ALLOW = 'GET, HEAD, OPTIONS';
const LIST_LIMIT = 50;

type Query = { services?: string | string[]; days?: number; callback?: string };

function pageOf(model: StatuspageModel, request: FastifyRequest) {
  const url = model.settings.siteUrl ?? `${request.protocol}://${request.host}`;
  return v2Page({
    id: model.pageId,
    name: model.settings.siteName,
    url,
    timeZone: model.settings.timeZone,
    updatedAt: model.updatedAt,
  });
}

function incidentsJson(model: StatuspageModel, page: { id: string; url: string }, items: V2IncidentSource[]) {
  return items.map((i) => v2Incident(i, page, model.components));
}

function serviceSlugs(query: Query): string[] | undefined {
  if (query.services === undefined) return undefined;
  const values = Array.isArray(query.services) ? query.services : [query.services];
  const slugs = values
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return slugs.length === 0 ? undefined : slugs;
}

/** Renders one endpoint's answer (a plain object whose first key is `page`). */
async function render(
  ctx: Context,
  path: string,
  request: FastifyRequest,
): Promise<{ body: object; clockBound: boolean }> {
  const model = await statuspageModel(ctx);
  const page = pageOf(model, request);
  const query = request.query as Query;
  const components = model.components.map((c) => c.json);
  switch (path) {
    case '/summary.json':
      return {
        clockBound: false,
        body: {
          page,
          components,
          incidents: incidentsJson(model, page, unresolvedIncidents(model)),
          scheduled_maintenances: incidentsJson(model, page, openMaintenances(model)),
          status: statusOf(model),
        },
      };
    case '/status.json':
      return { clockBound: false, body: { page, status: statusOf(model, serviceSlugs(query)) } };
    case '/components.json':
      return { clockBound: false, body: { page, components } };
    case '/incidents.json':
      return {
        clockBound: false,
        body: { page, incidents: incidentsJson(model, page, model.incidents.slice(0, LIST_LIMIT)) },
      };
    case '/incidents/unresolved.json':
      return { clockBound: false, body: { page, incidents: incidentsJson(model, page, unresolvedIncidents(model)) } };
    case '/scheduled-maintenances.json':
      return {
        clockBound: false,
        body: { page, scheduled_maintenances: incidentsJson(model, page, model.maintenances.slice(0, LIST_LIMIT)) },
      };
    case '/scheduled-maintenances/upcoming.json':
      return {
        clockBound: false,
        body: { page, scheduled_maintenances: incidentsJson(model, page, upcomingMaintenances(model)) },
      };
    case '/scheduled-maintenances/active.json':
      return {
        clockBound: false,
        body: { page, scheduled_maintenances: incidentsJson(model, page, activeMaintenances(model)) },
      };
    case '/uptime.json':
      return { clockBound: true, body: { page, uptime: await uptimeJson(ctx, model, query.days) } };
    default:
      throw new HttpError(404, `No such API resource: /api/v2${path}`);
  }
}

async function uptimeJson(ctx: Context, model: StatuspageModel, days: number | undefined) {
  const count = days ?? model.settings.historyDays;
  const report = await statuspageUptime(ctx, model.settings, model.services, count);
  const seconds = (ms: number) => Math.floor(ms / 1000);
  const bySlug = new Map(report.services.map((s) => [s.service.slug, s]));
  const leaves = model.components.filter((c) => c.slug !== null);
  return {
    start_date: report.days[0]!.key,
    end_date: report.days[report.days.length - 1]!.key,
    uptime_30d: uptimePercent(report.last30),
    uptime_90d: uptimePercent(report.last90),
    components: leaves.map((c) => {
      const s = bySlug.get(c.slug!)!;
      return {
        id: c.json.id,
        name: c.json.name,
        start_date: c.json.start_date,
        uptime_30d: uptimePercent(s.last30),
        uptime_90d: uptimePercent(s.last90),
        days: s.days.map((d) => ({
          date: d.key,
          counted_seconds: seconds(d.counted),
          major_outage_seconds: seconds(d.major),
          partial_outage_seconds: seconds(d.partial),
          degraded_performance_seconds: seconds(d.degraded),
          uptime: uptimePercent(d),
        })),
      };
    }),
  };
}

/**
 * `/api/v2`: Statuspage's public JSON (contract §3, §4) and the uptime extension (§8).
 * GET and HEAD answer from the response cache (dropped on every change notice); JSONP
 * answers bypass it; OPTIONS is 204; other methods 405. Unknown paths fall through to the
 * mount's JSON 404.
 */
/** The query parameters a v2 answer depends on (§3); the cache key is made of these only. */
const V2_QUERY = ['services', 'days'] as const;

export async function v2Routes(app: FastifyInstance, options: V2Options): Promise<void> {
  for (const schema of V2_SHARED_SCHEMAS) app.addSchema(schema);
  for (const endpoint of V2_ENDPOINTS) {
    const serve = async (request: FastifyRequest, reply: FastifyReply) => {
      const produce = async () => {
        const { body, clockBound } = await render(options.ctx, endpoint.path, request);
        return { body: JSON.stringify(body), clockBound };
      };
      if (options.cache && !('callback' in (request.query as object))) {
        return options.cache.serve(
          request,
          reply,
          PUBLIC_CACHE_CONTROL,
          async () => {
            const { body, clockBound } = await produce();
            return {
              type: 'application/json; charset=utf-8',
              body,
              ...(clockBound ? { expiresAt: options.ctx.clock.now() + CLOCK_BOUND_MS } : {}),
            };
          },
          V2_QUERY,
        );
      }
      const { body } = await produce();
      return reply.header('cache-control', PUBLIC_CACHE_CONTROL).type('application/json; charset=utf-8').send(body);
    };
    app.route({
      method: ['GET', 'HEAD'],
      url: endpoint.path,
      exposeHeadRoute: false,
      schema: { summary: endpoint.summary, querystring: endpoint.query, response: { 200: endpoint.response } },
      // "days must be <= 366", naming the parameter as the client sent it.
      schemaErrorFormatter: (errors) => {
        const first = errors[0];
        const field = first?.instancePath.replace(/^\//, '') || 'query';
        return new HttpError(400, `${field} ${first?.message ?? 'is not valid'}`);
      },
      handler: serve,
    });
    app.route({
      method: ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url: endpoint.path,
      config: { documented: false },
      handler: async (request, reply) => {
        if (request.method === 'OPTIONS')
          return reply.code(204).header('allow', ALLOW).header('access-control-allow-methods', ALLOW).send();
        throw new HttpError(405, `Method ${request.method} is not allowed here; allowed: ${ALLOW}`, { allow: ALLOW });
      },
    });
  }
}
