import type { ChangeBus } from './bus.ts';

/**
 * Makes a write on any instance visible on the very next request to this one, even before
 * its LISTEN/NOTIFY notice arrives: before serving a read, compare the database's data
 * version with the last one seen here, and announce `all` when it moved.
 *
 * Concurrent reads share one version query: a request waits for a query that started after
 * it arrived (the one in flight may predate the write it must see), so under load there is
 * one query per database round trip, not one per request.
 */
export class Freshness {
  #known: number | undefined;
  readonly #read: () => Promise<number>;
  readonly #bus: ChangeBus;

  constructor(read: () => Promise<number>, bus: ChangeBus) {
    this.#read = read;
    this.#bus = bus;
  }

  /** Records a version this instance produced itself (its own notices are already out). */
  observe(version: number): void {
    if (this.#known === undefined || version > this.#known) this.#known = version;
  }

  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;
  /** Version queries run (for metrics and tests). */
  queries = 0;

  #watch: NodeJS.Timeout | undefined;

  /**
   * Also compares the version every `intervalMs`, in the background: a notice lost in a way
   * the connection does not report (live streams learn only from notices) is then made up
   * for within that time.
   */
  watch(intervalMs: number): void {
    this.#watch ??= setInterval(() => this.check().catch(() => {}), intervalMs);
    this.#watch.unref();
  }

  close(): void {
    clearInterval(this.#watch);
  }

  /** Throws when the database cannot be read; callers then serve what they have. */
  check(): Promise<void> {
    if (!this.#running) return this.#start();
    // The query in flight may have started before this request's write committed: wait for the next.
    this.#queued ??= this.#running
      .catch(() => {})
      .then(() => {
        this.#queued = undefined;
        return this.#start();
      });
    return this.#queued;
  }

  #start(): Promise<void> {
    const run = this.#compare();
    this.#running = run;
    run.then(
      () => this.#settled(run),
      () => this.#settled(run),
    );
    return run;
  }

  #settled(run: Promise<void>): void {
    if (this.#running === run) this.#running = undefined;
  }

  async #compare(): Promise<void> {
    this.queries += 1;
    const version = await this.#read();
    if (this.#known !== undefined && version !== this.#known) this.#bus.deliver({ topic: 'all', action: 'updated' });
    this.#known = version;
  }
}
