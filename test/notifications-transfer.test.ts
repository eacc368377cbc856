import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, TestClock, freshDatabaseUrl, startTestApp, type Backend } from './support/harness.ts';
import { connect } from '../src/db/connect.ts';
import { ChangeBus } from '../src/changes/bus.ts';
import { prepareDatabase } from '../src/services/setup.ts';
import { systemIds } from '../src/services/system.ts';
import type { Context } from '../src/services/context.ts';

/** A new, empty database (no token either), as `stashboard import` expects. */
async function emptyDatabase(backend: Backend, clock: TestClock): Promise<{ ctx: Context; close(): Promise<void> }> {
  const location = await freshDatabaseUrl(backend);
  const ctx: Context = { database: connect(location.url), clock, ids: systemIds(), changes: new ChangeBus() };
  await prepareDatabase(ctx);
  return {
    ctx,
    close: async () => {
      await ctx.database.close();
      await location.drop();
    },
  };
}
import { exportData, importData } from '../src/services/transfer.ts';
import { insertSubscriberRows } from '../src/db/repositories/subscribers.ts';

const CLI = { kind: 'cli', name: 'test', scope: 'admin' } as const;

for (const backend of BACKENDS) {
  describe(`export and import of channels and subscribers (${backend})`, () => {
    it('round-trips channels (with secrets, filters, pauses) and subscribers; files without them still import', async () => {
      const clock = new TestClock();
      const source = await startTestApp(backend, { clock });
      const target = await emptyDatabase(backend, clock);
      const older = await emptyDatabase(backend, clock);
      try {
        await source.post('/services', { name: 'API', description: 'a' });
        const hook = (
          await source.post('/channels', {
            kind: 'webhook',
            name: 'Hook',
            url: 'https://hooks.example.com/x',
            services: 'api',
            notes: 'true',
          })
        ).json();
        await source.post('/channels', { kind: 'email', name: 'Ops', addresses: 'a@example.com\nb@example.com' });
        await source.post('/channels', { kind: 'slack', name: 'Slack', url: 'https://hooks.slack.example/T/B/X' });
        await insertSubscriberRows(source.ctx.database.db, [
          { email: 'reader@example.com', services: ['api'], confirmedAt: clock.now(), createdAt: clock.now() },
          { email: 'pending@example.com', services: null, confirmedAt: null, createdAt: clock.now() },
        ]);
        const doc = await exportData(source.ctx);
        assert.equal(doc.channels!.length, 3);
        assert.equal(doc.channels!.find((c) => c.name === 'Hook')!.secret, hook.secret);
        assert.deepEqual(
          doc.subscribers!.map((s) => s.email),
          ['pending@example.com', 'reader@example.com'],
        );
        // Through JSON, as the CLI writes and reads it.
        await importData(target.ctx, CLI, JSON.parse(JSON.stringify(doc)));
        const again = await exportData(target.ctx);
        assert.deepEqual(again.channels, doc.channels);
        assert.deepEqual(again.subscribers, doc.subscribers);

        const withoutThem: Record<string, unknown> = { ...doc };
        delete withoutThem.channels;
        delete withoutThem.subscribers;
        await importData(older.ctx, CLI, JSON.parse(JSON.stringify(withoutThem)));
        const none = await exportData(older.ctx);
        assert.deepEqual([none.channels, none.subscribers], [[], []]);
      } finally {
        await source.close();
        await target.close();
        await older.close();
      }
    });
  });
}
