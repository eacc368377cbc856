import { write, writeSync } from 'node:fs';

/**
 * Where pino writes the log lines of a serving process. A line costs an array push: lines go
 * out together in one asynchronous write per `batchBytes` or every `flushMs`, so a request
 * never waits on standard output and a busy server makes one system call per few hundred
 * requests. (pino's own destination, sonic-boom, measures its whole pending buffer again on
 * every line, which costs more than the rest of a cached answer.) end() waits until
 * everything is written; flushSync() is the last resort of a crash.
 *
 * Memory stays bounded when the output takes lines slower than they come (a stuck reader of
 * standard output): beyond `maxPendingBytes` waiting, new lines are dropped and counted, and
 * `onDropped` hears how many once the output has caught up (the server logs a warning then).
 */
export class BatchedDestination {
  #pending: string[] = [];
  #length = 0;
  /** The write in flight, if any: what it carries and how much of it is out. */
  #writing: { data: Buffer; written: number } | undefined;
  #idle: Array<() => void> = [];
  readonly #timer: NodeJS.Timeout;
  #dropped = 0;
  /** Told how many lines were dropped, once the output has room again. */
  onDropped: ((count: number) => void) | undefined;

  constructor(
    readonly fd: number,
    readonly batchBytes = 64 * 1024,
    flushMs = 250,
    readonly maxPendingBytes = 16 * 1024 * 1024,
  ) {
    this.#timer = setInterval(() => this.#flush(), flushMs);
    this.#timer.unref();
  }

  /** Lines dropped since the last report (the output was too slow). */
  get dropped(): number {
    return this.#dropped;
  }

  write(line: string): boolean {
    if (this.#length + line.length > this.maxPendingBytes) {
      this.#dropped += 1;
      return true;
    }
    this.#pending.push(line);
    this.#length += line.length;
    if (this.#length >= this.batchBytes && !this.#writing) this.#flush();
    return true;
  }

  #flush(): void {
    if (this.#writing) return;
    if (this.#pending.length === 0) {
      for (const resolve of this.#idle.splice(0)) resolve();
      return;
    }
    this.#writing = { data: Buffer.from(this.#pending.join('')), written: 0 };
    this.#pending = [];
    this.#length = 0;
    this.#send();
  }

  #send(): void {
    const out = this.#writing!;
    write(this.fd, out.data, out.written, out.data.length - out.written, null, (error, written) => {
      if (error) {
        // A full non-blocking pipe: try again shortly. Anything else (output closed): drop the batch.
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          setTimeout(() => this.#send(), 10).unref();
          return;
        }
        this.#writing = undefined;
      } else {
        out.written += written;
        if (out.written < out.data.length) return this.#send();
        this.#writing = undefined;
      }
      if (this.#dropped > 0 && this.#length < this.maxPendingBytes / 2 && this.onDropped) {
        const count = this.#dropped;
        this.#dropped = 0;
        this.onDropped(count);
      }
      if (this.#length >= this.batchBytes || this.#idle.length > 0) this.#flush();
    });
  }

  /** Resolves once every line written so far is out (at shutdown). */
  end(): Promise<void> {
    clearInterval(this.#timer);
    return new Promise((resolve) => {
      this.#idle.push(resolve);
      this.#flush();
    });
  }

  /**
   * Writes out what is pending, blocking: for a process that must exit at once (a clean
   * shutdown awaits end() instead). A batch whose asynchronous write has not reported back
   * is written again, in order: a crash may repeat a few lines rather than lose them.
   */
  flushSync(): void {
    const out = this.#writing;
    if (out) {
      this.#writing = undefined;
      this.#pending.unshift(out.data.subarray(out.written).toString());
    }
    const data = Buffer.from(this.#pending.join(''));
    this.#pending = [];
    this.#length = 0;
    let offset = 0;
    for (let busy = 0; offset < data.length && busy < 1000;) {
      try {
        offset += writeSync(this.fd, data, offset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
        busy += 1;
      }
    }
  }
}
