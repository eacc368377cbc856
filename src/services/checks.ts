import { Conflict, Invalid, NotFound } from '../domain/errors.ts';
import { requireService } from './lookups.ts';
import {
  checkSpec,
  publicCheckMessage,
  type Check,
  type CheckSpec,
  type RunResult,
  applyThreshold,
} from '../domain/check-rules.ts';
import { worstState } from '../domain/automation-state.ts';
import { parseBoolean } from '../domain/fields.ts';
import * as services from '../db/repositories/services.ts';
import * as checks from '../db/repositories/checks.ts';
import { insertSample, deleteSamplesBefore } from '../db/repositories/check-samples.ts';
import { findAutomation, serviceSlugById, updateAutomation } from '../db/repositories/automation.ts';
import { deleteResolvedAlertsBefore } from '../db/repositories/alert-states.ts';
import { authorOf, type Actor, type Context } from './context.ts';
import { authorize } from './fields.ts';
import { inTransaction } from './transaction.ts';
import { automationActor, postAutomatedState } from './automation-events.ts';
import { refreshQuietReport } from './maintenance-quiet.ts';

export type { Check };

/** Runs one check over the network (src/outbound/check-probe.ts; tests may pass their own). */
export interface CheckRunner {
  run(spec: CheckSpec): Promise<RunResult>;
}

export async function listChecks(ctx: Context, actor: Actor, slug: string): Promise<Check[]> {
  authorize(actor, 'configuration.read');
  const service = await requireService(ctx.database.db, slug);
  return checks.checksOfService(ctx.database.db, service.id);
}

export async function getCheck(ctx: Context, actor: Actor, slug: string, name: string): Promise<Check> {
  authorize(actor, 'configuration.read');
  const service = await requireService(ctx.database.db, slug);
  const check = await checks.findCheck(ctx.database.db, service.id, name);
  if (!check) throw new NotFound(`Service ${slug} has no check ${name}`);
  return check;
}

/** Form fields of a check; times in seconds except latency_warning (ms). */
export interface CheckInput {
  name?: string;
  kind?: string;
  target?: string;
  expectedStatuses?: string;
  keyword?: string;
  keywordAbsent?: unknown;
  latencyWarningMs?: string;
  interval?: string;
  timeout?: string;
  failureThreshold?: string;
  enabled?: unknown;
}

function whole(field: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(text.trim())) throw new Invalid(`${field} must be a number`, field);
  return Number(text);
}

function specFrom(input: CheckInput, base: CheckSpec | undefined, name: string): CheckSpec {
  const interval = whole('interval', input.interval);
  const timeout = whole('timeout', input.timeout);
  const latency = input.latencyWarningMs === '' ? null : whole('latency_warning', input.latencyWarningMs);
  const threshold = whole('failure_threshold', input.failureThreshold);
  const keyword = input.keyword === undefined ? (base?.keyword ?? null) : input.keyword === '' ? null : input.keyword;
  const target = input.target ?? base?.target;
  if (target === undefined || target === '') throw new Invalid('target is required', 'target');
  const intervalMs = interval !== undefined ? Math.round(interval * 1000) : (base?.intervalMs ?? 60_000);
  return checkSpec({
    name,
    kind: input.kind ?? base?.kind ?? 'http',
    target,
    expectedStatuses: input.expectedStatuses || base?.expectedStatuses || '200-299',
    keyword,
    keywordAbsent:
      input.keywordAbsent === undefined || input.keywordAbsent === ''
        ? (base?.keywordAbsent ?? false)
        : parseBoolean('keyword_absent', input.keywordAbsent),
    latencyWarningMs: latency === undefined ? (base?.latencyWarningMs ?? null) : latency,
    intervalMs,
    timeoutMs:
      timeout !== undefined ? Math.round(timeout * 1000) : (base?.timeoutMs ?? Math.min(10_000, intervalMs - 1000)),
    failureThreshold: threshold ?? base?.failureThreshold ?? 1,
  });
}

/**
 * `create`: adds a check (Conflict when the name is taken); `update`: changes the settings of
 * the check of that name (NotFound when there is none); fields not given keep their values.
 */
export async function saveCheck(
  ctx: Context,
  actor: Actor,
  slug: string,
  input: CheckInput,
  mode: 'create' | 'update',
): Promise<{ check: Check; created: boolean }> {
  authorize(actor, 'monitoring.configure');
  const name = input.name ?? '';
  if (name === '') throw new Invalid('name is required', 'name');
  return inTransaction(
    ctx,
    actor,
    async (trx, changes) => {
      const service = await requireService(trx, slug);
      const existing = await checks.findCheck(trx, service.id, name);
      if (mode === 'create' && existing) throw new Conflict(`Service ${slug} already has a check ${name}`);
      if (mode === 'update' && !existing) throw new NotFound(`Service ${slug} has no check ${name}`);
      const spec = specFrom(input, existing, name);
      const enabled =
        input.enabled === undefined || input.enabled === ''
          ? (existing?.enabled ?? true)
          : parseBoolean('enabled', input.enabled);
      if (existing) await checks.updateCheck(trx, existing.id, spec, enabled);
      else await checks.insertCheck(trx, service.id, spec, enabled, ctx.clock.now());
      changes.push({ topic: 'service', action: 'updated', slug });
      return { check: (await checks.findCheck(trx, service.id, name))!, created: !existing };
    },
    `Service ${slug} already has a check ${name}`,
  );
}

