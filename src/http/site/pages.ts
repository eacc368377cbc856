import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFound } from '../../domain/errors.ts';
import type { SiteSettings } from '../../domain/site-settings.ts';
import type { Context } from '../../services/context.ts';
import {
  listBoard,
  servicePage,
  servicesAndLists,
  siteState,
  statusBoard,
  uptimeExpiry,
} from '../../services/status-page.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import type { Html } from '../../views/html.ts';
import type { PageChrome, PageState } from '../../views/site/layout.ts';
import { overallOf, overallText } from '../../domain/overall-status.ts';
import { statusClass } from '../../views/site/format.ts';
import type { Service, Status } from '../../domain/resources.ts';
import { boardPage } from '../../views/site/board.ts';
import { servicePageView } from '../../views/site/service.ts';
import { serviceListsPage, summaryPage } from '../../views/site/lists.ts';
import { documentationPage } from '../../views/site/documentation.ts';
import { uptimePageView } from '../../views/site/uptime.ts';
import { statuspageModel } from '../../services/statuspage.ts';
import { uptimePage } from '../../services/uptime.ts';
import type { ResponseCache, Rendered } from '../cache/response-cache.ts';
import type { SiteAssets } from './assets.ts';
import { PUBLIC_CACHE_CONTROL, securityHeaders } from './page-headers.ts';
import { queryList } from '../query-list.ts';
import { incidentHistory, listIncidents, publicIncident, recentIncidents } from '../../services/incidents.ts';
import { historyPage, incidentPage } from '../../views/site/incidents.ts';
import { frontPageMaintenances, getMaintenance } from '../../services/maintenances.ts';
import { maintenancePage } from '../../views/site/maintenance.ts';
import { NotFound as MissingIncident } from '../../domain/errors.ts';

const WEEK_MS = 7 * 86_400_000;

export interface SiteOptions {
  ctx: Context;
  cache: ResponseCache;
  assets: SiteAssets;
}

function pageNumber(query: unknown): number {
  const raw = (query as Record<string, unknown>).page;
  if (raw === undefined) return 1;
  if (typeof raw !== 'string' || !/^[1-9]\d{0,5}$/.test(raw)) throw new NotFound('There is no such page of events');
  return Number(raw);
}

/** The public origin: the configured site URL, else the request's scheme and host. */
export function originOf(request: FastifyRequest, settings: SiteSettings): string {
  return settings.siteUrl ?? `${request.protocol}://${request.host}`;
}

/** The overall state for the title and favicon: worst status text, or "All systems operational". */
export function pageState(state: { all: Service[]; defaultStatus: Status | null }): PageState {
  const overall = overallOf(state.all, state.defaultStatus);
  if (overall.total === 0) return { text: 'No services yet', cls: 'ln' };
  if (overall.level === 'NORMAL') return { text: overallText(overall), cls: 'l0' };
  return { text: overall.worst!.name, cls: statusClass(overall.worst) };
}

