import type { ChangeBus } from './bus.ts';

/**
 * Makes a write on any instance visible on the very next request to this one, even before
 * its LISTEN/NOTIFY notice arrives: before serving a read, compare the database's data
 * version with the last one seen here, and announce `all` when it moved.
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

  /** Throws when the database cannot be read; callers then serve what they have. */
  async check(): Promise<void> {
    const version = await this.#read();
    if (this.#known !== undefined && version !== this.#known) this.#bus.deliver({ topic: 'all', action: 'updated' });
    this.#known = version;
  }
}
