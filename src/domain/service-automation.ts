import type { AutomationState } from './automation-state.ts';
import type { EscalationPolicy } from './escalation.ts';

/** A service's automation settings and state (push URL, heartbeat, escalation policy). */
export interface ServiceAutomation {
  serviceId: number;
  /** The SHA-256 (hex) of the push URL's secret, which is shown once and never stored; null: no push URL. */
  pushSecretHash: string | null;
  lastPushAt: number | null;
  /** null: heartbeat off. */
  heartbeatPeriodMs: number | null;
  heartbeatState: AutomationState;
  heartbeatFiredAt: number | null;
  /** The status slug each automated state posts. */
  statuses: Record<AutomationState, string>;
  policy: EscalationPolicy;
  lastStatusChangeAt: number | null;
  recoveryPendingSince: number | null;
  /** The status automation asked for when its recovery was held. */
  recoveryPendingStatus: string | null;
  checksState: AutomationState | null;
  alertsState: AutomationState | null;
  alertsMessage: string | null;
}

export function defaultAutomation(serviceId: number): ServiceAutomation {
  return {
    serviceId,
    pushSecretHash: null,
    lastPushAt: null,
    heartbeatPeriodMs: null,
    heartbeatState: 'down',
    heartbeatFiredAt: null,
    statuses: { up: 'up', warning: 'warning', down: 'down' },
    policy: { recoveryNeedsHuman: false, minChangeIntervalMs: 0 },
    lastStatusChangeAt: null,
    recoveryPendingSince: null,
    recoveryPendingStatus: null,
    checksState: null,
    alertsState: null,
    alertsMessage: null,
  };
}
