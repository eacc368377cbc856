import type { Context } from '../services/context.ts';
import { deliverDue, type DeliveryDeps } from '../services/delivery.ts';
import { pruneNotifications } from '../services/notification-retention.ts';

const PRUNE_EVERY_MS = 60 * 60_000;
/**
 * How long a change waits for others before a pass plans and sends its notifications: under a
 * burst of events one pass (one transaction) takes them all, instead of one pass per event.
 */
const GATHER_MS = 20;

export interface DeliveryWorker {
  /** Runs a pass soon (e.g. right after an event was written). */
  kick(): void;
  /** Stops polling; the pass in progress finishes the sends it started, records them and hands the rest back. */
  stop(): Promise<void>;
}

/**
 * Runs `deliverDue` every `pollMs` and whenever an event changes (on any instance, through
 * the change bus). Several instances may run one each: leases keep them from sending the
 * same delivery twice. Errors are logged and the next pass tries again.
 */
export function startDeliveryWorker(
  ctx: Context,
  deps: DeliveryDeps,
  options: { pollMs: number; log: { error(obj: object, msg: string): void } },
): DeliveryWorker {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let timerDueAt = 0;
  let prunedAt = 0;
  // Once stopping, the pass in progress finishes its sends and hands the rest of its batch back.
  const passDeps: DeliveryDeps = { ...deps, stopping: () => stopped || (deps.stopping?.() ?? false) };

  /** Runs a pass in `ms`, unless one is already due sooner (a steady stream of changes never postpones it). */
  const schedule = (ms: number) => {
    if (stopped) return;
    const dueAt = performance.now() + ms;
    if (timer) {
      if (timerDueAt <= dueAt) return;
      clearTimeout(timer);
    }
    timerDueAt = dueAt;
    timer = setTimeout(pass, ms);
    timer.unref();
  };

  function pass(): void {
    timer = undefined;
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = deliverDue(ctx, passDeps)
      .then(async (run) => {
        if (run.more) again = true;
        const now = ctx.clock.now();
        if (now - prunedAt > PRUNE_EVERY_MS) {
          prunedAt = now;
          await pruneNotifications(ctx);
        }
      })
      .catch((error: unknown) => options.log.error({ err: error }, 'notification delivery pass failed'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          schedule(0);
        } else {
          schedule(options.pollMs);
        }
      });
  }

  const unsubscribe = ctx.changes.subscribe((change) => {
    if (change.topic === 'event' || change.topic === 'incident' || change.topic === 'maintenance') schedule(GATHER_MS);
  });
  schedule(0);
  return {
    kick: () => schedule(0),
    async stop() {
      stopped = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
