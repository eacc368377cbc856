import type { Service } from './resources.ts';
import type { IncidentUpdate } from './incidents.ts';
import { componentStatusOf } from './incidents.ts';
import { overlaidStatus, type Maintenance } from './maintenance.ts';
import { adminUpdateJson, incidentComponentJson, v2UpdateJson, type PageRef } from './incident-json.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** What the JSON of a maintenance is made of (the services' use case's view, as plain data). */
export interface MaintenanceViewData {
  maintenance: Maintenance;
  updates: IncidentUpdate[];
  services: Service[];
  underMaintenance: number[];
}

/** A leaf component of a maintenance's `components` (§4.1), with the maintenance overlay (§2). */
export function maintenanceComponentJson(service: Service, covered: boolean, page: PageRef) {
  const base = incidentComponentJson(service, page);
  const cs = service.currentEvent ? componentStatusOf(service.currentEvent.status) : 'operational';
  return { ...base, status: overlaidStatus(cs, covered) };
}

/** §4.3: the exact Statuspage key set of a scheduled maintenance. */
export function v2MaintenanceJson(view: MaintenanceViewData, page: PageRef) {
  const m = view.maintenance;
  const covered = new Set(view.underMaintenance);
  return {
    id: m.id,
    name: m.name,
    status: m.status,
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
    monitoring_at: null,
    resolved_at: iso(m.resolvedAt),
    impact: m.impactOverride ?? 'maintenance',
    shortlink: `${page.url}/incidents/${m.id}`,
    started_at: iso(m.createdAt),
    page_id: page.id,
    incident_updates: view.updates.map(v2UpdateJson),
    components: view.services.map((s) => maintenanceComponentJson(s, covered.has(s.id), page)),
    reminder_intervals: null,
    scheduled_for: iso(m.scheduledFor),
    scheduled_until: iso(m.scheduledUntil),
  };
}

/** §6: the admin JSON of a maintenance, the v2 object plus admin keys. */
export function adminMaintenanceJson(view: MaintenanceViewData, page: PageRef, adminBase: string) {
  const m = view.maintenance;
  return {
    ...v2MaintenanceJson(view, page),
    incident_updates: view.updates.map((u) => adminUpdateJson(u, adminBase)),
    impact_override: m.impactOverride,
    services: view.services.map((s) => s.slug),
    url: `${adminBase}/maintenances/${m.id}`,
    html_url: `${page.url}/incidents/${m.id}`,
    scheduled_auto_in_progress: m.autoStart,
    scheduled_auto_completed: m.autoComplete,
  };
}
