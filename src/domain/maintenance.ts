import { Conflict, Invalid } from './errors.ts';
import type { ComponentStatus, V2ComponentStatus } from './component-status.ts';

/** The rules of scheduled maintenance (contract: incidents-maintenance-uptime-v2 §9). Pure: no I/O. */

export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number];

export const MAINTENANCE_LABELS: Record<MaintenanceStatus, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
};

/** Bodies of the automatic transitions (§9.1). */
export const AUTO_START_BODY = 'Scheduled maintenance is currently in progress. We will provide updates as necessary.';
export const AUTO_COMPLETE_BODY = 'The scheduled maintenance has been completed.';
/** The author of automatic transitions. */
export const MAINTENANCE_AUTHOR = 'maintenance';

/** How far ahead the front page announces upcoming maintenance. */
export const UPCOMING_WINDOW_MS = 7 * 86_400_000;

export function isMaintenanceStatus(value: string): value is MaintenanceStatus {
  return (MAINTENANCE_STATUSES as readonly string[]).includes(value);
}

/** Active = in_progress or verifying (§9.2, decision 7): its services read under_maintenance in v2. */
export function isActive(status: MaintenanceStatus): boolean {
  return status === 'in_progress' || status === 'verifying';
}

/**
 * §9.1 state table: `yes` and `note` pass; every other pair is a Conflict (409).
 * scheduled → in_progress | completed (cancelled); in_progress ⇄ verifying; active → completed.
 */
const ALLOWED: Record<MaintenanceStatus, readonly MaintenanceStatus[]> = {
  scheduled: ['scheduled', 'in_progress', 'completed'],
  in_progress: ['in_progress', 'verifying', 'completed'],
  verifying: ['verifying', 'in_progress', 'completed'],
  completed: ['completed'],
};

export function canTransition(from: MaintenanceStatus, to: MaintenanceStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function checkMaintenanceTransition(from: MaintenanceStatus, to: MaintenanceStatus): void {
  if (canTransition(from, to)) return;
  throw new Conflict(`The maintenance is ${from}: it cannot become ${to}`);
}

/** The one-step actions of the admin site, and the state each needs (the table alone would let some pass as notes). */
export const MAINTENANCE_ACTIONS = {
  start: { from: ['scheduled'], to: 'in_progress', refusal: 'only a scheduled maintenance can be started' },
  complete: {
    from: ['in_progress', 'verifying'],
    to: 'completed',
    refusal: 'only a maintenance in progress or verifying can be completed',
  },
  cancel: { from: ['scheduled'], to: 'completed', refusal: 'only a scheduled maintenance can be cancelled' },
} as const satisfies Record<string, { from: readonly MaintenanceStatus[]; to: MaintenanceStatus; refusal: string }>;
export type MaintenanceAction = keyof typeof MAINTENANCE_ACTIONS;

/** Where an action leads from `from`, or a Conflict (409) saying why not. */
export function checkAction(from: MaintenanceStatus, action: MaintenanceAction): MaintenanceStatus {
  const rule = MAINTENANCE_ACTIONS[action];
  if (!(rule.from as readonly MaintenanceStatus[]).includes(from))
    throw new Conflict(`The maintenance is ${MAINTENANCE_LABELS[from].toLowerCase()}: ${rule.refusal}`);
  return rule.to;
}

export function parseMaintenanceStatus(
  value: unknown,
  allowed: readonly MaintenanceStatus[] = MAINTENANCE_STATUSES,
): MaintenanceStatus | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as MaintenanceStatus;
  throw new Invalid(`status must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`, 'status');
}

/** §6.1: `scheduled_until` > `scheduled_for`, and (on create) > now. */
export function checkWindow(scheduledFor: number, scheduledUntil: number, now: number, creating: boolean): void {
  if (!(scheduledUntil > scheduledFor))
    throw new Invalid('scheduled_until must be after scheduled_for', 'scheduled_until');
  if (creating && !(scheduledUntil > now))
    throw new Invalid('scheduled_until must be in the future', 'scheduled_until');
}

/**
 * A start already passed at creation (§6.1, issue rule "a start in the past") is refused unless the
 * maintenance starts at once, as §9.1 has it (auto-start on, or `status=in_progress`): a window
 * that would sit `scheduled` with its start behind it is a mistake.
 */
export function checkStart(scheduledFor: number, now: number, startsAtOnce: boolean): void {
  if (scheduledFor < now && !startsAtOnce)
    throw new Invalid(
      'scheduled_for must not be in the past unless the maintenance starts at once (scheduled_auto_in_progress or status in_progress)',
      'scheduled_for',
    );
}

