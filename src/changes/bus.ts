/** A notice that something changed, published after the transaction that changed it commits. */
export interface Change {
  /** `all`: anything may have changed (e.g. notices were missed); drop every cache. */
  topic: 'event' | 'service' | 'list' | 'status' | 'settings' | 'token' | 'incident' | 'maintenance' | 'all';
  action: 'created' | 'updated' | 'deleted';
  /** The slug of the changed resource (for events: their service's slug). */
  slug?: string;
  /** The event's sid, for event changes. */
  sid?: string;
}

export type ChangeListener = (change: Change) => void;

/**
 * The in-process change bus. Caches and live streams subscribe; use cases publish.
 * A bridge (e.g. PostgreSQL LISTEN/NOTIFY) may carry notices between instances by
 * subscribing here and calling `deliver` with notices from elsewhere.
 */
export class ChangeBus {
  readonly #listeners = new Set<ChangeListener>();
  readonly #outbound = new Set<ChangeListener>();

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Listeners that forward local notices to other instances (not called for remote ones). */
  onLocalPublish(listener: ChangeListener): () => void {
    this.#outbound.add(listener);
    return () => this.#outbound.delete(listener);
  }

  publish(change: Change): void {
    this.deliver(change);
    for (const forward of this.#outbound) forward(change);
  }

  /** Delivers a notice to local listeners only (used for notices from other instances). */
  deliver(change: Change): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch {
        // One failing subscriber must not stop the others or the write that published.
      }
    }
  }
}
