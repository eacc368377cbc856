import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { BACKENDS, freshDatabaseUrl } from './support/harness.ts';
import { connect } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { prepared } from '../src/db/prepared.ts';

const listByName = prepared((db, v: { name: string }) =>
  db.selectFrom('service_lists').select(['slug', 'name']).where('name', '=', v.name),
);
const insertList = prepared((db, v: { slug: string; name: string; at: number }) =>
  db
    .insertInto('service_lists')
    .values({
      slug: v.slug,
      name: v.name,
      description: 'prepared',
      component_id: v.slug,
      created_at: v.at,
      updated_at: v.at,
    })
    .returning('id'),
);
const renameList = prepared((db, v: { slug: string; name: string }) =>
  db.updateTable('service_lists').set({ name: v.name }).where('slug', '=', v.slug),
);

for (const backend of BACKENDS) {
  describe(`prepared queries (${backend})`, () => {
    async function withDatabase(work: (database: ReturnType<typeof connect>) => Promise<void>) {
      const location = await freshDatabaseUrl(backend);
      const database = connect(location.url);
      try {
        await migrateToLatest(database);
        await work(database);
      } finally {
        await database.close();
        await location.drop();
      }
    }

    it('run with the values of each call, on the connection and inside transactions', () =>
      withDatabase(async ({ db }) => {
        const first = await insertList.first(db, { slug: 'core', name: 'Core', at: 1 });
        await db.transaction().execute(async (trx) => {
          const second = await insertList.first(trx, { slug: 'edge', name: 'Edge', at: 2 });
          assert.ok(first && second && second.id > first.id);
          assert.deepEqual(await listByName.all(trx, { name: 'Edge' }), [{ slug: 'edge', name: 'Edge' }]);
        });
        assert.deepEqual(await listByName.all(db, { name: 'Core' }), [{ slug: 'core', name: 'Core' }]);
        assert.equal(await listByName.first(db, { name: 'Nothing' }), undefined);
        await renameList.run(db, { slug: 'core', name: 'Core services' });
        assert.deepEqual(await listByName.all(db, { name: 'Core services' }), [
          { slug: 'core', name: 'Core services' },
        ]);
        assert.deepEqual(await listByName.all(db, { name: 'Core' }), []);
        // A value is a parameter, never SQL.
        assert.deepEqual(await listByName.all(db, { name: "x' or '1'='1" }), []);
      }));

    it('refuse a query whose values do not all become parameters, or that spreads them', () =>
      withDatabase(async ({ db }) => {
        const inlined = prepared((d, v: { name: string }) =>
          d
            .selectFrom('service_lists')
            .selectAll()
            .where(sql.raw<boolean>(`name = '${String(v.name)}'`)),
        );
        await assert.rejects(inlined.all(db, { name: 'Core' }), /name did not become a parameter/);
        const spread = prepared(
          (
            d,
            v: {
              slug: string;
              name: string;
              description: string;
              component_id: string;
              created_at: number;
              updated_at: number;
            },
          ) => d.insertInto('service_lists').values({ ...v }),
        );
        await assert.rejects(
          spread.run(db, { slug: 's', name: 'S', description: '', component_id: 's', created_at: 1, updated_at: 1 }),
          /name each value/,
        );
        assert.deepEqual(await db.selectFrom('service_lists').selectAll().execute(), []);
      }));
  });
}
