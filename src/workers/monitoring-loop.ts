import type { Context } from '../services/context.ts';
import { pruneMonitoringData, runDueChecks, type CheckRunner } from '../services/checks.ts';
import { runSilentHeartbeats } from '../services/heartbeats.ts';
import { runMaintenanceTransitions } from '../services/maintenances.ts';

export interface MonitoringLoopOptions {
  ctx: Context;
  runner: CheckRunner;
  tickMs: number;
  retentionDays: number;
  log: { warn(obj: object, msg: string): void };
}

const PRUNE_EVERY_MS = 3_600_000;
const MAINTENANCE_TICK_MS = 250;

/**
 * The background scheduler of the serve process: every tick it starts and completes scheduled
 * maintenance that is due, then runs due checks and silent heartbeats (leases in the database keep several instances from doubling the work), and
 * hourly it prunes old response times. Ticks never overlap; stop() waits for the current one.
 */
export class MonitoringLoop {
  readonly #options: MonitoringLoopOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  #lastPrune = 0;
  #maintenanceTimer: NodeJS.Timeout | undefined;
  #maintenanceRunning: Promise<void> | undefined;

  constructor(options: MonitoringLoopOptions) {
    this.#options = options;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule();
    this.#scheduleMaintenance();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearTimeout(this.#maintenanceTimer);
    await Promise.all([this.#running, this.#maintenanceRunning]);
  }

  /**
   * Maintenance windows open and close within a second of their instants (§9.1), whatever the
   * tick and however long a tick's checks take: a light query on its own short timer.
   */
  #scheduleMaintenance(): void {
    if (this.#stopped) return;
    const { ctx, log, tickMs } = this.#options;
    this.#maintenanceTimer = setTimeout(
      () => {
        this.#maintenanceRunning = runMaintenanceTransitions(ctx, ctx.clock.now())
          .then(
            () => undefined,
            (err: unknown) => log.warn({ err }, 'maintenance transitions failed'),
          )
          .finally(() => {
            this.#maintenanceRunning = undefined;
            this.#scheduleMaintenance();
          });
      },
      Math.min(tickMs, MAINTENANCE_TICK_MS),
    );
    this.#maintenanceTimer.unref();
  }

  /** One round of work at the context clock's now (tests may call it directly). */
  async tick(): Promise<void> {
    const { ctx, runner, log } = this.#options;
    const now = ctx.clock.now();
    // First, so a window opens within a tick of its start, before this tick's automation reports.
    await runMaintenanceTransitions(ctx, now).catch((err) => void log.warn({ err }, 'maintenance transitions failed'));
    const beats = await runSilentHeartbeats(ctx, now).catch((err) => void log.warn({ err }, 'heartbeat run failed'));
    for (const beat of beats ?? []) {
      if (beat.outcome === 'failed') log.warn({ service: beat.service, error: beat.error }, 'heartbeat failed');
    }
    const runs = await runDueChecks(ctx, runner, now).catch((err) => void log.warn({ err }, 'check run failed'));
    for (const run of runs ?? []) {
      if (run.outcome === 'failed')
        log.warn({ service: run.service, check: run.check, error: run.error }, 'check failed');
    }
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
