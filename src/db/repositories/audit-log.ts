import { sql } from 'kysely';
import type { Db } from '../connect.ts';
import { prepared } from '../prepared.ts';
import type { AuditEntry, NewAuditEntry } from '../../domain/audit.ts';

export type { AuditEntry, NewAuditEntry };

function auditRow(e: NewAuditEntry) {
  return {
    at: e.at,
    actor: e.actor,
    action: e.action,
    target: e.target ?? '',
    detail: e.detail ?? '',
    address: e.address ?? '',
  };
}

/** Most writes record one entry. */
const insertOne = prepared((db, v: ReturnType<typeof auditRow>) => db.insertInto('audit_log').values(auditRow(v)));

export async function insertAuditEntries(db: Db, entries: NewAuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  if (entries.length === 1) return insertOne.run(db, auditRow(entries[0]!));
  await db.insertInto('audit_log').values(entries.map(auditRow)).execute();
}

export interface AuditQuery {
  /** Part of the actor, case-insensitive. */
  actor?: string;
  /** An action (`login.failed`) or a topic (`login`). */
  action?: string;
  /** Part of the target, case-insensitive. */
  target?: string;
  from?: number;
  to?: number;
  /** Entries older than this id (for paging). */
  beforeId?: number;
  limit: number;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A case-insensitive substring test, written the same for SQLite and PostgreSQL. */
function contains(column: 'actor' | 'target', text: string) {
  return sql<boolean>`lower(${sql.ref(column)}) like ${`%${escapeLike(text.toLowerCase())}%`} escape '\\'`;
}

/** Newest first. */
export async function findAuditEntries(db: Db, query: AuditQuery): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll();
  if (query.actor) q = q.where(contains('actor', query.actor));
  if (query.target) q = q.where(contains('target', query.target));
  if (query.action) {
    const action = query.action;
    q = action.includes('.')
      ? q.where('action', '=', action)
      : q.where((eb) =>
          eb.or([eb('action', '=', action), sql<boolean>`action like ${`${escapeLike(action)}.%`} escape '\\'`]),
        );
  }
  if (query.from !== undefined) q = q.where('at', '>=', query.from);
  if (query.to !== undefined) q = q.where('at', '<=', query.to);
  if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
  return rows.map((r) => ({ ...r, at: Number(r.at) }));
}

export async function distinctAuditActions(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute();
  return rows.map((r) => r.action);
}
