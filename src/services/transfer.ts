import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Invalid } from '../domain/errors.ts';
import { FORM_KEY_SETTING } from './form-tokens.ts';
import { hashPushSecret } from './push.ts';
import { LEVELS } from '../domain/levels.ts';
import { COMPONENT_STATUSES, defaultComponentStatus, isAllowedPair } from '../domain/component-status.ts';
import { isPublicId } from '../domain/public-id.ts';
import { ensurePageId, PAGE_ID_KEY } from './page-id.ts';
import { TOKEN_SCOPES } from '../domain/resources.ts';
import { scopeOfAutomationAuthor } from '../domain/permissions.ts';
import { isStatusImageName } from '../domain/status-images.ts';
import { clearSeededData, countUserData, dumpTables, insertRows, slugIds } from '../db/repositories/transfer.ts';
import type { Actor, Context } from './context.ts';
import { authorize } from './fields.ts';
import { inTransaction } from './transaction.ts';
import { readSetting } from '../db/repositories/settings.ts';
import { rebuildUptimeDays } from '../db/repositories/uptime-days.ts';
import { mergeSiteSettings, SITE_DEFAULTS } from '../domain/site-settings.ts';
import { SITE_SETTINGS_KEY } from './site-settings.ts';

export const EXPORT_FORMAT = 'stashboard-export';
export const EXPORT_VERSION = 1;

const Instant = Type.Integer({ minimum: 0 });
const Slug = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' });
const ComponentId = Type.String({ pattern: '^[a-z0-9]{12}$' });
const AutomationStateSchema = Type.Union([Type.Literal('up'), Type.Literal('warning'), Type.Literal('down')]);

const ExportSchema = Type.Object({
  format: Type.Literal(EXPORT_FORMAT),
  version: Type.Literal(EXPORT_VERSION),
  lists: Type.Array(
    Type.Object({
      slug: Slug,
      name: Type.String(),
      description: Type.String(),
      // Display order (0: none set); absent in exports made before it existed.
      position: Type.Optional(Type.Integer({ minimum: 0 })),
      createdAt: Instant,
      // Added within version 1 (Statuspage v2): files written before have neither; import makes them.
      componentId: Type.Optional(ComponentId),
      updatedAt: Type.Optional(Instant),
    }),
  ),
  services: Type.Array(
    Type.Object({
      slug: Slug,
      name: Type.String(),
      description: Type.String(),
      list: Type.Union([Slug, Type.Null()]),
      position: Type.Optional(Type.Integer({ minimum: 0 })),
      createdAt: Instant,
      componentId: Type.Optional(ComponentId),
      updatedAt: Type.Optional(Instant),
    }),
  ),
  statuses: Type.Array(
    Type.Object({
      slug: Slug,
      name: Type.String(),
      description: Type.String(),
      level: Type.Union(LEVELS.map((l) => Type.Literal(l))),
      image: Type.String(),
      default: Type.Boolean(),
      createdAt: Instant,
      // Added within version 1: absent, it is read as the migration reads a database (contract §7.3).
      componentStatus: Type.Optional(Type.Union(COMPONENT_STATUSES.map((c) => Type.Literal(c)))),
    }),
  ),
  events: Type.Array(
    Type.Object({
      sid: Type.String({ minLength: 1 }),
      service: Slug,
      status: Slug,
      message: Type.String(),
      informational: Type.Boolean(),
      timestamp: Instant,
      author: Type.String(),
    }),
  ),
  tokens: Type.Array(
    Type.Object({
      id: Type.String({ minLength: 1 }),
      name: Type.String(),
      scope: Type.Union(TOKEN_SCOPES.map((s) => Type.Literal(s))),
      hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
      createdAt: Instant,
      lastUsedAt: Type.Union([Instant, Type.Null()]),
      revokedAt: Type.Union([Instant, Type.Null()]),
    }),
  ),
  settings: Type.Array(Type.Object({ key: Type.String({ minLength: 1 }), value: Type.Unknown() })),
  // Added within version 1: files written before monitoring existed have neither.
  automation: Type.Optional(
    Type.Array(
      Type.Object({
        service: Slug,
        // Files written before push secrets were kept only as hashes carry the secret itself.
        pushSecret: Type.Optional(Type.Union([Type.String({ minLength: 16 }), Type.Null()])),
        pushSecretHash: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9a-f]{64}$' }), Type.Null()])),
        heartbeatPeriodMs: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
        heartbeatState: AutomationStateSchema,
        statuses: Type.Object({ up: Slug, warning: Slug, down: Slug }),
        recoveryNeedsHuman: Type.Boolean(),
        minChangeIntervalMs: Type.Integer({ minimum: 0 }),
      }),
    ),
  ),
  checks: Type.Optional(
    Type.Array(
      Type.Object({
        service: Slug,
        name: Slug,
        kind: Type.Union([Type.Literal('http'), Type.Literal('tcp')]),
        target: Type.String(),
        expectedStatuses: Type.String(),
        keyword: Type.Union([Type.String(), Type.Null()]),
        keywordAbsent: Type.Boolean(),
        latencyWarningMs: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
        intervalMs: Type.Integer(),
        timeoutMs: Type.Integer(),
        failureThreshold: Type.Integer({ minimum: 1 }),
        enabled: Type.Boolean(),
        createdAt: Instant,
      }),
    ),
  ),
  // Added within version 1: files written before notifications existed have neither.
  channels: Type.Optional(
    Type.Array(
      Type.Object({
        kind: Type.Union([Type.Literal('webhook'), Type.Literal('slack'), Type.Literal('email')]),
        name: Type.String({ minLength: 1 }),
        target: Type.String({ minLength: 1 }),
        secret: Type.String(),
        services: Type.Union([Type.Array(Slug), Type.Null()]),
        notes: Type.Boolean(),
        pausedAt: Type.Union([Instant, Type.Null()]),
        pauseReason: Type.String(),
        createdAt: Instant,
      }),
    ),
  ),
  subscribers: Type.Optional(
    Type.Array(
      Type.Object({
        email: Type.String({ minLength: 3 }),
        services: Type.Union([Type.Array(Slug), Type.Null()]),
        confirmedAt: Type.Union([Instant, Type.Null()]),
        createdAt: Instant,
      }),
    ),
  ),
  // Added within version 1: admin-site accounts, with their argon2id password hashes.
  users: Type.Optional(
    Type.Array(
      Type.Object({
        email: Type.String({ minLength: 3 }),
        role: Type.Union([Type.Literal('admin'), Type.Literal('editor')]),
        passwordHash: Type.String({ pattern: '^\\$argon2id\\$' }),
        createdAt: Instant,
        passwordChangedAt: Instant,
      }),
    ),
  ),
});

