import { levelRank, type Level } from './levels.ts';

/**
 * The escalation policy: who may change a service's status, and how often.
 *
 * Automated sources (checks, push, heartbeat, Alertmanager, `events`-scope tokens) may
 * raise the severity; with "recovery needs a human" on, they may not lower a service at
 * ERROR or CRITICAL: their recovery becomes an informational note, once, and a human
 * confirms. Automation may also not change the status more often than a minimum interval.
 * Humans (admin sessions, editors, admin-scope tokens, the CLI) may always set any status.
 */

/** Where an automated event comes from. */
export type AutomationSource = 'check' | 'push' | 'heartbeat' | 'alertmanager' | 'token';

export const AUTOMATION_SOURCES: readonly AutomationSource[] = ['check', 'push', 'heartbeat', 'alertmanager', 'token'];

export interface EscalationPolicy {
  recoveryNeedsHuman: boolean;
  /** 0: no limit. */
  minChangeIntervalMs: number;
}

export const DEFAULT_POLICY: EscalationPolicy = Object.freeze({ recoveryNeedsHuman: false, minChangeIntervalMs: 0 });

export interface StatusRef {
  slug: string;
  level: Level;
}

export interface EscalationInput {
  policy: EscalationPolicy;
  /** undefined: a human. */
  source: AutomationSource | undefined;
  /** The service's status now; null before its first event. */
  current: StatusRef | null;
  requested: StatusRef;
  informational: boolean;
  now: number;
  /** When the service's status last changed (any author), if known. */
  lastChangeAt: number | null;
  /** A recovery note was already added and no human has answered it yet. */
  recoveryPending: boolean;
}

export type EscalationDecision =
  /** Post the event as asked. */
  | { action: 'post' }
  /** Keep the status; post an informational note that recovery waits for a human. */
  | { action: 'note' }
  /** Post nothing: the recovery note is already there. */
  | { action: 'ignore' }
  /** Post nothing now: a status change is allowed again at `retryAt`. */
  | { action: 'suppress'; retryAt: number };

export function isRecoveryHeld(current: StatusRef | null, requested: StatusRef): boolean {
  return (
    current !== null &&
    levelRank(current.level) >= levelRank('ERROR') &&
    levelRank(requested.level) < levelRank(current.level)
  );
}

export function decideEscalation(input: EscalationInput): EscalationDecision {
  const { policy, source, current, requested } = input;
  if (source === undefined || input.informational) return { action: 'post' };
  if (current !== null && current.slug === requested.slug) return { action: 'post' };
  if (policy.recoveryNeedsHuman && isRecoveryHeld(current, requested)) {
    return input.recoveryPending ? { action: 'ignore' } : { action: 'note' };
  }
  if (policy.minChangeIntervalMs > 0 && input.lastChangeAt !== null && current !== null) {
    const retryAt = input.lastChangeAt + policy.minChangeIntervalMs;
    if (input.now < retryAt) return { action: 'suppress', retryAt };
  }
  return { action: 'post' };
}

const RECOVERY_NOTES: Record<AutomationSource, string> = {
  check: 'Checks pass again; waiting for confirmation',
  push: 'The push URL reports recovery; waiting for confirmation',
  heartbeat: 'Heartbeats arrive again; waiting for confirmation',
  alertmanager: 'Alerts resolved; waiting for confirmation',
  token: 'Automation reports recovery; waiting for confirmation',
};

/** The informational note posted instead of an automated recovery. */
export function recoveryNote(source: AutomationSource, message: string): string {
  const note = RECOVERY_NOTES[source];
  return message.trim() === '' ? note : `${note} (${message})`;
}
