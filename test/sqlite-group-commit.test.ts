import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { fsync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { connect, type Database } from '../src/db/connect.ts';
import { WalFlusher } from '../src/db/sqlite-group-commit.ts';

/** A flush the test finishes by hand, so it can look at what waits for it. */
class HeldFlushes {
  pending: Array<(error: Error | null) => void> = [];
  started = 0;
  readonly flushFile = (fd: number, done: (error: Error | null) => void) => {
    this.started++;
    // the real flush too, so the file stays as a deployment would have it
    fsync(fd, (error) => this.pending.push(error ? () => done(error) : done));
  };
  async finishOne(error: Error | null = null): Promise<void> {
    while (this.pending.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    this.pending.shift()!(error);
  }
}

/** Creates the notes table, finishing the flush its creation waits for. */
async function createNotes(db: Database['db'], flushes: HeldFlushes): Promise<void> {
  const create = sql`create table notes (text text not null)`.execute(db);
  await flushes.finishOne();
  await create;
}

const settled = async (promise: Promise<unknown>): Promise<boolean> => {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 30));
  return done;
};

describe('SQLite group commit: a write is answered only once the write-ahead log is on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stashboard-group-commit-'));
  const opened: Database[] = [];
  after(async () => {
    for (const database of opened) await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(name: string, flushes: HeldFlushes): Promise<Database> {
    const database = connect(join(dir, name), { flushFile: flushes.flushFile });
    opened.push(database);
    return database;
  }

  it('runs WAL mode with synchronous=NORMAL, the log flushed by the process instead of each commit', async () => {
    const flushes = new HeldFlushes();
    const { db } = await open('pragmas.db', flushes);
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
    const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
    assert.equal(mode.rows[0]!.journal_mode, 'wal');
    assert.equal(sync.rows[0]!.synchronous, 1, 'NORMAL');
    assert.equal(flushes.started, 0, 'reading flushes nothing');
  });

  it('holds a write until a flush that began after its commit has finished; reads go on meanwhile', async () => {
    const flushes = new HeldFlushes();
    const { db } = await open('hold.db', flushes);
    await createNotes(db, flushes);
    const insert = db.transaction().execute((trx) => sql`insert into notes (text) values ('held')`.execute(trx));
    assert.equal(await settled(insert), false, 'the write waits for the flush');
    // the connection is free: another request reads (and sees the commit) while the flush runs
    const seen = await sql<{ n: number }>`select count(*) as n from notes`.execute(db);
    assert.equal(seen.rows[0]!.n, 1);
    await flushes.finishOne();
    await insert;
    assert.equal(flushes.started, 2);
  });

  it('writes that commit during a flush share the next one (sixteen writers, two flushes)', async () => {
    const flushes = new HeldFlushes();
    const { db } = await open('group.db', flushes);
    await createNotes(db, flushes);
    const writes = Array.from({ length: 16 }, (_, i) =>
      db.transaction().execute((trx) => sql`insert into notes (text) values (${`note ${i}`})`.execute(trx)),
    );
    // the first commit starts a flush; the other fifteen commit while it runs and wait for the next
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(flushes.started, 2, 'one flush running');
    await flushes.finishOne();
    assert.equal(
      await settled(Promise.all(writes.slice(1))),
      false,
      'commits after the first flush began wait for the next',
    );
    await flushes.finishOne();
    await Promise.all(writes);
    assert.equal(flushes.started, 3, 'sixteen commits, two flushes');
    const rows = await sql<{ n: number }>`select count(*) as n from notes`.execute(db);
    assert.equal(rows.rows[0]!.n, 16);
  });

  it('a failed flush fails the writes waiting for it (never answered as saved)', async () => {
    const flushes = new HeldFlushes();
    const { db } = await open('failed.db', flushes);
    await createNotes(db, flushes);
    const insert = sql`insert into notes (text) values ('lost?')`.execute(db);
    await flushes.finishOne(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    await assert.rejects(insert, /EIO/);
  });

  it('closing the database lets the flush a write waits for finish first', async () => {
    const flushes = new HeldFlushes();
    const database = connect(join(dir, 'closing.db'), { flushFile: flushes.flushFile });
    await createNotes(database.db, flushes);
    const insert = sql`insert into notes (text) values ('last')`.execute(database.db);
    assert.equal(await settled(insert), false, 'committed, waiting for its flush');
    const closing = database.close();
    assert.equal(await settled(closing), false, 'the close waits for the flush');
    await flushes.finishOne();
    await insert;
    await closing;
    const reopened = await open('closing.db', new HeldFlushes());
    const rows = await sql<{ n: number }>`select count(*) as n from notes`.execute(reopened.db);
    assert.equal(rows.rows[0]!.n, 1);
  });

  it('a flush is asked for once per flush in flight, however many ask', async () => {
    const held: Array<() => void> = [];
    let started = 0;
    const flusher = new WalFlusher(join(dir, 'hold.db-wal'), (_fd, done) => {
      started++;
      held.push(() => done(null));
    });
    const first = flusher.flush();
    const second = flusher.flush();
    const third = flusher.flush();
    assert.equal(started, 1);
    assert.equal(second, third, 'both wait for the same next flush');
    held.shift()!();
    await first;
    assert.equal(started, 2, 'the next flush starts when the one in flight ends');
    assert.equal(await settled(second), false);
    held.shift()!();
    await Promise.all([second, third]);
    assert.equal(flusher.flushes, 2);
    await flusher.close();
  });
});