export type ExportDocument = Static<typeof ExportSchema>;

/** Everything in the database as one versioned, deterministic document (no export time, stable order). */
export async function exportData(ctx: Context): Promise<ExportDocument> {
  const t = await dumpTables(ctx.database.db);
  const listSlug = new Map(t.lists.map((l) => [l.id, l.slug]));
  const serviceSlug = new Map(t.services.map((s) => [s.id, s.slug]));
  const statusSlug = new Map(t.statuses.map((s) => [s.id, s.slug]));
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    lists: t.lists.map((l) => ({
      slug: l.slug,
      name: l.name,
      description: l.description,
      position: Number(l.position),
      createdAt: Number(l.created_at),
      componentId: l.component_id,
      updatedAt: Number(l.updated_at),
    })),
    services: t.services.map((s) => ({
      slug: s.slug,
      name: s.name,
      description: s.description,
      list: s.list_id === null ? null : (listSlug.get(s.list_id) ?? null),
      position: Number(s.position),
      createdAt: Number(s.created_at),
      componentId: s.component_id,
      updatedAt: Number(s.updated_at),
    })),
    statuses: t.statuses.map((s) => ({
      slug: s.slug,
      name: s.name,
      description: s.description,
      level: s.level as ExportDocument['statuses'][number]['level'],
      image: s.image,
      default: Number(s.is_default) === 1,
      createdAt: Number(s.created_at),
      componentStatus: s.component_status as ExportDocument['statuses'][number]['componentStatus'],
    })),
    events: t.events.map((e) => ({
      sid: e.sid,
      service: serviceSlug.get(e.service_id)!,
      status: statusSlug.get(e.status_id)!,
      message: e.message,
      informational: Number(e.informational) === 1,
      timestamp: Number(e.timestamp),
      author: e.author,
    })),
    tokens: t.tokens.map((k) => ({
      id: k.id,
      name: k.name,
      scope: k.scope as ExportDocument['tokens'][number]['scope'],
      hash: k.token_hash,
      createdAt: Number(k.created_at),
      lastUsedAt: k.last_used_at === null ? null : Number(k.last_used_at),
      revokedAt: k.revoked_at === null ? null : Number(k.revoked_at),
    })),
    settings: t.settings
      .filter((s) => s.key !== 'seeded' && s.key !== FORM_KEY_SETTING)
      .map((s) => ({ key: s.key, value: JSON.parse(s.value) as unknown })),
    automation: t.automation
      .map((a) => ({
        service: serviceSlug.get(a.service_id)!,
        pushSecretHash: a.push_secret_hash,
        heartbeatPeriodMs: a.heartbeat_period_ms === null ? null : Number(a.heartbeat_period_ms),
        heartbeatState: a.heartbeat_state as 'up' | 'warning' | 'down',
        statuses: { up: a.status_up, warning: a.status_warning, down: a.status_down },
        recoveryNeedsHuman: Number(a.recovery_needs_human) === 1,
        minChangeIntervalMs: Number(a.min_change_interval_ms),
      }))
      .sort((x, y) => x.service.localeCompare(y.service)),
    checks: t.checks
      .map((c) => ({
        service: serviceSlug.get(c.service_id)!,
        name: c.name,
        kind: c.kind as 'http' | 'tcp',
        target: c.target,
        expectedStatuses: c.expected_statuses,
        keyword: c.keyword,
        keywordAbsent: Number(c.keyword_absent) === 1,
        latencyWarningMs: c.latency_warning_ms === null ? null : Number(c.latency_warning_ms),
        intervalMs: Number(c.interval_ms),
        timeoutMs: Number(c.timeout_ms),
        failureThreshold: Number(c.failure_threshold),
        enabled: Number(c.enabled) === 1,
        createdAt: Number(c.created_at),
      }))
      .sort((x, y) => x.service.localeCompare(y.service) || x.name.localeCompare(y.name)),
    channels: t.channels.map((c) => ({
      kind: c.kind as 'webhook' | 'slack' | 'email',
      name: c.name,
      target: c.target,
      secret: c.secret,
      services: c.services === null ? null : (JSON.parse(c.services) as string[]),
      notes: Number(c.include_notes) === 1,
      pausedAt: c.paused_at === null ? null : Number(c.paused_at),
      pauseReason: c.pause_reason,
      createdAt: Number(c.created_at),
    })),
    subscribers: t.subscribers.map((s) => ({
      email: s.email,
      services: s.services === null ? null : (JSON.parse(s.services) as string[]),
      confirmedAt: s.confirmed_at === null ? null : Number(s.confirmed_at),
      createdAt: Number(s.created_at),
    })),
    users: t.users.map((u) => ({
      email: u.email,
      role: u.role as 'admin' | 'editor',
      passwordHash: u.password_hash,
      createdAt: Number(u.created_at),
      passwordChangedAt: Number(u.password_changed_at),
    })),
  };
}

