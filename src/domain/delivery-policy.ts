/** When to try again, when to give up, when to pause a channel. */
export interface DeliveryPolicy {
  /** The wait after the first failure; it doubles with each further failure. */
  retryBaseMs: number;
  /** The longest wait between two attempts. */
  retryMaxMs: number;
  /** After this many failed attempts a delivery is given up (state `failed`). */
  maxAttempts: number;
  /** A channel is paused after this many failed attempts in a row, whichever deliveries they were. */
  pauseAfterFailures: number;
  /**
   * How long a claimed delivery stays reserved for the instance that claimed it. No send
   * starts after half of it has passed (the rest is left for the slowest send to finish), so a
   * delivery is never sent by two instances because a lease ran out mid-batch.
   */
  leaseMs: number;
}

export const DEFAULT_DELIVERY_POLICY: Readonly<DeliveryPolicy> = Object.freeze({
  retryBaseMs: 10_000,
  retryMaxMs: 60 * 60_000,
  maxAttempts: 12,
  pauseAfterFailures: 10,
  leaseMs: 120_000,
});

/** The wait before attempt `attempts + 1`, after `attempts` failures: base, 2x base, 4x base, ... capped. */
export function retryDelay(policy: DeliveryPolicy, attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** exponent);
}
