import type pg from 'pg';
import { sql } from 'kysely';
import type { Db } from './connect.ts';

export const CHANGE_CHANNEL = 'stashboard_changes';

/** Sends a notification to every instance listening on the channel. */
export async function notify(db: Db, payload: string): Promise<void> {
  await sql`select pg_notify(${CHANGE_CHANNEL}, ${payload})`.execute(db);
}

export interface Listener {
  close(): Promise<void>;
}

/**
 * Listens on the change channel over a dedicated connection, reconnecting (with back-off)
 * whenever the connection is lost. `onConnect` runs after each (re)connection: notices
 * sent while disconnected are lost, so the caller can assume everything changed.
 */
export function listen(
  url: string,
  handlers: {
    onMessage(payload: string): void;
    /** Listening (again): notices from now on arrive. */
    onConnect(first: boolean): void;
    onError(error: unknown): void;
  },
): Listener {
  let client: pg.Client | undefined;
  let closed = false;
  let first = true;
  let retryMs = 250;
  let timer: NodeJS.Timeout | undefined;

  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, 5_000);
  };

  const connect = async () => {
    const { default: driver } = await import('pg');
    // Keep-alive: a connection that died silently would otherwise look like a quiet one.
    const c = new driver.Client({ connectionString: url, connectionTimeoutMillis: 5_000, keepAlive: true });
    client = c;
    c.on('notification', (message) => {
      if (message.channel === CHANGE_CHANNEL && message.payload) handlers.onMessage(message.payload);
    });
    c.on('error', (error) => {
      handlers.onError(error);
      c.end().catch(() => {});
      schedule();
    });
    c.on('end', () => schedule());
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANGE_CHANNEL}`);
      retryMs = 250;
      handlers.onConnect(first);
      first = false;
    } catch (error) {
      handlers.onError(error);
      c.end().catch(() => {});
      schedule();
    }
  };

  void connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
}
