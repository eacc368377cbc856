import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import { getSiteSettings } from '../../services/site-settings.ts';
import { browseAudit } from '../../services/audit.ts';
import { auditPage } from '../../views/admin/audit.ts';
import { actorOf, chrome, sendPage } from './respond.ts';

/** The audit log, filtered and paged (admins only: the default access). */
export async function auditRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;

  app.get<{ Querystring: Record<string, string | undefined> }>('/audit', async (request, reply) => {
    const q = request.query;
    const filter: Record<string, string> = {};
    for (const key of ['actor', 'action', 'target', 'from', 'to'] as const) {
      const value = q[key];
      if (typeof value === 'string' && value.trim() !== '') filter[key] = value.trim().slice(0, 200);
    }
    const instant = (text: string | undefined, end: boolean): number | undefined | 'bad' => {
      if (text === undefined) return undefined;
      const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text);
      if (!m) return 'bad';
      const ms = Date.UTC(
        +m[1]!,
        +m[2]! - 1,
        +m[3]!,
        m[4] === undefined ? (end ? 23 : 0) : +m[4],
        m[5] === undefined ? (end ? 59 : 0) : +m[5],
      );
      return Number.isNaN(ms) ? 'bad' : ms + (end ? 59_999 : 0);
    };
    const from = instant(filter.from, false);
    const to = instant(filter.to, true);
    const before = typeof q.before === 'string' && /^\d{1,15}$/.test(q.before) ? Number(q.before) : undefined;
    const site = await getSiteSettings(ctx);
    const bad = from === 'bad' || to === 'bad';
    const result = await browseAudit(ctx, actorOf(request), {
      actor: filter.actor,
      action: filter.action,
      target: filter.target,
      from: bad ? undefined : (from as number | undefined),
      to: bad ? undefined : (to as number | undefined),
      beforeId: before,
    });
    const query = (extra: Record<string, string>) =>
      `/admin/audit?${new URLSearchParams({ ...filter, ...extra }).toString()}`;
    return sendPage(
      reply,
      auditPage(chrome(request, reply), {
        entries: result.entries,
        actions: result.actions,
        filter,
        timeZone: site.timeZone,
        olderHref: result.nextBeforeId === undefined ? undefined : query({ before: String(result.nextBeforeId) }),
        newestHref: before === undefined ? undefined : query({}),
        error: bad ? 'Dates look like 2026-11-26 or 2026-11-26T14:30 (UTC)' : undefined,
      }),
      bad ? 400 : 200,
    );
  });
}
