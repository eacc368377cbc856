import { randomUUID } from 'node:crypto';
import type { Db } from '../db/connect.ts';
import { listen, notify } from '../db/notifications.ts';
import type { Change, ChangeBus } from './bus.ts';

export interface Bridge {
  close(): Promise<void>;
}

/**
 * Carries change notices between instances over PostgreSQL LISTEN/NOTIFY: local notices
 * go out, other instances' notices are delivered to local listeners. After a reconnection
 * it announces `all`, since notices sent meanwhile were lost.
 */
export function bridgeOverPostgres(
  url: string,
  db: Db,
  bus: ChangeBus,
  log: { warn(obj: object, msg: string): void },
): Bridge {
  const instance = randomUUID();
  const stopForwarding = bus.onLocalPublish((change) => {
    notify(db, JSON.stringify({ from: instance, change })).catch((error) => {
      log.warn({ err: error }, 'could not send a change notice to other instances');
    });
  });
  const listener = listen(url, {
    onMessage(payload) {
      try {
        const message = JSON.parse(payload) as { from?: string; change?: Change };
        if (message.from !== instance && message.change) bus.deliver(message.change);
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
    async close() {
      stopForwarding();
      await listener.close();
    },
  };
}
