import { Conflict, Invalid } from './errors.ts';
import type { Level } from './levels.ts';
import {
  componentStatusRank,
  defaultComponentStatus,
  isComponentStatus,
  type ComponentStatus,
} from './component-status.ts';

/** The rules of incidents (contract: incidents-maintenance-uptime-v2 §5). Pure: no I/O. */

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number] | 'postmortem';
export const UNRESOLVED_STATUSES: readonly IncidentStatus[] = ['investigating', 'identified', 'monitoring'];

export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type Impact = (typeof IMPACTS)[number];

export const INCIDENT_LIMITS = { name: 255, body: 10_000, postmortem: 50_000 } as const;

export const STATUS_LABELS: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  postmortem: 'Postmortem',
};

export function isUnresolved(status: IncidentStatus): boolean {
  return UNRESOLVED_STATUSES.includes(status);
}

/** A status's component status: its own when it has one (§7.3), else the default of its level. */
export function componentStatusOf(status: { slug: string; level: Level; componentStatus?: string }): ComponentStatus {
  if (isComponentStatus(status.componentStatus)) return status.componentStatus;
  if (status.slug === 'down' && status.level === 'ERROR') return 'major_outage';
  return defaultComponentStatus(status.level);
}

export function worseComponentStatus(a: ComponentStatus, b: ComponentStatus): ComponentStatus {
  return componentStatusRank(b) > componentStatusRank(a) ? b : a;
}

const IMPACT_OF: Record<ComponentStatus, Impact> = {
  operational: 'none',
  degraded_performance: 'minor',
  partial_outage: 'major',
  major_outage: 'critical',
};

/** The impact a component status gives an incident (§5.3). */
export function impactOfComponentStatus(status: ComponentStatus): Impact {
  return IMPACT_OF[status];
}

export function worseImpact(a: Impact, b: Impact): Impact {
  return IMPACTS.indexOf(b) > IMPACTS.indexOf(a) ? b : a;
}

/**
 * §5.3: the worst component status in force on any affected service at any instant of
 * [from, to). `events` are each service's events (any order) with timestamp < to, including at
 * least the newest one at or before `from`; `order` breaks timestamp ties (creation order).
 */
export function computeImpact(
  events: ReadonlyArray<{ serviceId: number; timestamp: number; order: number; componentStatus: ComponentStatus }>,
  from: number,
  to: number,
): Impact {
  const byService = new Map<number, typeof events>();
  for (const e of events) byService.set(e.serviceId, [...(byService.get(e.serviceId) ?? []), e]);
  let worst: ComponentStatus = 'operational';
  for (const list of byService.values()) {
    const sorted = [...list].sort((a, b) => a.timestamp - b.timestamp || a.order - b.order);
    // The status in force at `from`: the newest event at or before it.
    let inForce: ComponentStatus | undefined;
    for (const e of sorted) {
      if (e.timestamp <= from) inForce = e.componentStatus;
      else if (e.timestamp < to) worst = worseComponentStatus(worst, e.componentStatus);
    }
    // An event exactly at `from` with a later tie may supersede; the loop above keeps the last one.
    if (inForce !== undefined && from < to) worst = worseComponentStatus(worst, inForce);
  }
  return impactOfComponentStatus(worst);
}

/** §5.1: the status an update may set on an incident now at `current`. */
export function checkTransition(current: IncidentStatus, next: IncidentStatus): void {
  if (isUnresolved(current)) return;
  if (next !== 'resolved') {
    throw new Conflict(
      `The incident is ${current}: it only takes updates with status resolved; create a new incident instead`,
    );
  }
}

/** The status the incident has after an update with `requested` (a postmortem incident stays postmortem). */
export function statusAfterUpdate(current: IncidentStatus, requested: IncidentStatus): IncidentStatus {
  return current === 'postmortem' ? 'postmortem' : requested;
}

export function parseIncidentStatus(value: string | undefined, field = 'status'): IncidentStatus | undefined {
  if (value === undefined || value === '') return undefined;
  if ((INCIDENT_STATUSES as readonly string[]).includes(value)) return value as IncidentStatus;
  throw new Invalid(`${field} must be one of ${INCIDENT_STATUSES.join(', ')}, not ${JSON.stringify(value)}`, field);
}

export function parseImpactOverride(value: unknown): Impact | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  if (typeof value === 'string' && (IMPACTS as readonly string[]).includes(value)) return value as Impact;
  throw new Invalid(`impact_override must be one of ${IMPACTS.join(', ')} or empty`, 'impact_override');
}

const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const CONTROL_IN_NAME = /[\u0000-\u001f\u007f]/;

