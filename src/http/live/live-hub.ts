import type { ServerResponse } from 'node:http';
import type { Change, ChangeBus } from '../../changes/bus.ts';
import type { Service } from '../../domain/resources.ts';
import { overallOf, overallText } from '../../domain/overall-status.ts';

/** The overall state as the live stream reports it (the widget shows exactly this). */
export interface LiveOverall {
  level: string;
  status: string | null;
  text: string;
  message: string | null;
  affected: number;
  total: number;
}

export function liveOverall(services: readonly Service[]): LiveOverall {
  const overall = overallOf(services);
  const worstService =
    overall.level === 'NORMAL' ? undefined : services.find((s) => s.currentEvent?.status.id === overall.worst?.id);
  return {
    level: overall.level,
    status: overall.worst?.name ?? null,
    text: overallText(overall),
    message: worstService?.currentEvent?.message ?? null,
    affected: overall.affected,
    total: overall.total,
  };
}

interface Connection {
  res: ServerResponse;
  /** Service slugs followed; null: all. */
  services: Set<string> | null;
  /** The same for every connection following the same services (their messages are the same). */
  scopeKey: string;
}

export interface LiveHubOptions {
  bus: ChangeBus;
  loadServices: () => Promise<Service[]>;
  heartbeatMs?: number;
}

/**
 * Fans change notices out to Server-Sent Events connections. Each notice is read once
 * (one query for the overall state) whatever the number of connections, and greetings share
 * that read; notices are sent in the order they arrived.
 */
export class LiveHub {
  readonly #connections = new Set<Connection>();
  readonly #options: LiveHubOptions;
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  #queue: Promise<void> = Promise.resolve();
  /** The services as of the last change notice, read once for every greeting and broadcast until the next. */
  #services: Promise<Service[]> | undefined;

  constructor(options: LiveHubOptions) {
    this.#options = options;
    this.#unsubscribe = options.bus.subscribe((change) => {
      this.#services = undefined;
      if (change.topic === 'token') return;
      this.#queue = this.#queue.then(() => this.#broadcast(change));
    });
    this.#heartbeat = setInterval(() => {
      for (const c of this.#connections) c.res.write(': heartbeat\n\n');
    }, options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  /**
   * The services now: one read shared by every caller until a change notice arrives, so
   * thousands of browsers connecting at once cost one query, not one each.
   */
  #currentServices(): Promise<Service[]> {
    if (this.#services) return this.#services;
    const loading = this.#options.loadServices();
    this.#services = loading;
    loading.catch(() => {
      if (this.#services === loading) this.#services = undefined;
    });
    return loading;
  }

  get size(): number {
    return this.#connections.size;
  }

  async open(res: ServerResponse, services: string[]): Promise<void> {
    const followed = services.length > 0 ? new Set(services) : null;
    const connection: Connection = {
      res,
      services: followed,
      scopeKey: followed ? [...followed].sort().join(',') : '',
    };
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'access-control-allow-origin': '*',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    res.write('retry: 3000\n\n');
    this.#connections.add(connection);
    res.on('close', () => this.#connections.delete(connection));
    let overall: LiveOverall | undefined;
    try {
      overall = liveOverall(this.#scope(await this.#currentServices(), connection));
    } catch {
      // The database is unreachable: greet without the state; notices will follow.
    }
    send(connection, { topic: 'hello', ...(overall ? { overall } : {}) });
  }

  /**
   * Ends every stream. The last line asks browsers to reconnect after `retryMs` (an
   * EventSource does so by itself): behind a load balancer, they reach another instance.
   */
  close(retryMs = 1000): void {
    this.#unsubscribe();
    clearInterval(this.#heartbeat);
    for (const c of this.#connections) c.res.end(`retry: ${retryMs}\n\n`);
    this.#connections.clear();
  }

  #scope(services: Service[], connection: Connection): Service[] {
    const wanted = connection.services;
    if (!wanted) return services;
    const chosen = services.filter((s) => wanted.has(s.slug));
    // As with the feed: when none of the slugs is known, follow everything.
    return chosen.length > 0 ? chosen : services;
  }

  #concerns(change: Change, connection: Connection): boolean {
    if (!connection.services || change.slug === undefined) return true;
    if (change.topic !== 'event' && change.topic !== 'service') return true;
    return connection.services.has(change.slug);
  }

  async #broadcast(change: Change): Promise<void> {
    const targets = [...this.#connections].filter((c) => this.#concerns(change, c));
    if (targets.length === 0) return;
    let services: Service[] | undefined;
    try {
      services = await this.#currentServices();
    } catch {
      services = undefined;
    }
    // One message per set of followed services, encoded once and written to each of its
    // connections: with thousands of connections the loop is a write per socket, nothing more.
    const frames = new Map<string, Buffer>();
    for (const c of targets) {
      let frame = frames.get(c.scopeKey);
      if (!frame) {
        const message: Record<string, unknown> = { topic: change.topic, action: change.action };
        if (change.slug !== undefined) message[change.topic === 'event' ? 'service' : 'slug'] = change.slug;
        if (change.sid !== undefined) message.sid = change.sid;
        if (services) message.overall = liveOverall(this.#scope(services, c));
        frame = Buffer.from(frameOf(message));
        frames.set(c.scopeKey, frame);
      }
      c.res.write(frame);
    }
  }
}

function frameOf(data: unknown): string {
  return `event: change\ndata: ${JSON.stringify(data)}\n\n`;
}

function send(connection: Connection, data: unknown): void {
  connection.res.write(frameOf(data));
}
