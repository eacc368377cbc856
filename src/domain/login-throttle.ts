/**
 * How failed logins are slowed and then locked, for one key (an account or an address).
 * Failures count while they keep coming; a quiet `windowMs` since the last one starts afresh.
 */
export interface ThrottlePolicy {
  /** Failures allowed before any wait. */
  freeFailures: number;
  /** Failures after which the key is locked for `lockMs`. */
  lockAfter: number;
  lockMs: number;
  /** The wait after the first failure past the free ones; it doubles with each further one. */
  firstDelayMs: number;
  windowMs: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = {
  freeFailures: 3,
  lockAfter: 10,
  lockMs: 15 * 60_000,
  firstDelayMs: 2_000,
  windowMs: 60 * 60_000,
};

// Setup attempts per address: the setup code is long and random, so a few tries are plenty.
export const SETUP_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  lockAfter: 20,
  lockMs: 15 * 60_000,
  firstDelayMs: 2_000,
  windowMs: 60 * 60_000,
};

// Looser: many people may share one address (an office, a VPN).
export const ADDRESS_POLICY: ThrottlePolicy = {
  freeFailures: 10,
  lockAfter: 50,
  lockMs: 15 * 60_000,
  firstDelayMs: 1_000,
  windowMs: 60 * 60_000,
};

/** Failures still counting at `now` (0 once the window has passed since the last failure). */
export function activeFailures(policy: ThrottlePolicy, failures: number, lastFailureAt: number, now: number): number {
  return now - lastFailureAt >= policy.windowMs ? 0 : failures;
}

/** The instant before which another attempt is refused (no later than `lastFailureAt` means none). */
export function blockedUntil(policy: ThrottlePolicy, failures: number, lastFailureAt: number, now: number): number {
  const n = activeFailures(policy, failures, lastFailureAt, now);
  if (n >= policy.lockAfter) return lastFailureAt + policy.lockMs;
  if (n <= policy.freeFailures) return lastFailureAt;
  const delay = policy.firstDelayMs * 2 ** (n - policy.freeFailures - 1);
  return lastFailureAt + Math.min(delay, policy.lockMs);
}
