import { Invalid } from './errors.ts';
import { isAutomationState, type AutomationState } from './automation-state.ts';

/** Alertmanager's webhook payload (version 4) and how its alerts map to service states. */

export interface AlertmanagerAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  /** null for firing alerts (Alertmanager sends the zero time 0001-01-01). */
  endsAt: number | null;
  fingerprint: string;
}

export interface AlertmanagerPayload {
  version: string;
  groupKey: string;
  status: 'firing' | 'resolved';
  receiver: string;
  alerts: AlertmanagerAlert[];
}

export interface AlertmanagerRules {
  /** The label naming the service by slug (default `service`). */
  serviceLabel: string;
  /** The label carrying the severity (default `severity`). */
  severityLabel: string;
  /** severity -> state; severities not listed map to `unmappedState`. */
  severities: Readonly<Record<string, AutomationState>>;
  unmappedState: AutomationState;
}

export const DEFAULT_ALERTMANAGER_RULES: AlertmanagerRules = Object.freeze({
  serviceLabel: 'service',
  severityLabel: 'severity',
  severities: Object.freeze({ critical: 'down', warning: 'warning' }) as Record<string, AutomationState>,
  unmappedState: 'down',
});

/** Parses `critical=down,warning=warning,info=up`. */
export function parseSeverityMap(text: string): Record<string, AutomationState> {
  const map: Record<string, AutomationState> = {};
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    const [severity, state, extra] = entry.split('=').map((p) => p.trim());
    if (!severity || extra !== undefined || !isAutomationState(state)) {
      throw new Error(`a severity mapping entry is severity=up|warning|down, not ${JSON.stringify(entry)}`);
    }
    map[severity] = state;
  }
  return map;
}

function instant(field: string, value: unknown): number | null {
  if (typeof value !== 'string') throw new Invalid(`${field} must be an RFC 3339 time`, field);
  // Alertmanager's "no time" is the zero time of Go.
  if (value.startsWith('0001-01-01')) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Invalid(`${field} must be an RFC 3339 time, not ${JSON.stringify(value)}`, field);
  return ms;
}

function stringMap(field: string, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Invalid(`${field} must be an object of strings`, field);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new Invalid(`${field}.${k} must be a string`, field);
    out[k] = v;
  }
  return out;
}

/** Checks the webhook body; throws Invalid naming the first field at fault. */
export function parseAlertmanagerPayload(body: unknown): AlertmanagerPayload {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Invalid("the body must be Alertmanager's JSON webhook payload");
  const b = body as Record<string, unknown>;
  if (b.version !== '4')
    throw new Invalid(`only webhook payload version 4 is understood, not ${JSON.stringify(b.version)}`, 'version');
  if (typeof b.groupKey !== 'string') throw new Invalid('groupKey must be a string', 'groupKey');
  if (b.status !== 'firing' && b.status !== 'resolved')
    throw new Invalid('status must be firing or resolved', 'status');
  if (!Array.isArray(b.alerts)) throw new Invalid('alerts must be an array', 'alerts');
  const alerts = b.alerts.map((raw: unknown, i: number): AlertmanagerAlert => {
    const a = (raw ?? {}) as Record<string, unknown>;
    const field = `alerts[${i}]`;
    if (a.status !== 'firing' && a.status !== 'resolved')
      throw new Invalid(`${field}.status must be firing or resolved`, 'alerts');
    if (typeof a.fingerprint !== 'string' || a.fingerprint === '')
      throw new Invalid(`${field}.fingerprint is required`, 'alerts');
    const startsAt = instant(`${field}.startsAt`, a.startsAt);
    if (startsAt === null) throw new Invalid(`${field}.startsAt is required`, 'alerts');
    return {
      status: a.status,
      labels: stringMap(`${field}.labels`, a.labels),
      annotations: stringMap(`${field}.annotations`, a.annotations),
      startsAt,
      endsAt: a.endsAt === undefined ? null : instant(`${field}.endsAt`, a.endsAt),
      fingerprint: a.fingerprint,
    };
  });
  return {
    version: '4',
    groupKey: b.groupKey,
    status: b.status,
    receiver: typeof b.receiver === 'string' ? b.receiver : '',
    alerts,
  };
}

export function alertState(alert: AlertmanagerAlert, rules: AlertmanagerRules): AutomationState {
  const severity = alert.labels[rules.severityLabel];
  return (severity !== undefined ? rules.severities[severity] : undefined) ?? rules.unmappedState;
}

/** The message an alert contributes: its summary, else its description, else its name. */
export function alertMessage(alert: AlertmanagerAlert): string {
  const text = alert.annotations.summary || alert.annotations.description || alert.labels.alertname || 'Alert';
  return text.slice(0, 2000);
}

export interface StoredAlert {
  status: 'firing' | 'resolved';
  startsAt: number;
}

/**
 * Whether an incoming alert replaces what is stored for its fingerprint. A redelivered or
 * late `firing` for an alert already resolved (same startsAt) does not reopen it: a real
 * re-fire has a new startsAt.
 */
export function alertSupersedes(stored: StoredAlert | undefined, incoming: AlertmanagerAlert): boolean {
  if (!stored) return true;
  if (incoming.startsAt > stored.startsAt) return true;
  if (incoming.startsAt < stored.startsAt) return false;
  return !(stored.status === 'resolved' && incoming.status === 'firing');
}

export interface FiringAlert {
  state: AutomationState;
  message: string;
  startsAt: number;
}

/**
 * What the firing alerts of one service say: the worst state, with the messages of the alerts
 * at that state (oldest first). undefined when none fire.
 */
export function summarizeFiring(alerts: FiringAlert[]): { state: AutomationState; message: string } | undefined {
  if (alerts.length === 0) return undefined;
  const order: AutomationState[] = ['up', 'warning', 'down'];
  const worst = alerts.reduce((w, a) => (order.indexOf(a.state) > order.indexOf(w) ? a.state : w), alerts[0]!.state);
  const messages = [
    ...new Set(
      alerts
        .filter((a) => a.state === worst)
        .sort((a, b) => a.startsAt - b.startsAt)
        .map((a) => a.message),
    ),
  ];
  const shown = messages.slice(0, 5).join('; ');
  return { state: worst, message: messages.length > 5 ? `${shown}; and ${messages.length - 5} more` : shown };
}
