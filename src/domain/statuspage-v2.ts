import {
  withMaintenance,
  worstComponentStatus,
  type ComponentStatus,
  type V2ComponentStatus,
} from './component-status.ts';
import { civilDateOf, dateKey } from './calendar.ts';
import type { IncidentUpdate } from './incidents.ts';

/**
 * Statuspage v2 objects (contract §2–§4), built from plain data. Key sets and their order
 * are Statuspage's: clients parse by them. Pure, so the HTTP layer and notification
 * payloads build the same objects.
 */

/** `YYYY-MM-DDTHH:MM:SS.sssZ`. */
export function v2Time(ms: number): string {
  return new Date(ms).toISOString();
}

export interface V2ServiceSource {
  componentId: string;
  slug: string;
  name: string;
  description: string;
  createdAt: number;
  /** The last edit (creation if none). */
  updatedAt: number;
  /** The list's component id, if the service is in a list. */
  groupId: string | null;
  /** Display order within its list set by admins (domain/ordering.ts); 0 or absent: by name. */
  position?: number;
  /** The status in force (its newest event's), or null without events. */
  current: { componentStatus: ComponentStatus; componentStatusAt: number } | null;
  /** The newest event's timestamp, null without events. */
  newestEventAt: number | null;
  /** The first event's timestamp, null without events. */
  firstEventAt: number | null;
  /** Whether an active maintenance (in_progress or verifying) affects it. */
  inMaintenance: boolean;
  /** The last start or end of an active window affecting it, if any. */
  windowChangedAt: number | null;
}

export interface V2ListSource {
  componentId: string;
  slug: string;
  name: string;
  description: string;
  /** Display order among lists set by admins; 0 or absent: by name. */
  position?: number;
  createdAt: number;
  updatedAt: number;
}

export interface V2Component {
  id: string;
  name: string;
  status: V2ComponentStatus;
  created_at: string;
  updated_at: string;
  position: number;
  description: string | null;
  showcase: boolean;
  start_date: string | null;
  group_id: string | null;
  page_id: string;
  group: boolean;
  only_show_if_degraded: false;
  components?: string[];
}

/** A component with what the rest of the page needs: its instant of last change, and whether it is a leaf. */
export interface PlacedComponent {
  json: V2Component;
  updatedAt: number;
  slug: string | null;
}

function byNameThenSlug(a: { name: string; slug: string }, b: { name: string; slug: string }): number {
  const an = a.name.toLowerCase();
  const bn = b.name.toLowerCase();
  if (an !== bn) return an < bn ? -1 : 1;
  return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
}

export function serviceStatus(service: V2ServiceSource): V2ComponentStatus {
  return withMaintenance(service.current?.componentStatus ?? 'operational', service.inMaintenance);
}

function serviceUpdatedAt(s: V2ServiceSource): number {
  return Math.max(
    s.createdAt,
    s.updatedAt,
    s.newestEventAt ?? 0,
    s.windowChangedAt ?? 0,
    s.current?.componentStatusAt ?? 0,
  );
}

/**
 * Every component in display order (contract §4.1): top-level groups (lists with at least one
 * service) by name, then ungrouped services by name, each group followed by its services. When
 * admins have set an order (Admin → Order), it comes first and names break ties.
 */