/** The public pages: rendered once per change, cached and compressed (see docs/site.md). */
export async function sitePages(app: FastifyInstance, options: SiteOptions): Promise<void> {
  const { ctx, cache, assets } = options;
  const chrome = async (
    request: FastifyRequest,
    settings: SiteSettings,
    known?: { all: Service[]; defaultStatus: Status | null },
  ): Promise<PageChrome> => ({
    settings,
    assets: { css: assets.url('site.css'), js: assets.url('live.js') },
    path: request.url.split('?')[0] ?? '/',
    origin: originOf(request, settings),
    state: pageState(known ?? (await siteState(ctx))),
  });
  const page = (
    request: FastifyRequest,
    reply: FastifyReply,
    render: () => Promise<{ settings: SiteSettings; html: Html; expiresAt?: number }>,
    /** The query parameters the page reads (its cache key is made of these only). */
    known: readonly string[] = [],
  ) =>
    cache.serve(
      request,
      reply,
      PUBLIC_CACHE_CONTROL,
      async (): Promise<Rendered> => {
        const out = await render();
        return {
          type: 'text/html; charset=utf-8',
          body: out.html.value,
          headers: securityHeaders(out.settings),
          expiresAt: out.expiresAt,
        };
      },
      known,
    );

  app.get('/', (request, reply) =>
    page(
      request,
      reply,
      async () => {
        const filter = { lists: queryList(request.query, 'filter'), statuses: queryList(request.query, 'status') };
        const board = await statusBoard(ctx, filter);
        const [open, past, maintenance] = await Promise.all([
          listIncidents(ctx, { unresolved: true }),
          recentIncidents(ctx, board.now - WEEK_MS),
          frontPageMaintenances(ctx),
        ]);
        // Open cards say "12 minutes ago": re-rendered each minute while any is shown; past ones leave after 7 days.
        const dayEnd = board.days[board.days.length - 1]!.end;
        const expiresAt = Math.min(
          uptimeExpiry(
            board.now,
            dayEnd,
            board.rows.map((r) => r.uptime),
          ),
          open.length > 0 ? board.now + 60_000 : dayEnd,
          ...past.map((v) => (v.incident.resolvedAt ?? board.now) + WEEK_MS),
          // Upcoming cards say "in 3 days" and enter the 7-day window: re-rendered each minute while any is shown.
          maintenance.upcoming.length > 0 ? board.now + 60_000 : dayEnd,
        );
        return {
          settings: board.settings,
          html: boardPage(await chrome(request, board.settings, board), board, {
            filter,
            incidents: { open, past },
            maintenance,
          }),
          expiresAt,
        };
      },
      ['filter', 'status'],
    ),
  );

  app.get<{ Params: { slug: string } }>('/service-lists/:slug', (request, reply) =>
    page(request, reply, async () => {
      const board = await listBoard(ctx, request.params.slug);
      return {
        settings: board.settings,
        html: boardPage(await chrome(request, board.settings), board, { list: board.list }),
        expiresAt: uptimeExpiry(
          board.now,
          board.days[board.days.length - 1]!.end,
          board.rows.map((r) => r.uptime),
        ),
      };
    }),
  );

  app.get<{ Params: { id: string } }>('/incidents/:id', (request, reply) =>
    page(request, reply, async () => {
      const settings = await getSiteSettings(ctx);
      const now = ctx.clock.now();
      const view = await publicIncident(ctx, request.params.id).catch((error: unknown) => {
        if (error instanceof MissingIncident) return undefined;
        throw error;
      });
      if (view === undefined) {
        // Maintenances share the id space and the permalink (§10).
        const maintenance = await getMaintenance(ctx, request.params.id);
        return {
          settings,
          html: maintenancePage(
            await chrome(request, settings),
            maintenance,
            originOf(request, settings).replace(/\/$/, ''),
          ),
          expiresAt: now + 60_000,
        };
      }
      return {
        settings,
        html: incidentPage(await chrome(request, settings), view, originOf(request, settings).replace(/\/$/, ''), now),
        expiresAt: now + 60_000,
      };
    }),
  );

  app.get('/history', (request, reply) =>
    page(
      request,
      reply,
      async () => {
        const raw = (request.query as Record<string, unknown>).page;
        const n = raw === undefined ? 1 : typeof raw === 'string' && /^[1-9]\d{0,3}$/.test(raw) ? Number(raw) : 0;
        if (n < 1 || n > 1000) throw new NotFound('There is no such page of the incident history');
        const settings = await getSiteSettings(ctx);
        const months = await incidentHistory(ctx, n, settings.timeZone);
        return { settings, html: historyPage(await chrome(request, settings), months, n) };
      },
      ['page'],
    ),
  );

  app.get('/service-lists', (request, reply) =>
    page(request, reply, async () => {
      const view = await servicesAndLists(ctx);
      return { settings: view.settings, html: serviceListsPage(await chrome(request, view.settings, view), view) };
    }),
  );

  app.get('/summary', (request, reply) =>
    page(request, reply, async () => {
      const view = await servicesAndLists(ctx);
      return { settings: view.settings, html: summaryPage(await chrome(request, view.settings, view), view) };
    }),
  );

  app.get('/uptime', (request, reply) =>
    page(request, reply, async () => {
      const model = await statuspageModel(ctx);
      const bySlug = new Map(model.services.map((s) => [s.slug, s]));
      const ordered = model.components.flatMap((c) => (c.slug === null ? [] : [bySlug.get(c.slug)!]));
      const view = await uptimePage(ctx, model.settings, ordered);
      return {
        settings: view.settings,
        html: uptimePageView(await chrome(request, view.settings), view),
        expiresAt: Math.min(view.months.at(-1)!.days.at(-1)!.end, view.now + 60_000),
      };
    }),
  );

  app.get('/documentation', (request, reply) =>
    page(request, reply, async () => {
      const settings = await getSiteSettings(ctx);
      return { settings, html: documentationPage(await chrome(request, settings), originOf(request, settings)) };
    }),
  );

  type ServiceParams = { slug: string; year?: string; month?: string; day?: string };
  const serviceHandler = (request: FastifyRequest<{ Params: ServiceParams }>, reply: FastifyReply) =>
    page(
      request,
      reply,
      async () => {
        const { slug, year, month, day } = request.params;
        const digits = (text: string | undefined, length: number) => {
          if (text === undefined) return undefined;
          if (text.length !== length || !/^\d+$/.test(text))
            throw new NotFound(`There is no such date: ${[year, month, day].filter(Boolean).join('-')}`);
          return Number(text);
        };
        const y = digits(year, 4);
        const archive = y === undefined ? undefined : { year: y, month: digits(month, 2), day: digits(day, 2) };
        const view = await servicePage(ctx, slug, { page: pageNumber(request.query), archive });
        return {
          settings: view.settings,
          html: servicePageView(await chrome(request, view.settings), view),
          expiresAt: uptimeExpiry(view.now, view.days[view.days.length - 1]!.end, [view.uptime]),
        };
      },
      ['page'],
    );
  app.get('/services/:slug', serviceHandler);
  app.get('/services/:slug/:year', serviceHandler);
  app.get('/services/:slug/:year/:month', serviceHandler);
  app.get('/services/:slug/:year/:month/:day', serviceHandler);
}
