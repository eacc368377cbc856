import { closeSync, existsSync, fsync, openSync } from 'node:fs';
import { SqliteDialect, SqliteDriver, type Driver, type SqliteDialectConfig } from 'kysely';

/**
 * Durable SQLite commits without one disk flush per commit on the event loop.
 *
 * SQLite runs with `synchronous=NORMAL` in WAL mode: a commit appends to the write-ahead log and
 * returns at once, and the log is flushed here instead, by `fsync` on libuv's thread pool. Every
 * query or transaction that wrote waits, after it has given the connection back, for a flush
 * that began after its commit; only then does its caller (and so the HTTP answer) continue.
 * Commits that arrive while a flush runs share the next one (group commit), so sixteen writers
 * cost one flush instead of sixteen, and a flush never holds the connection.
 *
 * An acknowledged write is on disk as with `synchronous=FULL`: the log is written in order, so a
 * flush covers every commit before it. SQLite itself still flushes around checkpoints. The one
 * difference: for the millisecond a flush takes, other requests of this process may already read
 * a commit that a power cut could still undo; its writer has not been answered yet.
 */
export class WalFlusher {
  #fd: number | undefined;
  #current: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  #flushes = 0;

  constructor(
    private readonly walPath: string,
    private readonly flushFile: (fd: number, done: (error: Error | null) => void) => void = fsync,
  ) {}

  /** How many flushes have run (for tests and metrics). */
  get flushes(): number {
    return this.#flushes;
  }

  /** Resolves once a flush that began after this call has finished. */
  flush(): Promise<void> {
    if (this.#next) return this.#next;
    if (!this.#current) return this.#start();
    const after = () => {
      this.#next = undefined;
      return this.#start();
    };
    this.#next = this.#current.then(after, after);
    return this.#next;
  }

  #start(): Promise<void> {
    const flushing = new Promise<void>((resolve, reject) => {
      if (this.#fd === undefined) {
        // No log yet (a statement SQLite counts as a write, such as a pragma, wrote nothing): nothing to flush.
        if (!existsSync(this.walPath)) return resolve();
        this.#fd = openSync(this.walPath, 'r+');
      }
      this.#flushes++;
      this.flushFile(this.#fd, (error) => (error ? reject(error) : resolve()));
    });
    this.#current = flushing;
    const settled = () => {
      if (this.#current === flushing) this.#current = undefined;
    };
    flushing.then(settled, settled);
    return flushing;
  }

  /** Closes the log's descriptor once the flushes asked for have run. */
  async close(): Promise<void> {
    const pending = this.#next ?? this.#current;
    if (pending) await pending.catch(() => {});
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/**
 * Kysely's SQLite dialect, where a connection released after a write waits for the write-ahead
 * log to be flushed. `wrote()` tells whether a statement that changes the database ran since it
 * was last asked (the statement cache marks it).
 */
export class GroupCommitSqliteDialect extends SqliteDialect {
  constructor(
    private readonly config: SqliteDialectConfig,
    private readonly flusher: WalFlusher,
    private readonly wrote: () => boolean,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new GroupCommitSqliteDriver(this.config, this.flusher, this.wrote);
  }
}

/** Kysely's SQLite driver, waiting for the log's flush after giving back a connection that wrote. */
class GroupCommitSqliteDriver extends SqliteDriver {
  constructor(
    config: SqliteDialectConfig,
    private readonly flusher: WalFlusher,
    private readonly wrote: () => boolean,
  ) {
    super(config);
  }

  override async releaseConnection(): Promise<void> {
    const wrote = this.wrote();
    await super.releaseConnection();
    if (wrote) await this.flusher.flush();
  }

  override async destroy(): Promise<void> {
    await this.flusher.close();
    await super.destroy();
  }
}
