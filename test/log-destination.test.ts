import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchedDestination } from '../src/log-destination.ts';

/** A real pipe (a FIFO) whose reader the test controls: nothing is read until `drain` runs. */
function pipe() {
  const dir = mkdtempSync(join(tmpdir(), 'stashboard-log-'));
  const path = join(dir, 'out');
  execFileSync('mkfifo', [path]);
  const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  let text = '';
  const buffer = Buffer.alloc(64 * 1024);
  const readAvailable = () => {
    for (;;) {
      try {
        const n = readSync(reader, buffer, 0, buffer.length, null);
        if (n <= 0) return;
        text += buffer.subarray(0, n).toString();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return;
        throw error;
      }
    }
  };
  return {
    writer,
    /** Reads whatever the pipe holds every few milliseconds until `done` settles; returns the lines. */
    async drain(done: Promise<void>): Promise<string[]> {
      let finished = false;
      void done.then(() => (finished = true));
      while (!finished) {
        readAvailable();
        await new Promise((r) => setTimeout(r, 2));
      }
      readAvailable();
      return text.split('\n').filter(Boolean);
    },
    close() {
      closeSync(writer);
      closeSync(reader);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('log destination', () => {
  it('writes every line, in order, once the output reads them', async () => {
    const out = pipe();
    const destination = new BatchedDestination(out.writer, 1024, 5);
    for (let i = 0; i < 5_000; i += 1) destination.write(`{"n":${i}}\n`);
    const lines = await out.drain(destination.end());
    assert.equal(lines.length, 5_000);
    assert.deepEqual(
      lines.map((line) => (JSON.parse(line) as { n: number }).n),
      Array.from({ length: 5_000 }, (_, i) => i),
    );
    assert.equal(destination.dropped, 0);
    out.close();
  });

  it('keeps text that is not ASCII, and lines longer than a batch, whole and in order', async () => {
    const out = pipe();
    const destination = new BatchedDestination(out.writer, 1024, 5);
    const sent: string[] = [];
    for (let i = 0; i < 2_000; i += 1) {
      const text = i % 100 === 7 ? 'long '.repeat(2_000) : i % 3 === 0 ? `Störung ✓ 🚦 ${i}` : `line ${i}`;
      sent.push(JSON.stringify({ n: i, text }));
      destination.write(`${sent[i]}\n`);
    }
    assert.deepEqual(await out.drain(destination.end()), sent);
    out.close();
  });

  it('takes lines already encoded as bytes, mixed with text lines, whole and in order', async () => {
    const out = pipe();
    const destination = new BatchedDestination(out.writer, 1024, 5);
    const sent: string[] = [];
    const scratch = Buffer.alloc(16 * 1024);
    for (let i = 0; i < 2_000; i += 1) {
      const text = i % 100 === 7 ? 'long '.repeat(2_000) : `Störung ✓ ${i}`;
      sent.push(JSON.stringify({ n: i, text }));
      if (i % 2 === 0) destination.write(`${sent[i]}\n`);
      else {
        // Only the first `length` bytes are the line; what follows in the scratch buffer is not.
        const length = scratch.write(`${sent[i]}\n`);
        scratch.fill('x', length, length + 10);
        destination.writeBytes(scratch, length);
      }
    }
    assert.deepEqual(await out.drain(destination.end()), sent);
    out.close();
  });

  it('writes out everything pending at once when the process must exit', () => {
    const out = pipe();
    const destination = new BatchedDestination(out.writer, 64 * 1024, 60_000);
    const sent = Array.from({ length: 300 }, (_, i) => `{"n":${i}}`);
    for (const line of sent) destination.write(`${line}\n`);
    destination.flushSync();
    return out.drain(Promise.resolve()).then((lines) => {
      assert.deepEqual(lines, sent);
      out.close();
    });
  });

  it('drops and counts lines beyond its bound while the output does not read, and reports them once it does', async () => {
    const out = pipe();
    const maxPending = 256 * 1024;
    const destination = new BatchedDestination(out.writer, 16 * 1024, 5, maxPending);
    const reports: number[] = [];
    destination.onDropped = (count) => {
      reports.push(count);
      destination.write(`{"dropped":${count}}\n`);
    };
    const line = (i: number) => `{"n":${i},"pad":"${'x'.repeat(80)}"}\n`;
    const total = 20_000; // 2 MB, eight times the bound
    for (let i = 0; i < total; i += 1) {
      destination.write(line(i));
      // Let the pending writes report back (the pipe stays full: nobody reads yet).
      if (i % 1000 === 999) await new Promise((r) => setTimeout(r, 1));
    }
    const dropped = destination.dropped;
    // What waits is bounded: the pipe's own buffer and maxPending at most, the rest was dropped.
    const pipeCapacity = 1024 * 1024; // Linux pipes hold 64 KB by default, at most 1 MB
    assert.ok(dropped >= total - (maxPending + pipeCapacity) / line(0).length, `only ${dropped} dropped`);
    const lines = await out.drain(destination.end());
    const kept = lines.filter((l) => l.includes('"n"'));
    assert.deepEqual(reports, [dropped], 'one report, of every dropped line');
    assert.equal(kept.length + dropped, total);
    assert.ok(lines.includes(`{"dropped":${dropped}}`));
    // The lines that were kept are the earliest ones, in order, none twice.
    assert.deepEqual(
      kept.map((l) => (JSON.parse(l) as { n: number }).n),
      Array.from({ length: kept.length }, (_, i) => i),
    );
    out.close();
  });
});
