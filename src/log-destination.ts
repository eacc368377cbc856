import { write, writeSync } from 'node:fs';

/** A filled part of a buffer, waiting to be written or being written. */
interface Chunk {
  buffer: Buffer;
  length: number;
  written: number;
}

/**
 * Where pino writes the log lines of a serving process. A line is copied at once into a
 * buffer outside the JavaScript heap; buffers go out in one asynchronous write per
 * `batchBytes` or every `flushMs`, so a request never waits on standard output and a busy
 * server makes one system call per few hundred requests. Copying at once matters: lines kept
 * as strings until their batch is written outlive a young-generation collection or two, and
 * a busy server then promotes megabytes of them per second into the old generation, which
 * costs full collections. (pino's own destination, sonic-boom, also keeps strings and
 * measures its whole pending buffer again on every line.) end() waits until everything is
 * written; flushSync() is the last resort of a crash.
 *
 * Memory stays bounded when the output takes lines slower than they come (a stuck reader of
 * standard output): beyond `maxPendingBytes` waiting, new lines are dropped and counted, and
 * `onDropped` hears how many once the output has caught up (the server logs a warning then).
 */
export class BatchedDestination {
  /** The buffer lines are copied into, and how much of it is filled. */
  #filling: Buffer;
  #filled = 0;
  /** Filled chunks waiting for the output, oldest first; the first one may be in flight. */
  readonly #queue: Chunk[] = [];
  #queuedBytes = 0;
  #writing = false;
  /** Written buffers, kept for reuse. */
  readonly #spare: Buffer[] = [];
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
    this.#filling = this.#newBuffer();
    this.#timer = setInterval(() => this.#flush(), flushMs);
    this.#timer.unref();
  }

  /** Lines dropped since the last report (the output was too slow). */
  get dropped(): number {
    return this.#dropped;
  }

  write(line: string): boolean {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const most = line.length * 3;
    if (!this.#admit(most)) return true;
    if (most > this.#filling.length) return this.#writeLarge(Buffer.from(line));
    this.#filled += this.#filling.write(line, this.#filled);
    this.#flushWhenFull();
    return true;
  }

  /** A line already encoded: the first `length` bytes of `bytes`, copied at once. */
  writeBytes(bytes: Buffer, length: number): boolean {
    if (!this.#admit(length)) return true;
    if (length > this.#filling.length) return this.#writeLarge(Buffer.from(bytes.subarray(0, length)));
    bytes.copy(this.#filling, this.#filled, 0, length);
    this.#filled += length;
    this.#flushWhenFull();
    return true;
  }

  /**
   * False when the line is dropped. Otherwise the current buffer has room for `most` bytes,
   * unless no buffer has (then the line goes out in a chunk of its own).
   */
  #admit(most: number): boolean {
    // Once lines are dropped, all are until the output has caught up and the gap is reported.
    if (this.#dropped > 0 || this.#queuedBytes + this.#filled + most > this.maxPendingBytes) {
      this.#dropped += 1;
      return false;
    }
    if (most > this.#filling.length - this.#filled) this.#seal();
    return true;
  }

  #writeLarge(bytes: Buffer): boolean {
    this.#enqueue({ buffer: bytes, length: bytes.length, written: 0 });
    if (!this.#writing) this.#flush();
    return true;
  }

  #flushWhenFull(): void {
    if (this.#filled >= this.batchBytes && !this.#writing) this.#flush();
  }

  #newBuffer(): Buffer {
    // Room for a batch and a long line beyond it, outside Node's shared pool.
    return this.#spare.pop() ?? Buffer.allocUnsafeSlow(this.batchBytes + 16 * 1024);
  }

  /** Queues what the current buffer holds and starts a fresh one. */
  #seal(): void {
    if (this.#filled === 0) return;
    this.#enqueue({ buffer: this.#filling, length: this.#filled, written: 0 });
    this.#filling = this.#newBuffer();
    this.#filled = 0;
  }

  #enqueue(chunk: Chunk): void {
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
  }

  #flush(): void {
    if (this.#writing) return;
    this.#seal();
    if (this.#queue.length === 0) {
      for (const resolve of this.#idle.splice(0)) resolve();
      return;
    }
    this.#writing = true;
    this.#send();
  }

  #send(): void {
    const chunk = this.#queue[0]!;
    write(this.fd, chunk.buffer, chunk.written, chunk.length - chunk.written, null, (error, written) => {
      // flushSync() took the chunk over (the process is exiting).
      if (this.#queue[0] !== chunk) return;
      if (error) {
        // A full non-blocking pipe: try again shortly. Anything else (output closed): drop the chunk.
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          setTimeout(() => this.#send(), 10).unref();
          return;
        }
        written = chunk.length - chunk.written;
      }
      chunk.written += written;
      this.#queuedBytes -= written;
      if (this.#dropped > 0 && this.#queuedBytes + this.#filled < this.maxPendingBytes / 2) {
        const count = this.#dropped;
        this.#dropped = 0;
        this.onDropped?.(count);
      }
      if (chunk.written < chunk.length) return this.#send();
      this.#queue.shift();
      if (chunk.buffer.length === this.#filling.length && this.#spare.length < 2) this.#spare.push(chunk.buffer);
      if (this.#queue.length > 0) return this.#send();
      this.#writing = false;
      if (this.#filled >= this.batchBytes || this.#idle.length > 0) this.#flush();
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
   * shutdown awaits end() instead). A chunk whose asynchronous write has not reported back
   * is written again from where it last stood: a crash may repeat a few lines rather than lose them.
   */
  flushSync(): void {
    this.#seal();
    const chunks = this.#queue.splice(0);
    this.#queuedBytes = 0;
    this.#writing = false;
    for (const chunk of chunks) {
      for (let busy = 0; chunk.written < chunk.length && busy < 1000;) {
        try {
          chunk.written += writeSync(this.fd, chunk.buffer, chunk.written, chunk.length - chunk.written);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
          busy += 1;
        }
      }
    }
  }
}
