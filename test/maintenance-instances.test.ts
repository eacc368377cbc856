import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, freshDatabaseUrl } from './support/harness.ts';
import { startServerProcess, waitFor, type ServerProcess } from './support/server-process.ts';

const ADMIN_TOKEN = 'maintenance-instances-admin-token-0123456789';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

interface Update {
  status: string;
  created_at: string;
  author?: string;
}

for (const backend of BACKENDS) {
  // PostgreSQL: three instances share one database; SQLite: one instance (its file is not shared).
  const count = backend === 'postgres' ? 3 : 1;
  describe(`maintenance transitions in real time, ${count} instance(s) on ${backend}`, () => {
    const servers: ServerProcess[] = [];
    const cleanups: Array<() => Promise<void>> = [];
    after(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    it('starts within a second of scheduled_for and completes at scheduled_until, each exactly once', async () => {
      const db = await freshDatabaseUrl(backend);
      cleanups.push(db.drop);
      // The default tick (1 s): the maintenance timer runs on its own shorter period.
      const env = { STASHBOARD_ADMIN_TOKEN: ADMIN_TOKEN };
      servers.push(await startServerProcess(db.url, env));
      // One after the other: starting through tsx is slow on a busy machine.
      for (let i = 1; i < count; i++) servers.push(await startServerProcess(db.url, env));
      const [a] = servers;
      const post = (path: string, form: Record<string, string>) =>
        fetch(`${a!.url}/admin/api/v1${path}`, { method: 'POST', headers: admin, body: new URLSearchParams(form) });
      assert.equal((await post('/services', { name: 'Email', description: 'Email' })).status, 201);
      const start = Date.now() + 1500;
      const end = start + 1500;
      const created = await post('/maintenances', {
        name: 'Short window',
        body: 'A short test window.',
        services: 'email',
        scheduled_for: new Date(start).toISOString(),
        scheduled_until: new Date(end).toISOString(),
      });
      const text = await created.text();
      assert.equal(created.status, 201, text);
      const { id } = JSON.parse(text) as { id: string };
      const read = async () =>
        (await (await fetch(`${a!.url}/admin/api/v1/maintenances/${id}`, { headers: admin })).json()) as {
          status: string;
          incident_updates: Update[];
          components: Array<{ status: string }>;
        };

      const started = await waitFor('the start', async () => {
        const m = await read();
        return m.status === 'in_progress' ? m : undefined;
      });
      assert.equal(started.components[0]!.status, 'under_maintenance');
      const startUpdate = started.incident_updates.find((u) => u.status === 'in_progress')!;
      const lag = Date.parse(startUpdate.created_at) - start;
      assert.ok(lag >= 0 && lag < 1000, `started ${lag} ms after scheduled_for`);

      const done = await waitFor('the completion', async () => {
        const m = await read();
        return m.status === 'completed' ? m : undefined;
      });
      const endUpdate = done.incident_updates.find((u) => u.status === 'completed')!;
      const endLag = Date.parse(endUpdate.created_at) - end;
      assert.ok(endLag >= 0 && endLag < 1000, `completed ${endLag} ms after scheduled_until`);
      // Let every instance run a few more rounds: still exactly one update per transition.
      await new Promise((r) => setTimeout(r, 800));
      const final = await read();
      assert.deepEqual(
        final.incident_updates.map((u) => u.status),
        ['completed', 'in_progress', 'scheduled'],
      );
      assert.equal(final.components[0]!.status, 'operational');
    });
  });
}
