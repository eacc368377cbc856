import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, startServerProcess, type ServerProcess } from './support/server-process.ts';

const exec = promisify(execFile);

describe('durability: acknowledged writes survive kill -9 (SQLite server process)', () => {
  let dir: string;
  let database: string;
  let token: string;
  let server: ServerProcess | undefined;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stashboard-durability-'));
    database = join(dir, 'durable.db');
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    const { stdout } = await exec(
      process.execPath,
      [CLI, 'token', 'create', '--name', 'durability', '--database', database],
      { cwd: dir, env },
    );
    token = stdout.trim().split('\n').at(-1)!;
  });
  after(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, form?: Record<string, string>) =>
    fetch(`${server!.url}/admin/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });

  it('every event acknowledged before a SIGKILL is there after a restart', async () => {
    server = await startServerProcess(database);
    assert.equal((await call('POST', '/services', { name: 'Durable', description: 'survives crashes' })).status, 201);
    const acknowledged: string[] = [];
    // one after another, then in concurrent bursts: each counts once its 201 has arrived
    for (let i = 0; i < 60; i++) {
      const res = await call('POST', '/services/durable/events', {
        message: `sequential ${i}`,
        status: i % 2 ? 'up' : 'down',
      });
      assert.equal(res.status, 201);
      acknowledged.push((await res.json()).sid);
    }
    for (let burst = 0; burst < 6; burst++) {
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          call('POST', '/services/durable/events', { message: `burst ${burst}.${i}` }),
        ),
      );
      for (const res of responses) {
        assert.equal(res.status, 201);
        acknowledged.push((await res.json()).sid);
      }
    }
    const deleted = acknowledged.shift()!;
    assert.equal((await call('DELETE', `/services/durable/events/${deleted}`)).status, 200);
    await server.kill();
    assert.equal(server.child.signalCode, 'SIGKILL');

    server = await startServerProcess(database);
    const res = await fetch(`${server.url}/api/v1/services/durable/events?limit=1000`);
    assert.equal(res.status, 200);
    const events = ((await res.json()) as { events: Array<{ sid: string; message: string }> }).events;
    assert.equal(events.length, acknowledged.length);
    assert.deepEqual(new Set(events.map((e) => e.sid)), new Set(acknowledged));
    assert.ok(!events.some((e) => e.sid === deleted), 'an acknowledged delete is durable too');
    const messages = new Set(events.map((e) => e.message));
    for (let i = 1; i < 60; i++) assert.ok(messages.has(`sequential ${i}`), `sequential ${i}`);
    const current = await fetch(`${server.url}/api/v1/services/durable/events/current`);
    assert.equal(current.status, 200);
  });
});