export function buildComponents(
  pageId: string,
  timeZone: string,
  services: readonly V2ServiceSource[],
  lists: readonly V2ListSource[],
): PlacedComponent[] {
  const leaf = (s: V2ServiceSource, position: number): PlacedComponent => {
    const updatedAt = serviceUpdatedAt(s);
    return {
      slug: s.slug,
      updatedAt,
      json: {
        id: s.componentId,
        name: s.name,
        status: serviceStatus(s),
        created_at: v2Time(s.createdAt),
        updated_at: v2Time(updatedAt),
        position,
        description: s.description === '' ? null : s.description,
        showcase: true,
        start_date: s.firstEventAt === null ? null : dateKey(civilDateOf(s.firstEventAt, timeZone)),
        group_id: s.groupId,
        page_id: pageId,
        group: false,
        only_show_if_degraded: false,
      },
    };
  };
  const members = new Map<string, V2ServiceSource[]>();
  const loose: V2ServiceSource[] = [];
  for (const s of services) {
    if (s.groupId === null) loose.push(s);
    else {
      let group = members.get(s.groupId);
      if (!group) members.set(s.groupId, (group = []));
      group.push(s);
    }
  }
  // The admins' display order; with none set (every position 0) this is by name, as §4.1 says.
  const inOrder = (a: { position?: number; name: string; slug: string }, b: typeof a) =>
    (a.position ?? 0) - (b.position ?? 0) || byNameThenSlug(a, b);
  const groups = lists.filter((l) => members.has(l.componentId)).sort(inOrder);
  const out: PlacedComponent[] = [];
  let position = 0;
  for (const list of groups) {
    const children = members
      .get(list.componentId)!
      .sort(inOrder)
      .map((s, i) => leaf(s, i + 1));
    const updatedAt = Math.max(list.createdAt, list.updatedAt, ...children.map((c) => c.updatedAt));
    out.push({
      slug: null,
      updatedAt,
      json: {
        id: list.componentId,
        name: list.name,
        status: worstComponentStatus(children.map((c) => c.json.status)),
        created_at: v2Time(list.createdAt),
        updated_at: v2Time(updatedAt),
        position: (position += 1),
        description: list.description === '' ? null : list.description,
        showcase: false,
        start_date: null,
        group_id: null,
        page_id: pageId,
        group: true,
        only_show_if_degraded: false,
        components: children.map((c) => c.json.id),
      },
    });
    out.push(...children);
  }
  for (const s of [...loose].sort(inOrder)) out.push(leaf(s, (position += 1)));
  return out;
}

export type PageIndicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';
export type IncidentImpact = 'none' | 'minor' | 'major' | 'critical';

export interface PageStatus {
  indicator: PageIndicator;
  description: string;
}

const IMPACT_RANK: Record<IncidentImpact, number> = { none: 0, minor: 1, major: 2, critical: 3 };

/**
 * The page status (contract §4.2): over the leaf components' statuses; incidents move it only
 * when there are no leaves. First matching row wins.
 */
export function pageStatus(
  leaves: readonly V2ComponentStatus[],
  unresolvedImpacts: readonly IncidentImpact[],
): PageStatus {
  const n = leaves.length;
  if (n === 0) {
    let worst: IncidentImpact = 'none';
    for (const impact of unresolvedImpacts) if (IMPACT_RANK[impact] > IMPACT_RANK[worst]) worst = impact;
    switch (worst) {
      case 'critical':
        return { indicator: 'critical', description: 'Major System Outage' };
      case 'major':
        return { indicator: 'major', description: 'Partial System Outage' };
      case 'minor':
        return { indicator: 'minor', description: 'Minor Service Outage' };
      case 'none':
        return { indicator: 'none', description: 'All Systems Operational' };
    }
  }
  const count = (status: V2ComponentStatus) => leaves.filter((s) => s === status).length;
  const major = count('major_outage');
  const partial = count('partial_outage');
  const degraded = count('degraded_performance');
  if (major === n) return { indicator: 'critical', description: 'Major System Outage' };
  if (major > 0 || partial === n) return { indicator: 'major', description: 'Partial System Outage' };
  if (partial > 0) return { indicator: 'minor', description: 'Minor Service Outage' };
  if (n >= 2 && degraded === n) return { indicator: 'minor', description: 'Degraded System Service' };
  if (degraded > 0) return { indicator: 'minor', description: 'Partially Degraded Service' };
  if (count('under_maintenance') > 0) return { indicator: 'maintenance', description: 'Service Under Maintenance' };
  return { indicator: 'none', description: 'All Systems Operational' };
}