/** §6.1 name: 1–255 characters, no control characters. */
export function checkIncidentName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Invalid('name is required', 'name');
  const length = [...value].length;
  if (length > INCIDENT_LIMITS.name)
    throw new Invalid(`name is ${length} characters long; the limit is ${INCIDENT_LIMITS.name}`, 'name');
  if (CONTROL_IN_NAME.test(value)) throw new Invalid('name contains a control character', 'name');
  return value;
}

/** §6.1 body: 1–10,000 characters (postmortem 50,000); tab and newlines allowed. */
export function checkIncidentBody(
  value: unknown,
  field: 'body' = 'body',
  limit: number = INCIDENT_LIMITS.body,
): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Invalid(`${field} is required`, field);
  const length = [...value].length;
  if (length > limit) throw new Invalid(`${field} is ${length} characters long; the limit is ${limit}`, field);
  if (CONTROL_IN_TEXT.test(value)) throw new Invalid(`${field} contains a control character`, field);
  return value;
}

/** §5.4: the window of a backfilled incident. */
export function checkBackfillWindow(startedAt: number | undefined, resolvedAt: number | undefined, now: number): void {
  if (startedAt === undefined) throw new Invalid('started_at is required for a backfilled incident', 'started_at');
  if (resolvedAt === undefined) throw new Invalid('resolved_at is required for a backfilled incident', 'resolved_at');
  if (!(startedAt < resolvedAt)) throw new Invalid('resolved_at must be after started_at', 'resolved_at');
  if (resolvedAt > now) throw new Invalid('resolved_at must not be in the future', 'resolved_at');
}

/**
 * §5.2: which status a v2 name stands for, among `statuses` (each with its component status).
 * `operational` is the default status when it is operational, else the first operational one by name.
 */
export function statusForComponentStatus<S extends { slug: string; name: string; isDefault: boolean }>(
  statuses: ReadonlyArray<S & { componentStatus: ComponentStatus }>,
  wanted: ComponentStatus,
): S | undefined {
  if (wanted === 'operational') {
    const byDefault = statuses.find((s) => s.isDefault && s.componentStatus === 'operational');
    if (byDefault) return byDefault;
  }
  return [...statuses]
    .filter((s) => s.componentStatus === wanted)
    .sort(
      (a, b) =>
        a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0),
    )[0];
}

export type IncidentKind = 'incident' | 'maintenance';

/** One row of an update's `affected_components` (§4.4), frozen when the update was written. */
export interface AffectedComponent {
  code: string;
  name: string;
  old_status: string;
  new_status: string;
}

export interface Incident {
  id: string;
  kind: IncidentKind;
  name: string;
  status: IncidentStatus;
  impactOverride: Impact | null;
  startedAt: number;
  createdAt: number;
  updatedAt: number;
  monitoringAt: number | null;
  resolvedAt: number | null;
  backfilled: boolean;
  postmortemBody: string | null;
  postmortemPublishedAt: number | null;
  /** Affected service ids. */
  serviceIds: number[];
}

export interface IncidentUpdate {
  seq: number;
  id: string;
  incidentId: string;
  status: IncidentStatus;
  body: string;
  createdAt: number;
  updatedAt: number;
  displayAt: number;
  affectedComponents: AffectedComponent[] | null;
  deliverNotifications: boolean;
  author: string;
  /** The events this update posted. */
  events: Array<{ service: string; sid: string }>;
}

/** The update written last (by creation order, whatever its display time): the one a notification is about. */
export function lastWrittenUpdate(updates: readonly IncidentUpdate[]): IncidentUpdate {
  return [...updates].sort((a, b) => b.seq - a.seq)[0]!;
}

/** Updates newest first by display_at, ties by creation order newest first (§4.3). */
export function updatesNewestFirst(updates: readonly IncidentUpdate[]): IncidentUpdate[] {
  return [...updates].sort((a, b) => b.displayAt - a.displayAt || b.seq - a.seq);
}

export interface IncidentTemplate {
  id: number;
  name: string;
  title: string;
  body: string;
}

/** An incident as readers see it: its record, updates (newest first), affected services (display order), impact. */
export interface IncidentView<S = unknown> {
  incident: Incident;
  updates: IncidentUpdate[];
  services: S[];
  impact: Impact;
}

/** §4.1 display order: services of lists (lists by name) first, then ungrouped ones, each by name. */
export function displayOrder<S extends { name: string; slug: string; list: { name: string; slug: string } | null }>(
  services: readonly S[],
): S[] {
  const cmp = (a: { name: string; slug: string }, b: { name: string; slug: string }) =>
    a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
  return [...services].sort((a, b) => {
    if (a.list && !b.list) return -1;
    if (!a.list && b.list) return 1;
    if (a.list && b.list) {
      const byList = cmp(a.list, b.list);
      if (byList !== 0) return byList;
    }
    return cmp(a, b);
  });
}
