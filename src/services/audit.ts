import { Invalid } from '../domain/errors.ts';
import type { AuditEntry } from '../domain/audit.ts';
import { distinctAuditActions, findAuditEntries, type AuditQuery } from '../db/repositories/audit-log.ts';
import type { Actor, Context } from './context.ts';
import { authorize } from './fields.ts';

export type { AuditEntry };

/** The repository's query, with the page size optional (AUDIT_PAGE by default). */
export type AuditFilter = Omit<AuditQuery, 'limit'> & { limit?: number };

export const AUDIT_PAGE = 50;

/** Audit entries newest first, one page at a time; admins only. */
export async function browseAudit(
  ctx: Context,
  actor: Actor,
  filter: AuditFilter,
): Promise<{ entries: AuditEntry[]; actions: string[]; nextBeforeId: number | undefined }> {
  authorize(actor, 'configuration.read');
  const limit = filter.limit ?? AUDIT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Invalid('limit must be from 1 to 500', 'limit');
  const [entries, actions] = await Promise.all([
    findAuditEntries(ctx.database.db, { ...filter, limit: limit + 1 }),
    distinctAuditActions(ctx.database.db),
  ]);
  const more = entries.length > limit;
  const page = entries.slice(0, limit);
  return { entries: page, actions, nextBeforeId: more ? page[page.length - 1]?.id : undefined };
}
