import type { FastifyReply, FastifyRequest } from 'fastify';
import { SITE_DEFAULTS } from '../../domain/site-settings.ts';
import type { Context } from '../../services/context.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import { errorPage } from '../../views/site/error-page.ts';
import type { SiteAssets } from './assets.ts';
import { securityHeaders } from './page-headers.ts';

export interface HtmlErrorAnswer {
  status: number;
  message: string;
  headers: Record<string, string>;
}

/**
 * Sends errors on non-API paths as HTML pages. Server errors use the configured settings
 * only: the database may be the thing that failed.
 */
export function htmlErrorPages(ctx: Context, assets: SiteAssets) {
  return async (request: FastifyRequest, reply: FastifyReply, answer: HtmlErrorAnswer): Promise<FastifyReply> => {
    const fallback = ctx.site ?? SITE_DEFAULTS;
    const settings = answer.status < 500 ? await getSiteSettings(ctx).catch(() => fallback) : fallback;
    const chrome = {
      settings,
      assets: { css: assets.url('site.css'), js: assets.url('live.js') },
      path: request.url.split('?')[0] ?? '/',
    };
    return reply
      .code(answer.status)
      .headers(answer.headers)
      .headers(securityHeaders(settings))
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(errorPage(chrome, answer.status, answer.message).value);
  };
}
