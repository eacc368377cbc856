import type { Context } from '../services/context.ts';
import { pruneMonitoringData, runDueChecks, type CheckRunner } from '../services/checks.ts';
import { runSilentHeartbeats } from '../services/heartbeats.ts';

export interface MonitorLoopOptions {
  ctx: Context;
  runner: CheckRunner;
  tickMs: number;
  retentionDays: number;
  log: { warn(obj: object, msg: string): void };
}

const PRUNE_EVERY_MS = 3_600_000;

/**
 * The background scheduler of the serve process: every tick it runs due checks and silent
 * heartbeats (leases in the database keep several instances from doubling the work), and
 * hourly it prunes old response times. Ticks never overlap; stop() waits for the current one.
 */
export class MonitorLoop {
  readonly #options: MonitorLoopOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #lastPrune = 0;

  constructor(options: MonitorLoopOptions) {
    this.#options = options;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One round of work at the context clock's now (tests may call it directly). */
  async tick(): Promise<void> {
    const { ctx, runner, log } = this.#options;
    const now = ctx.clock.now();
    await runSilentHeartbeats(ctx, now).catch((err) => log.warn({ err }, 'heartbeat run failed'));
    await runDueChecks(ctx, runner, now).catch((err) => log.warn({ err }, 'check run failed'));
    if (now - this.#lastPrune >= PRUNE_EVERY_MS) {
      this.#lastPrune = now;
      await pruneMonitoringData(ctx, now, this.#options.retentionDays).catch((err) =>
        log.warn({ err }, 'pruning response times failed'),
      );
    }
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.tick().finally(() => {
        this.#running = undefined;
        this.#schedule();
      });
    }, this.#options.tickMs);
    this.#timer.unref();
  }
}
