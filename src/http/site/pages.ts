import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFound } from '../../domain/errors.ts';
import type { SiteSettings } from '../../domain/site-settings.ts';
import type { Context } from '../../services/context.ts';
import { listBoard, servicePage, servicesAndLists, statusBoard, uptimeExpiry } from '../../services/status-page.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import type { Html } from '../../views/html.ts';
import type { PageChrome } from '../../views/site/layout.ts';
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

/** The public pages: rendered once per change, cached and compressed (see docs/site.md). */
export async function sitePages(app: FastifyInstance, options: SiteOptions): Promise<void> {
  const { ctx, cache, assets } = options;
  const chrome = (request: FastifyRequest, settings: SiteSettings): PageChrome => ({
    settings,
    assets: { css: assets.url('site.css'), js: assets.url('live.js') },
    path: request.url.split('?')[0] ?? '/',
  });
  const page = (
    request: FastifyRequest,
    reply: FastifyReply,
    render: () => Promise<{ settings: SiteSettings; html: Html; expiresAt?: number }>,
  ) =>
    cache.serve(request, reply, PUBLIC_CACHE_CONTROL, async (): Promise<Rendered> => {
      const out = await render();
      return {
        type: 'text/html; charset=utf-8',
        body: out.html.value,
        headers: securityHeaders(out.settings),
        expiresAt: out.expiresAt,
      };
    });

  app.get('/', (request, reply) =>
    page(request, reply, async () => {
      const filter = { lists: queryList(request.query, 'filter'), statuses: queryList(request.query, 'status') };
      const board = await statusBoard(ctx, filter);
      return {
        settings: board.settings,
        html: boardPage(chrome(request, board.settings), board, { filter }),
        expiresAt: uptimeExpiry(
          board.now,
          board.days[board.days.length - 1]!.end,
          board.rows.map((r) => r.uptime),
        ),
      };
    }),
  );

  app.get<{ Params: { slug: string } }>('/service-lists/:slug', (request, reply) =>
    page(request, reply, async () => {
      const board = await listBoard(ctx, request.params.slug);
      return {
        settings: board.settings,
        html: boardPage(chrome(request, board.settings), board, { list: board.list }),
        expiresAt: uptimeExpiry(
          board.now,
          board.days[board.days.length - 1]!.end,
          board.rows.map((r) => r.uptime),
        ),
      };
    }),
  );

  app.get('/service-lists', (request, reply) =>
    page(request, reply, async () => {
      const view = await servicesAndLists(ctx);
      return { settings: view.settings, html: serviceListsPage(chrome(request, view.settings), view) };
    }),
  );

  app.get('/summary', (request, reply) =>
    page(request, reply, async () => {
      const view = await servicesAndLists(ctx);
      return { settings: view.settings, html: summaryPage(chrome(request, view.settings), view) };
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
        html: uptimePageView(chrome(request, view.settings), view),
        expiresAt: Math.min(view.months.at(-1)!.days.at(-1)!.end, view.now + 60_000),
      };
    }),
  );

  app.get('/documentation', (request, reply) =>
    page(request, reply, async () => {
      const settings = await getSiteSettings(ctx);
      return { settings, html: documentationPage(chrome(request, settings), originOf(request, settings)) };
    }),
  );

  type ServiceParams = { slug: string; year?: string; month?: string; day?: string };
  const serviceHandler = (request: FastifyRequest<{ Params: ServiceParams }>, reply: FastifyReply) =>
    page(request, reply, async () => {
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
        html: servicePageView(chrome(request, view.settings), view),
        expiresAt: uptimeExpiry(view.now, view.days[view.days.length - 1]!.end, [view.uptime]),
      };
    });
  app.get('/services/:slug', serviceHandler);
  app.get('/services/:slug/:year', serviceHandler);
  app.get('/services/:slug/:year/:month', serviceHandler);
  app.get('/services/:slug/:year/:month/:day', serviceHandler);
}