export interface V2Page {
  id: string;
  name: string;
  url: string;
  time_zone: string;
  updated_at: string;
}

export function v2Page(page: { id: string; name: string; url: string; timeZone: string; updatedAt: number }): V2Page {
  return {
    id: page.id,
    name: page.name,
    url: page.url.replace(/\/+$/, ''),
    time_zone: page.timeZone,
    updated_at: v2Time(page.updatedAt),
  };
}

export interface V2AffectedComponent {
  code: string;
  name: string;
  old_status: V2ComponentStatus;
  new_status: V2ComponentStatus;
}

/** An incident or maintenance update as the incidents model holds it (contract §4.4). */
export interface V2UpdateSource {
  id: string;
  status: string;
  body: string;
  createdAt: number;
  updatedAt: number;
  displayAt: number;
  affectedComponents: V2AffectedComponent[] | null;
  deliverNotifications: boolean;
}

/** A stored incident or maintenance update as v2 reads it: its rows hold v2 component statuses (§4.4). */
export function v2UpdateSourceOf(update: IncidentUpdate): V2UpdateSource {
  return {
    id: update.id,
    status: update.status,
    body: update.body,
    createdAt: update.createdAt,
    updatedAt: update.updatedAt,
    displayAt: update.displayAt,
    affectedComponents: update.affectedComponents as V2AffectedComponent[] | null,
    deliverNotifications: update.deliverNotifications,
  };
}

/** An incident or maintenance as the incidents model holds it (contract §4.3). */
export interface V2IncidentSource {
  kind: 'incident' | 'maintenance';
  id: string;
  name: string;
  status: string;
  createdAt: number;
  updatedAt: number;
  monitoringAt: number | null;
  resolvedAt: number | null;
  impact: IncidentImpact | 'maintenance';
  startedAt: number;
  /** Newest first (by display_at, ties newest created first). */
  updates: V2UpdateSource[];
  /** Affected services' component ids. */
  componentIds: string[];
  scheduledFor?: number;
  scheduledUntil?: number;
}

export function v2Update(update: V2UpdateSource, incidentId: string) {
  return {
    id: update.id,
    status: update.status,
    body: update.body,
    incident_id: incidentId,
    created_at: v2Time(update.createdAt),
    updated_at: v2Time(update.updatedAt),
    display_at: v2Time(update.displayAt),
    affected_components: update.affectedComponents,
    deliver_notifications: update.deliverNotifications,
    custom_tweet: null,
    tweet_id: null,
  };
}

/**
 * The v2 incident (maintenances add `scheduled_for` and `scheduled_until`); `components` holds
 * the affected services' current objects in display order.
 */
export function v2Incident(
  incident: V2IncidentSource,
  page: { id: string; url: string },
  components: readonly PlacedComponent[],
) {
  const affected = new Set(incident.componentIds);
  const base = {
    id: incident.id,
    name: incident.name,
    status: incident.status,
    created_at: v2Time(incident.createdAt),
    updated_at: v2Time(incident.updatedAt),
    monitoring_at: incident.monitoringAt === null ? null : v2Time(incident.monitoringAt),
    resolved_at: incident.resolvedAt === null ? null : v2Time(incident.resolvedAt),
    impact: incident.impact,
    shortlink: `${page.url.replace(/\/+$/, '')}/incidents/${incident.id}`,
    started_at: v2Time(incident.startedAt),
    page_id: page.id,
    incident_updates: incident.updates.map((u) => v2Update(u, incident.id)),
    components: components.filter((c) => c.slug !== null && affected.has(c.json.id)).map((c) => c.json),
    reminder_intervals: null,
  };
  if (incident.kind === 'incident') return base;
  return {
    ...base,
    scheduled_for: v2Time(incident.scheduledFor!),
    scheduled_until: v2Time(incident.scheduledUntil!),
  };
}