/**
 * §9.2 at completion: of the latest report of each automation source on one service, the one to
 * post. The most severe wins, so a problem one source still reports is not hidden by another
 * source's newer "fine"; ties go to the newest report.
 */
export function reportToPost<R extends { severity: number; reportedAt: number }>(reports: readonly R[]): R | undefined {
  let chosen: R | undefined;
  for (const r of reports) {
    if (
      !chosen ||
      r.severity > chosen.severity ||
      (r.severity === chosen.severity && r.reportedAt >= chosen.reportedAt)
    )
      chosen = r;
  }
  return chosen;
}

/** The status a new maintenance starts in (§9.1 "Created when scheduled_for ≤ now"). */
export function initialStatus(
  requested: MaintenanceStatus | undefined,
  scheduledFor: number,
  autoStart: boolean,
  now: number,
): MaintenanceStatus {
  if (requested === 'in_progress') return 'in_progress';
  return autoStart && scheduledFor <= now ? 'in_progress' : 'scheduled';
}

export interface MaintenanceWindow {
  status: MaintenanceStatus;
  scheduledFor: number;
  scheduledUntil: number;
  autoStart: boolean;
  autoComplete: boolean;
}

/** Which automatic transition is due at `now`, if any (§9.1 Auto). */
export function dueTransition(m: MaintenanceWindow, now: number): 'start' | 'complete' | undefined {
  if (m.status === 'scheduled' && m.autoStart && m.scheduledFor <= now) {
    // A window that already ended starts and completes in the same round.
    return 'start';
  }
  if (isActive(m.status) && m.autoComplete && m.scheduledUntil <= now) return 'complete';
  return undefined;
}

/** §2/§9.2: the v2 status of a service given its component status and whether an active maintenance covers it. */
export function overlaidStatus(componentStatus: ComponentStatus, underActiveMaintenance: boolean): V2ComponentStatus {
  if (!underActiveMaintenance) return componentStatus;
  return componentStatus === 'operational' || componentStatus === 'degraded_performance'
    ? 'under_maintenance'
    : componentStatus;
}

/** §9.2: the message of the note an automated report becomes during a window, cut to `limit`. */
export function quietNoteMessage(
  maintenanceName: string,
  source: string,
  statusName: string,
  message: string,
  limit = 10_000,
): string {
  return [...`Maintenance "${maintenanceName}": ${source} reported ${statusName}: ${message}`].slice(0, limit).join('');
}

/** "in 3 days", "in 5 hours", "in 20 minutes", "now" — the distance to a future instant, for visitors. */
export function relativeFuture(at: number, now: number): string {
  const ms = at - now;
  if (ms <= 60_000) return 'now';
  const plural = (n: number, unit: string) => `in ${n} ${unit}${n === 1 ? '' : 's'}`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.round(ms / 3_600_000);
  if (hours < 24) return plural(hours, 'hour');
  return plural(Math.round(ms / 86_400_000), 'day');
}

/** A maintenance record (a row of `incidents` with kind `maintenance`). */
export interface Maintenance {
  id: string;
  name: string;
  status: MaintenanceStatus;
  impactOverride: string | null;
  createdAt: number;
  updatedAt: number;
  /** When it completed (§4.3 `resolved_at`). */
  resolvedAt: number | null;
  scheduledFor: number;
  scheduledUntil: number;
  autoStart: boolean;
  autoComplete: boolean;
  /** Affected service ids. */
  serviceIds: number[];
}

/** What automation reported on a service during a window (the latest per author), re-asserted at completion. */
export interface MaintenanceReport {
  maintenanceId: string;
  serviceId: number;
  author: string;
  /** `source`: only in reports kept before automation had scopes of its own. */
  actor: { kind: string; name: string; scope: string; source?: string };
  statusSlug: string;
  message: string;
  reportedAt: number;
}

/**
 * A maintenance notification (§11), frozen when written, like an incident notification: the maintenance as
 * readers saw it right after the change, the update it is about and the page status then.
 */
export interface MaintenanceNotification {
  topic: 'maintenance.created' | 'maintenance.updated';
  view: unknown;
  updateId: string | null;
  /** Slugs of the affected services (channel and subscriber filters apply to them). */
  services: string[];
  page: { indicator: string; description: string };
  /** v2 status changes of this update, by service name. */
  changes: Array<{ service: string; from: string; to: string }>;
}

export function isMaintenanceTopic(topic: string): topic is MaintenanceNotification['topic'] {
  return topic === 'maintenance.created' || topic === 'maintenance.updated';
}
