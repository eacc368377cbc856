import type { Generated } from 'kysely';
import type { CheckKind } from '../domain/check-rules.ts';
import type { AutomationState } from '../domain/automation-state.ts';

/** Tables of monitoring and automation (migration 2026-11-26-04). Instants are ms; booleans 0/1. */
export interface ServiceAutomationTable {
  service_id: number;
  push_secret: string | null;
  push_secret_hash: string | null;
  last_push_at: number | null;
  heartbeat_period_ms: number | null;
  heartbeat_state: Generated<string>;
  heartbeat_fired_at: number | null;
  status_up: Generated<string>;
  status_warning: Generated<string>;
  status_down: Generated<string>;
  recovery_needs_human: Generated<number>;
  min_change_interval_ms: Generated<number>;
  last_status_change_at: number | null;
  recovery_pending_since: number | null;
  recovery_pending_status: string | null;
  checks_state: string | null;
  alerts_state: string | null;
  alerts_message: string | null;
}

export interface ChecksTable {
  id: Generated<number>;
  service_id: number;
  name: string;
  kind: CheckKind;
  target: string;
  expected_statuses: Generated<string>;
  keyword: string | null;
  keyword_absent: Generated<number>;
  latency_warning_ms: number | null;
  interval_ms: number;
  timeout_ms: number;
  failure_threshold: Generated<number>;
  enabled: Generated<number>;
  lease_until: Generated<number>;
  consecutive_failures: Generated<number>;
  last_result: AutomationState | null;
  last_message: Generated<string>;
  last_checked_at: number | null;
  last_latency_ms: number | null;
  effective_state: AutomationState | null;
  created_at: number;
}

export interface CheckSamplesTable {
  id: Generated<number>;
  check_id: number;
  at: number;
  result: AutomationState;
  latency_ms: number | null;
}

export interface AlertStatesTable {
  fingerprint: string;
  service_id: number;
  group_key: string;
  status: 'firing' | 'resolved';
  state: AutomationState;
  starts_at: number;
  ends_at: number | null;
  message: string;
  updated_at: number;
}

export interface MonitoringTables {
  service_automation: ServiceAutomationTable;
  checks: ChecksTable;
  check_samples: CheckSamplesTable;
  alert_states: AlertStatesTable;
}
