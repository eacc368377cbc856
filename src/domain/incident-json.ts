import type { Service } from './resources.ts';
import { componentStatusOf, type IncidentUpdate, type IncidentView } from './incidents.ts';

/** Where an incident's links point (§3 page). */
export interface PageRef {
  id: string;
  /** The site URL setting, else the request's origin; no trailing slash. */
  url: string;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * A leaf component (§4.1) for the `components` of an incident. `position` and `start_date`
 * need the whole page and the first event: the v2 endpoints own them and may replace this.
 */
export function incidentComponentJson(service: Service, page: PageRef) {
  const updatedAt = Math.max(
    service.updatedAt,
    service.currentEvent?.timestamp ?? 0,
    service.currentEvent?.status.componentStatusAt ?? 0,
  );
  return {
    id: service.componentId,
    name: service.name,
    status: service.currentEvent ? componentStatusOf(service.currentEvent.status) : 'operational',
    created_at: iso(service.createdAt),
    updated_at: iso(updatedAt),
    position: 1,
    description: service.description === '' ? null : service.description,
    showcase: true,
    start_date: null,
    group_id: service.list?.componentId ?? null,
    page_id: page.id,
    group: false,
    only_show_if_degraded: false,
  };
}

/** §4.4 */
export function v2UpdateJson(update: IncidentUpdate) {
  return {
    id: update.id,
    status: update.status,
    body: update.body,
    incident_id: update.incidentId,
    created_at: iso(update.createdAt),
    updated_at: iso(update.updatedAt),
    display_at: iso(update.displayAt),
    affected_components: update.affectedComponents,
    deliver_notifications: update.deliverNotifications,
    custom_tweet: null,
    tweet_id: null,
  };
}

/** §4.3: the exact Statuspage key set. */
export function v2IncidentJson(view: IncidentView<Service>, page: PageRef) {
  const i = view.incident;
  return {
    id: i.id,
    name: i.name,
    status: i.status,
    created_at: iso(i.createdAt),
    updated_at: iso(i.updatedAt),
    monitoring_at: iso(i.monitoringAt),
    resolved_at: iso(i.resolvedAt),
    impact: view.impact,
    shortlink: `${page.url}/incidents/${i.id}`,
    started_at: iso(i.startedAt),
    page_id: page.id,
    incident_updates: view.updates.map(v2UpdateJson),
    components: view.services.map((s) => incidentComponentJson(s, page)),
    reminder_intervals: null,
  };
}

/** §6: the admin JSON, the v2 object plus admin keys; each update lists the events it posted. */
export function adminIncidentJson(view: IncidentView<Service>, page: PageRef, adminBase: string) {
  const i = view.incident;
  const v2 = v2IncidentJson(view, page);
  return {
    ...v2,
    incident_updates: view.updates.map((u) => adminUpdateJson(u, adminBase)),
    impact_override: i.impactOverride,
    services: view.services.map((s) => s.slug),
    url: `${adminBase}/incidents/${i.id}`,
    html_url: `${page.url}/incidents/${i.id}`,
    backfilled: i.backfilled,
    postmortem_body: i.postmortemBody,
    postmortem_published_at: iso(i.postmortemPublishedAt),
  };
}

export function adminUpdateJson(update: IncidentUpdate, adminBase: string) {
  return {
    ...v2UpdateJson(update),
    events: update.events.map((e) => ({
      service: e.service,
      sid: e.sid,
      url: `${adminBase}/services/${encodeURIComponent(e.service)}/events/${encodeURIComponent(e.sid)}`,
    })),
  };
}
