import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { BACKENDS, freshDatabaseUrl } from './support/harness.ts';
import { loadConfig } from '../src/config.ts';
import { openServingContext, type OpenContext } from '../src/server.ts';
import { prepareDatabase } from '../src/services/setup.ts';
import { buildApp } from '../src/app.ts';
import { createService } from '../src/services/services.ts';
import type { FastifyInstance } from 'fastify';

const TOKEN = 'freshness-test-admin-token-0123456789';
const CLI = { kind: 'cli', name: 'test', scope: 'admin' } as const;

describe(
  'cross-instance freshness on PostgreSQL',
  { skip: !BACKENDS.includes('postgres') && 'no TEST_DATABASE_URL' },
  () => {
    const closing: Array<() => Promise<void>> = [];
    after(async () => {
      for (const close of closing.reverse()) await close();
    });

    it('checks the shared version only before answers served from the cache, and sees other instances at once', async () => {
      const db = await freshDatabaseUrl('postgres');
      closing.push(db.drop);
      const config = loadConfig(
        { database: db.url },
        { LOG_LEVEL: 'silent', RENDER_LIMIT: '1000000', STASHBOARD_ADMIN_TOKEN: TOKEN },
      );
      const open = async (): Promise<{ opened: OpenContext; app: FastifyInstance }> => {
        const opened = openServingContext(config, { warn: () => {} }, undefined);
        // Only the checks that reads make are counted here, not the background one.
        opened.ctx.freshness!.close();
        await prepareDatabase(opened.ctx);
        const app = await buildApp({ config, ctx: opened.ctx });
        closing.push(async () => {
          await app.close();
          await opened.close();
        });
        return { opened, app };
      };
      const one = await open();
      const other = await open();
      const freshness = one.opened.ctx.freshness!;
      const services = async () =>
        (
          (await one.app.inject({ url: '/api/v1/services' })).json() as { services: Array<{ id: string }> }
        ).services.map((s) => s.id);

      assert.deepEqual(await services(), []);
      let before = freshness.queries;
      for (let i = 0; i < 3; i += 1) assert.deepEqual(await services(), []);
      assert.equal(freshness.queries - before, 3, 'each cached read, one after another, checks the version');

      before = freshness.queries;
      const admin = { authorization: `Bearer ${TOKEN}` };
      for (let i = 0; i < 3; i += 1) {
        assert.equal((await one.app.inject({ url: '/admin/api/v1/services', headers: admin })).statusCode, 200);
        assert.equal((await one.app.inject({ url: '/healthz' })).statusCode, 200);
        assert.equal((await one.app.inject({ url: '/widget.js' })).statusCode, 200);
      }
      assert.equal(freshness.queries, before, 'reads that are not served from the cache make no version query');

      // A write on the other instance: the very next cached read here sees it.
      await createService(other.opened.ctx, CLI, { name: 'API', description: 'The API' });
      assert.deepEqual(await services(), ['api']);
    });
  },
);
