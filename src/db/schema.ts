import type { Generated, Insertable, Selectable } from 'kysely';
import type { NotificationTables } from './schema-notifications.ts';
import type { MonitoringTables } from './schema-monitoring.ts';
import type { IncidentTables } from './schema-incidents.ts';
import type { MaintenanceTables } from './schema-maintenance.ts';

/** Instants are integer milliseconds since the epoch (UTC); booleans are 0/1 in both dialects. */
export interface ServiceListsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string;
  /** Display order among lists; 0 = none set (by name). */
  position: Generated<number>;
  created_at: number;
  /** The v2 group id (contract §2): 12 characters, stable across renames. */
  component_id: string;
  updated_at: number;
}

export interface ServicesTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string;
  list_id: number | null;
  /** Display order within its list (or among services without one); 0 = none set (by name). */
  position: Generated<number>;
  created_at: number;
  /** The v2 component id (contract §2): 12 characters, stable across renames. */
  component_id: string;
  updated_at: number;
}

export interface StatusesTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: string;
  level: string;
  image: string;
  is_default: number;
  created_at: number;
  /** Statuspage's meaning of the status (domain/component-status.ts). */
  component_status: string;
  /** When component_status last changed. */
  component_status_at: number;
}

export interface EventsTable {
  id: Generated<number>;
  sid: string;
  service_id: number;
  status_id: number;
  message: string;
  informational: number;
  timestamp: number;
  author: string;
  /** The incident whose update posted it (migration 2026-11-27-03), else null. */
  incident_id: Generated<string | null>;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  scope: string;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface OauthNoncesTable {
  consumer_key: string;
  nonce: string;
  timestamp: number;
  seen_at: number;
}

export interface DataVersionTable {
  id: number;
  version: number;
}

export interface UsersTable {
  id: Generated<number>;
  email: string;
  role: string;
  password_hash: string;
  created_at: number;
  password_changed_at: number;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  address: string;
  user_agent: string;
}

export interface LoginFailuresTable {
  key: string;
  failures: number;
  last_failure_at: number;
}

export interface SetupCodesTable {
  code_hash: string;
  created_at: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: string;
  address: string;
}

export interface Schema extends NotificationTables, MonitoringTables, IncidentTables, MaintenanceTables {
  data_version: DataVersionTable;
  service_lists: ServiceListsTable;
  services: ServicesTable;
  statuses: StatusesTable;
  events: EventsTable;
  api_tokens: ApiTokensTable;
  settings: SettingsTable;
  oauth_nonces: OauthNoncesTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  setup_codes: SetupCodesTable;
  audit_log: AuditLogTable;
}

export type ServiceListRow = Selectable<ServiceListsTable>;
export type ServiceRow = Selectable<ServicesTable>;
export type StatusRow = Selectable<StatusesTable>;
export type EventRow = Selectable<EventsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type NewEventRow = Insertable<EventsTable>;
