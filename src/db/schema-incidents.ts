import type { Generated } from 'kysely';
import type { IncidentKind, IncidentStatus } from '../domain/incidents.ts';
import type { MaintenanceStatus } from '../domain/maintenance.ts';

/** Tables of incidents (migration 2026-11-27-03). Instants are ms; booleans 0/1. */
export interface IncidentsTable {
  id: string;
  kind: IncidentKind;
  name: string;
  status: IncidentStatus | MaintenanceStatus;
  impact_override: string | null;
  started_at: number;
  created_at: number;
  updated_at: number;
  monitoring_at: number | null;
  resolved_at: number | null;
  backfilled: Generated<number>;
  postmortem_body: string | null;
  postmortem_published_at: number | null;
  scheduled_for: number | null;
  scheduled_until: number | null;
  scheduled_auto_in_progress: Generated<number>;
  scheduled_auto_completed: Generated<number>;
}

export interface IncidentServicesTable {
  incident_id: string;
  service_id: number;
}

export interface IncidentUpdatesTable {
  seq: Generated<number>;
  id: string;
  incident_id: string;
  status: IncidentStatus | MaintenanceStatus;
  body: string;
  created_at: number;
  updated_at: number;
  display_at: number;
  affected_components: string | null;
  deliver_notifications: Generated<number>;
  author: Generated<string>;
  events: Generated<string>;
}

export interface IncidentTemplatesTable {
  id: Generated<number>;
  name: string;
  title: string;
  body: string;
  created_at: number;
}

export interface IdempotencyKeysTable {
  credential: string;
  method: string;
  path: string;
  key: string;
  fingerprint: string;
  status: number;
  body: string;
  created_at: number;
}

export interface IncidentTables {
  incidents: IncidentsTable;
  incident_services: IncidentServicesTable;
  incident_updates: IncidentUpdatesTable;
  incident_templates: IncidentTemplatesTable;
  idempotency_keys: IdempotencyKeysTable;
}