export async function deleteCheck(ctx: Context, actor: Actor, slug: string, name: string): Promise<Check> {
  authorize(actor, 'monitoring.configure');
  return inTransaction(ctx, actor, async (trx, changes) => {
    const service = await requireService(trx, slug);
    const check = await checks.findCheck(trx, service.id, name);
    if (!check) throw new NotFound(`Service ${slug} has no check ${name}`);
    await checks.deleteCheck(trx, check.id);
    changes.push({ topic: 'service', action: 'updated', slug });
    return check;
  });
}

export interface CheckRun {
  service: string;
  check: string;
  result: RunResult;
  /** What became of the service's status: unchanged, the policy outcome of the event posted, or failed to record. */
  outcome: 'unchanged' | 'posted' | 'noted' | 'ignored' | 'suppressed' | 'failed';
  /** Why recording the run failed. */
  error?: string;
}

/**
 * Runs every check due at `now` (each claimed by exactly one instance through its lease),
 * stores each run's response time, applies failure thresholds, and posts the service's
 * status when the worst state of its checks changes (author `check:<name>`).
 */
export async function runDueChecks(ctx: Context, runner: CheckRunner, now: number): Promise<CheckRun[]> {
  const due = await checks.claimDueChecks(ctx.database.db, now);
  const results = await Promise.all(due.map(async (check) => ({ check, result: await runner.run(check) })));
  const runs: CheckRun[] = [];
  // Each run is recorded in a transaction of its own: one that fails does not lose the others.
  for (const { check, result } of results) {
    try {
      runs.push(await recordRun(ctx, check, result, now));
    } catch (error) {
      const service = (await serviceSlugById(ctx.database.db, check.serviceId).catch(() => undefined)) ?? '';
      runs.push({ service, check: check.name, result, outcome: 'failed', error: (error as Error).message });
    }
  }
  return runs;
}

async function recordRun(ctx: Context, check: Check, result: RunResult, now: number): Promise<CheckRun> {
  const actor = automationActor('check', check.name);
  return inTransaction(ctx, actor, async (trx, changes) => {
    const service = await services.findServiceById(trx, check.serviceId);
    const run: CheckRun = { service: service?.slug ?? '', check: check.name, result, outcome: 'unchanged' };
    const threshold = applyThreshold(
      { consecutiveFailures: check.consecutiveFailures, effective: check.effectiveState },
      result.state,
      check.failureThreshold,
    );
    await insertSample(trx, { checkId: check.id, at: now, result: result.state, latencyMs: result.latencyMs });
    await checks.recordCheckRun(trx, check.id, {
      at: now,
      result: result.state,
      message: result.message,
      latencyMs: result.latencyMs,
      consecutiveFailures: threshold.consecutiveFailures,
      effective: threshold.effective,
    });
    if (!service) return run;
    const all = (await checks.checksOfService(trx, service.id)).filter((c) => c.enabled);
    const aggregate = worstState(all.map((c) => c.effectiveState).filter((s) => s !== null));
    const automation = await findAutomation(trx, service.id);
    if (aggregate === undefined || aggregate === automation.checksState) return run;
    if (service.currentEvent?.status.slug === automation.statuses[aggregate]) {
      await updateAutomation(trx, service.id, { checksState: aggregate });
      await refreshQuietReport(
        trx,
        authorOf(actor),
        service,
        { statusSlug: automation.statuses[aggregate], message: `Checks report ${aggregate}`, timestamp: now },
        (author) => author.startsWith('check:'),
      );
      return run;
    }
    // The event is public: generic words only; the detail stays on the admin monitoring page.
    const message =
      aggregate === 'up'
        ? all.length === 1
          ? `${check.name}: ${publicCheckMessage(check.kind, result.message)}`
          : `All ${all.length} checks pass`
        : all
            .filter((c) => c.effectiveState === aggregate)
            .map((c) => `${c.name}: ${publicCheckMessage(c.kind, c.lastMessage)}`)
            .join('; ');
    const posted = await postAutomatedState(trx, changes, ctx, actor, service, automation, aggregate, message);
    if (posted.outcome !== 'suppressed') await updateAutomation(trx, service.id, { checksState: aggregate });
    return { ...run, outcome: posted.outcome };
  });
}

/** Deletes response times older than the retention, and long-resolved alerts. */
export async function pruneMonitoringData(ctx: Context, now: number, retentionDays: number): Promise<number> {
  const before = now - retentionDays * 86_400_000;
  return ctx.database.db.transaction().execute(async (trx) => {
    await deleteResolvedAlertsBefore(trx, now - 30 * 86_400_000);
    return deleteSamplesBefore(trx, before);
  });
}
