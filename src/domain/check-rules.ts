import { Invalid } from './errors.ts';
import type { AutomationState } from './automation-state.ts';

/** Built-in checks: what a check is, what counts as a pass, and when a run changes the status. */

export type CheckKind = 'http' | 'tcp';

export const MIN_INTERVAL_MS = 10_000;
export const MAX_INTERVAL_MS = 24 * 3600_000;
export const MIN_TIMEOUT_MS = 100;

export interface CheckSpec {
  name: string;
  kind: CheckKind;
  /** http(s) URL for HTTP checks, host:port for TCP. */
  target: string;
  /** e.g. `200-299,301`. */
  expectedStatuses: string;
  keyword: string | null;
  /** true: the body must NOT contain the keyword. */
  keywordAbsent: boolean;
  latencyWarningMs: number | null;
  intervalMs: number;
  timeoutMs: number;
  failureThreshold: number;
}

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export function parseStatusRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const match = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    const from = match ? Number(match[1]) : NaN;
    const to = match?.[2] ? Number(match[2]) : from;
    if (!match || from < 100 || to > 599 || to < from) {
      throw new Invalid(
        `expected statuses must be codes or ranges like 200-299,301, not ${JSON.stringify(text)}`,
        'expected_statuses',
      );
    }
    ranges.push([from, to]);
  }
  if (ranges.length === 0) throw new Invalid('expected statuses must name at least one code', 'expected_statuses');
  return ranges;
}

export function parseTcpTarget(target: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s/[\]]+):(\d{1,5})$/.exec(target);
  const port = match ? Number(match[2]) : 0;
  if (!match || port < 1 || port > 65535)
    throw new Invalid(`a TCP target is host:port, not ${JSON.stringify(target)}`, 'target');
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

/** A spec as given: every field present, the kind not yet known to be a CheckKind. */
export type UncheckedSpec = Omit<CheckSpec, 'kind'> & { kind: string };

function isCheckKind(kind: string): kind is CheckKind {
  return kind === 'http' || kind === 'tcp';
}

/** Checks a complete spec; throws Invalid naming the first field at fault. */
export function checkSpec(given: UncheckedSpec): CheckSpec {
  const { kind } = given;
  if (!NAME.test(given.name) || given.name.length > 64) {
    throw new Invalid(
      `name must be lower-case letters, digits and dashes (at most 64), not ${JSON.stringify(given.name)}`,
      'name',
    );
  }
  if (!isCheckKind(kind)) throw new Invalid(`kind must be http or tcp, not ${JSON.stringify(kind)}`, 'kind');
  const spec: CheckSpec = { ...given, kind };
  if (spec.kind === 'http') {
    let url: URL | undefined;
    try {
      url = new URL(spec.target);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
      throw new Invalid(
        `an HTTP check's target is an http(s) URL without credentials, not ${JSON.stringify(spec.target)}`,
        'target',
      );
    }
    parseStatusRanges(spec.expectedStatuses);
  } else {
    parseTcpTarget(spec.target);
    if (spec.keyword !== null) throw new Invalid('a TCP check has no keyword', 'keyword');
  }
  if (spec.keyword !== null && (spec.keyword === '' || spec.keyword.length > 1000)) {
    throw new Invalid('keyword must be 1 to 1000 characters', 'keyword');
  }
  if (!Number.isInteger(spec.intervalMs) || spec.intervalMs < MIN_INTERVAL_MS || spec.intervalMs > MAX_INTERVAL_MS) {
    throw new Invalid(
      `interval must be from ${MIN_INTERVAL_MS / 1000} to ${MAX_INTERVAL_MS / 1000} seconds`,
      'interval',
    );
  }
  if (!Number.isInteger(spec.timeoutMs) || spec.timeoutMs < MIN_TIMEOUT_MS || spec.timeoutMs >= spec.intervalMs) {
    throw new Invalid(`timeout must be at least ${MIN_TIMEOUT_MS} ms and shorter than the interval`, 'timeout');
  }
  if (!Number.isInteger(spec.failureThreshold) || spec.failureThreshold < 1 || spec.failureThreshold > 100) {
    throw new Invalid('failure threshold must be a whole number from 1 to 100', 'failure_threshold');
  }
  if (spec.latencyWarningMs !== null && (!Number.isInteger(spec.latencyWarningMs) || spec.latencyWarningMs < 1)) {
    throw new Invalid('latency warning must be a positive number of milliseconds', 'latency_warning');
  }
  return spec;
}

/** One run's outcome. `latencyMs` is null when nothing answered. */
export interface RunResult {
  state: AutomationState;
  message: string;
  latencyMs: number | null;
}

export interface HttpAnswer {
  status: number;
  body: string;
  elapsedMs: number;
}

