import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connect.ts';
import { listen, notify } from '../db/notifications.ts';
import type { Change, ChangeBus } from './bus.ts';
import type { Freshness } from './freshness.ts';

export interface Bridge {
  /**
   * Sends a write's notices to the other instances from inside its transaction: PostgreSQL
   * delivers them at the commit, and only if it commits.
   */
  announce(trx: Db, changes: readonly Change[], version: number): Promise<void>;
  close(): Promise<void>;
}

/** NOTIFY payloads must stay under 8000 bytes; a larger write is announced as `all`. */
const MAX_PAYLOAD = 7_000;

/**
 * Carries change notices between instances over PostgreSQL LISTEN/NOTIFY: each write's
 * notices go out in its own transaction, other instances' notices are delivered to local
 * listeners together with the data version they produced. After a reconnection it announces
 * `all`, since notices sent meanwhile were lost. The version a notice carries is recorded in
 * `freshness`, so the next version check does not take that write for an unseen one (which
 * would drop every cache).
 */
export function bridgeOverPostgres(
  url: string,
  bus: ChangeBus,
  freshness: Freshness,
  log: { warn(obj: object, msg: string): void },
): Bridge {
  const instance = randomUUID();
  const listener = listen(url, {
    onMessage(payload) {
      try {
        const message = JSON.parse(payload) as { from?: string; version?: number; changes?: Change[]; change?: Change };
        if (message.from === instance) return;
        // `change`: one notice, as instances of an earlier version send them.
        for (const change of message.changes ?? (message.change ? [message.change] : [])) bus.deliver(change);
        if (typeof message.version === 'number') freshness.observe(message.version);
      } catch {
        // Not one of ours.
      }
    },
    onConnect(first) {
      if (!first) bus.deliver({ topic: 'all', action: 'updated' });
    },
    onError(error) {
      log.warn({ err: error }, 'change notice listener lost its connection; reconnecting');
    },
  });
  return {
    async announce(trx, changes, version) {
      let payload = JSON.stringify({ from: instance, version, changes });
      if (payload.length > MAX_PAYLOAD) {
        payload = JSON.stringify({ from: instance, version, changes: [{ topic: 'all', action: 'updated' }] });
      }
      await notify(trx, payload);
    },
    async close() {
      await listener.close();
    },
  };
}