/** Checks a parsed file against the format and its internal references; throws Invalid naming the first problem. */
export function checkExportDocument(data: unknown): ExportDocument {
  const header = data as { format?: unknown; version?: unknown } | null;
  if (typeof header !== 'object' || header === null || header.format !== EXPORT_FORMAT) {
    throw new Invalid(`not a Stashboard export: "format" must be "${EXPORT_FORMAT}"`);
  }
  if (typeof header.version === 'number' && header.version > EXPORT_VERSION) {
    throw new Invalid(
      `the file is export version ${header.version}, newer than this Stashboard reads (${EXPORT_VERSION}); upgrade Stashboard first`,
    );
  }
  const first = Value.Errors(ExportSchema, data).First();
  if (first) throw new Invalid(`the file is malformed at ${first.path || '/'}: ${first.message}`);
  const doc = data as ExportDocument;
  const unique = (what: string, keys: string[]) => {
    const seen = new Set<string>();
    for (const key of keys) {
      if (seen.has(key)) throw new Invalid(`the file has two ${what} named ${key}`);
      seen.add(key);
    }
    return seen;
  };
  const lists = unique(
    'lists',
    doc.lists.map((l) => l.slug),
  );
  const services = unique(
    'services',
    doc.services.map((s) => s.slug),
  );
  const statuses = unique(
    'statuses',
    doc.statuses.map((s) => s.slug),
  );
  unique(
    'events',
    doc.events.map((e) => e.sid),
  );
  unique(
    'tokens',
    doc.tokens.map((t) => t.id),
  );
  unique(
    'settings',
    doc.settings.map((s) => s.key),
  );
  unique(
    'automation entries',
    (doc.automation ?? []).map((a) => a.service),
  );
  unique(
    'checks',
    (doc.checks ?? []).map((c) => `${c.service}/${c.name}`),
  );
  for (const a of doc.automation ?? []) {
    if (!services.has(a.service)) throw new Invalid(`automation names unknown service ${a.service}`);
    for (const slug of Object.values(a.statuses))
      if (!statuses.has(slug)) throw new Invalid(`automation of ${a.service} names unknown status ${slug}`);
  }
  for (const c of doc.checks ?? [])
    if (!services.has(c.service)) throw new Invalid(`check ${c.name} names unknown service ${c.service}`);
  unique(
    'subscribers',
    (doc.subscribers ?? []).map((s) => s.email),
  );
  unique(
    'users',
    (doc.users ?? []).map((u) => u.email),
  );
  for (const s of doc.services)
    if (s.list !== null && !lists.has(s.list)) throw new Invalid(`service ${s.slug} names unknown list ${s.list}`);
  for (const s of doc.statuses) {
    if (!isStatusImageName(s.image)) throw new Invalid(`status ${s.slug} names unknown image ${s.image}`);
    if (s.componentStatus !== undefined && !isAllowedPair(s.level, s.componentStatus))
      throw new Invalid(
        `status ${s.slug}: component status ${s.componentStatus} does not go with level ${s.level} (NORMAL statuses are operational, others not)`,
      );
  }
  unique('component ids', [
    ...doc.lists.flatMap((l) => (l.componentId === undefined ? [] : [l.componentId])),
    ...doc.services.flatMap((s) => (s.componentId === undefined ? [] : [s.componentId])),
  ]);
  const pageId = doc.settings.find((s) => s.key === PAGE_ID_KEY);
  if (pageId && !isPublicId(pageId.value))
    throw new Invalid(`the setting ${PAGE_ID_KEY} must be 12 characters a-z and 0-9`);
  const defaults = doc.statuses.filter((s) => s.default).length;
  if (doc.statuses.length > 0 && defaults !== 1)
    throw new Invalid(`the file must mark exactly one default status, not ${defaults}`);
  for (const e of doc.events) {
    if (!services.has(e.service)) throw new Invalid(`event ${e.sid} names unknown service ${e.service}`);
    if (!statuses.has(e.status)) throw new Invalid(`event ${e.sid} names unknown status ${e.status}`);
  }
  return doc;
}