export function evaluateHttp(spec: CheckSpec, answer: HttpAnswer): RunResult {
  const latencyMs = Math.round(answer.elapsedMs);
  const ranges = parseStatusRanges(spec.expectedStatuses);
  if (!ranges.some(([from, to]) => answer.status >= from && answer.status <= to)) {
    return { state: 'down', message: `HTTP ${answer.status} (expected ${spec.expectedStatuses})`, latencyMs };
  }
  if (spec.keyword !== null) {
    const found = answer.body.includes(spec.keyword);
    if (found && spec.keywordAbsent)
      return { state: 'down', message: `the answer contains ${JSON.stringify(spec.keyword)}`, latencyMs };
    if (!found && !spec.keywordAbsent)
      return { state: 'down', message: `the answer lacks ${JSON.stringify(spec.keyword)}`, latencyMs };
  }
  return latencyResult(spec, latencyMs, `HTTP ${answer.status}`);
}

export function evaluateTcp(spec: CheckSpec, elapsedMs: number): RunResult {
  return latencyResult(spec, Math.round(elapsedMs), 'connected');
}

function latencyResult(spec: CheckSpec, latencyMs: number, what: string): RunResult {
  if (spec.latencyWarningMs !== null && latencyMs > spec.latencyWarningMs) {
    return {
      state: 'warning',
      message: `${what} in ${latencyMs} ms, slower than ${spec.latencyWarningMs} ms`,
      latencyMs,
    };
  }
  return { state: 'up', message: `${what} in ${latencyMs} ms`, latencyMs };
}

/**
 * What the public may read of a run's outcome: a generic description ("timeout", "connection
 * refused", "HTTP 503"), never the detail (host names, ports, addresses, DNS answers, bodies),
 * which stays on the admin monitoring page. Check targets are never public.
 */
export function publicCheckMessage(kind: CheckKind, detail: string): string {
  const label = kind === 'http' ? 'HTTP' : 'TCP';
  const status = /^HTTP (\d{3})\b/.exec(detail);
  const slow = /^(HTTP \d{3}|connected) in (\d+) ms, slower than/.exec(detail);
  if (slow) return `${slow[1]}, slow answer (${slow[2]} ms)`;
  const fine = /^(HTTP \d{3}|connected) in (\d+) ms$/.exec(detail);
  if (fine) return `${fine[1]} in ${fine[2]} ms`;
  if (status) return `HTTP ${status[1]}`;
  if (/^the answer (lacks|contains) /.test(detail)) return `${label} check failed: unexpected answer`;
  const reasons: Array<[RegExp, string]> = [
    [/^refused to connect to .*: a .* address/, 'address not allowed'],
    [/^no (complete answer|TCP connection) within|time(d)? ?out|ETIMEDOUT/i, 'timeout'],
    [/^connection to .* refused$|ECONNREFUSED/, 'connection refused'],
    [/^cannot resolve |ENOTFOUND|EAI_AGAIN/, 'name not resolved'],
    [/^TLS failed|certificate/i, 'TLS error'],
    [/^more than \d+ redirects/, 'too many redirects'],
    [/^bad HTTP answer|closed the connection mid-answer/, 'bad answer'],
    [/ECONNRESET/, 'connection reset'],
    [/^cannot (reach|connect to) /, 'unreachable'],
  ];
  const reason = reasons.find(([pattern]) => pattern.test(detail))?.[1] ?? 'error';
  return `${label} check failed: ${reason}`;
}

export function failedRun(message: string): RunResult {
  return { state: 'down', message, latencyMs: null };
}

export interface ThresholdState {
  consecutiveFailures: number;
  /** What the check stands for; null until it first counts. */
  effective: AutomationState | null;
}

/**
 * Applies the failure threshold: a pass counts at once; a failure (down or warning) changes
 * what the check stands for only after `threshold` failures in a row.
 */
export function applyThreshold(previous: ThresholdState, result: AutomationState, threshold: number): ThresholdState {
  if (result === 'up') return { consecutiveFailures: 0, effective: 'up' };
  const consecutiveFailures = previous.consecutiveFailures + 1;
  if (consecutiveFailures >= threshold) return { consecutiveFailures, effective: result };
  return { consecutiveFailures, effective: previous.effective };
}

/** A stored check: its spec, its schedule lease and what it found last. */
export interface Check extends CheckSpec {
  id: number;
  serviceId: number;
  enabled: boolean;
  leaseUntil: number;
  consecutiveFailures: number;
  lastResult: AutomationState | null;
  lastMessage: string;
  lastCheckedAt: number | null;
  lastLatencyMs: number | null;
  effectiveState: AutomationState | null;
  createdAt: number;
}