/**
 * Loads an export into a database that holds no lists, services, events or tokens (a new
 * one: its seeded statuses and settings are replaced), in one transaction.
 */
export async function importData(
  ctx: Context,
  actor: Actor,
  data: unknown,
  onProgress?: (done: number, total: number) => void,
): Promise<{ events: number }> {
  authorize(actor, 'data.import');
  const doc = checkExportDocument(data);
  const total = doc.lists.length + doc.services.length + doc.statuses.length + doc.events.length + doc.tokens.length;
  let done = 0;
  const step = (n: number) => {
    done += n;
    onProgress?.(done, total);
  };
  await inTransaction(
    ctx,
    actor,
    async (trx, changes) => {
      if ((await countUserData(trx)) > 0) {
        throw new Invalid('the database is not empty: import only into a new database');
      }
      await clearSeededData(trx);
      await insertRows(
        trx,
        'service_lists',
        doc.lists.map((l) => ({
          slug: l.slug,
          name: l.name,
          description: l.description,
          position: l.position ?? 0,
          created_at: l.createdAt,
          component_id: l.componentId ?? ctx.ids.publicId(),
          updated_at: l.updatedAt ?? l.createdAt,
        })),
      );
      step(doc.lists.length);
      const listIds = await slugIds(trx, 'service_lists');
      await insertRows(
        trx,
        'services',
        doc.services.map((s) => ({
          slug: s.slug,
          name: s.name,
          description: s.description,
          list_id: s.list === null ? null : listIds.get(s.list)!,
          position: s.position ?? 0,
          created_at: s.createdAt,
          component_id: s.componentId ?? ctx.ids.publicId(),
          updated_at: s.updatedAt ?? s.createdAt,
        })),
      );
      step(doc.services.length);
      await insertRows(
        trx,
        'statuses',
        doc.statuses.map((s) => ({
          slug: s.slug,
          name: s.name,
          description: s.description,
          level: s.level,
          image: s.image,
          is_default: s.default ? 1 : 0,
          created_at: s.createdAt,
          component_status:
            s.componentStatus ??
            (s.slug === 'down' && s.level === 'ERROR' ? 'major_outage' : defaultComponentStatus(s.level)),
          component_status_at: 0,
        })),
      );
      step(doc.statuses.length);
      const serviceIds = await slugIds(trx, 'services');
      const statusIds = await slugIds(trx, 'statuses');
      const CHUNK = 1000;
      for (let i = 0; i < doc.events.length; i += CHUNK) {
        const slice = doc.events.slice(i, i + CHUNK);
        await insertRows(
          trx,
          'events',
          slice.map((e) => ({
            sid: e.sid,
            service_id: serviceIds.get(e.service)!,
            status_id: statusIds.get(e.status)!,
            message: e.message,
            informational: e.informational ? 1 : 0,
            timestamp: e.timestamp,
            author: e.author,
            // An export names authors only: built-in automation is known by its names.
            author_scope: scopeOfAutomationAuthor(e.author),
          })),
        );
        step(slice.length);
      }
      await insertRows(
        trx,
        'api_tokens',
        doc.tokens.map((t) => ({
          id: t.id,
          name: t.name,
          scope: t.scope,
          token_hash: t.hash,
          created_at: t.createdAt,
          last_used_at: t.lastUsedAt,
          revoked_at: t.revokedAt,
        })),
      );
      step(doc.tokens.length);
      await insertRows(
        trx,
        'service_automation',
        (doc.automation ?? []).map((a) => ({
          service_id: serviceIds.get(a.service)!,
          push_secret: null,
          push_secret_hash:
            a.pushSecretHash ?? (typeof a.pushSecret === 'string' ? hashPushSecret(a.pushSecret) : null),
          heartbeat_period_ms: a.heartbeatPeriodMs,
          heartbeat_state: a.heartbeatState,
          // The silence is counted from the import, not from a push the old database saw.
          last_push_at: a.heartbeatPeriodMs === null ? null : ctx.clock.now(),
          status_up: a.statuses.up,
          status_warning: a.statuses.warning,
          status_down: a.statuses.down,
          recovery_needs_human: a.recoveryNeedsHuman ? 1 : 0,
          min_change_interval_ms: a.minChangeIntervalMs,
        })),
      );
      await insertRows(
        trx,
        'checks',
        (doc.checks ?? []).map((c) => ({
          service_id: serviceIds.get(c.service)!,
          name: c.name,
          kind: c.kind,
          target: c.target,
          expected_statuses: c.expectedStatuses,
          keyword: c.keyword,
          keyword_absent: c.keywordAbsent ? 1 : 0,
          latency_warning_ms: c.latencyWarningMs,
          interval_ms: c.intervalMs,
          timeout_ms: c.timeoutMs,
          failure_threshold: c.failureThreshold,
          enabled: c.enabled ? 1 : 0,
          lease_until: 0,
          created_at: c.createdAt,
        })),
      );
      await insertRows(
        trx,
        'notification_channels',
        (doc.channels ?? []).map((c) => ({
          kind: c.kind,
          name: c.name,
          target: c.target,
          secret: c.secret,
          services: c.services === null ? null : JSON.stringify(c.services),
          include_notes: c.notes ? 1 : 0,
          paused_at: c.pausedAt,
          pause_reason: c.pauseReason,
          created_at: c.createdAt,
        })),
      );
      await insertRows(
        trx,
        'subscribers',
        (doc.subscribers ?? []).map((s) => {
          const services = s.services === null ? null : JSON.stringify(s.services);
          return {
            email: s.email,
            services,
            pending_services: services,
            confirmed_at: s.confirmedAt,
            created_at: s.createdAt,
          };
        }),
      );
      await insertRows(
        trx,
        'users',
        (doc.users ?? []).map((u) => ({
          email: u.email,
          role: u.role,
          password_hash: u.passwordHash,
          created_at: u.createdAt,
          password_changed_at: u.passwordChangedAt,
        })),
      );
      await insertRows(trx, 'settings', [
        { key: 'seeded', value: JSON.stringify(ctx.clock.now()) },
        ...doc.settings.filter((s) => s.key !== 'seeded').map((s) => ({ key: s.key, value: JSON.stringify(s.value) })),
      ]);
      // An export from before page ids: this database's page gets a new one.
      await ensurePageId(trx, ctx);
      // The events came in bulk: their uptime days are counted once, in the imported site's zone.
      const site = mergeSiteSettings(ctx.site ?? SITE_DEFAULTS, await readSetting(trx, SITE_SETTINGS_KEY));
      await rebuildUptimeDays(trx, { zone: site.timeZone });
      changes.push({ topic: 'all', action: 'updated' });
    },
    'the file repeats a name the database already holds',
  );
  return { events: doc.events.length };
}
