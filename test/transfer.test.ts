import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, TestClock, freshDatabaseUrl, startTestApp, type Backend } from './support/harness.ts';
import { CLI } from './support/server-process.ts';
import { createUser } from '../src/services/users.ts';

const run = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Fills a database through the API: lists, services, custom status, events with notes, a token. */
async function populate(backend: Backend): Promise<{ url: string; drop: () => Promise<void> }> {
  const clock = new TestClock();
  const t = await startTestApp(backend, { clock });
  await t.post('/service-lists', { name: 'Core', description: 'Core services' });
  await t.post('/services', { name: 'API', description: 'The API', list: 'core' });
  await t.post('/services', { name: 'Website ✨', description: 'Marketing <site> & "docs"' });
  await t.post('/statuses', { name: 'Maintenance', description: 'Planned work', image: 'wrench', level: 'WARNING' });
  for (let i = 0; i < 25; i++) {
    await t.post(`/services/${i % 2 ? 'api' : 'website'}/events`, {
      message: `event ${i} — ünïcode`,
      status: ['down', 'up', 'maintenance'][i % 3]!,
      ...(i % 5 === 0 ? { informational: 'true' } : {}),
    });
    clock.advance(61_000);
  }
  await t.post('/statuses/maintenance', { default: 'true' });
  await createUser(
    t.ctx,
    { kind: 'cli', name: 'test', scope: 'admin' },
    { email: 'oncall@example.com', role: 'admin', password: 'correct horse battery staple' },
  );
  // Monitoring settings travel too (docs/monitoring.md).
  await t.post('/services/api/push');
  await t.post('/services/api/automation', {
    recovery_needs_human: 'true',
    min_change_interval: '120',
    heartbeat_period: '600',
    status_down: 'maintenance',
  });
  await t.post('/services/api/checks', {
    name: 'api-http',
    target: 'https://status.example.com/health',
    interval: '30',
    keyword: 'ok',
    latency_warning_ms: '800',
  });
  await t.post('/services/website/checks', {
    name: 'web-tcp',
    kind: 'tcp',
    target: 'example.com:443',
    interval: '60',
    failure_threshold: '3',
  });
  const { app, ctx } = t;
  await app.close();
  await ctx.database.close();
  // Keep the database itself; the caller drops it.
  return { url: t.databaseUrl, drop: async () => {} };
}

describe('export and import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stashboard-transfer-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [from, to] of BACKENDS.length > 1
    ? ([
        ['sqlite', 'postgres'],
        ['postgres', 'sqlite'],
      ] as const)
    : ([['sqlite', 'sqlite']] as const)) {
    it(`round-trips ${from} -> ${to} -> export: the two exports are identical`, async () => {
      const source = await populate(from);
      const target = await freshDatabaseUrl(to);
      try {
        const first = join(dir, `${from}-first.json`);
        const second = join(dir, `${from}-second.json`);
        const exported = await cli(['export', '--database', source.url, '--out', first]);
        assert.equal(exported.code, 0, exported.stderr);
        const doc = JSON.parse(readFileSync(first, 'utf8'));
        assert.equal(doc.format, 'stashboard-export');
        assert.equal(doc.version, 1);
        assert.equal(doc.events.length, 25);
        assert.equal(doc.tokens.length, 1);
        assert.match(doc.tokens[0].hash, /^[0-9a-f]{64}$/);
        assert.deepEqual(
          doc.users.map((u: { email: string; role: string }) => [u.email, u.role]),
          [['oncall@example.com', 'admin']],
        );
        assert.match(doc.users[0].passwordHash, /^\$argon2id\$/);
        assert.ok(doc.events.every((e: { author: string }) => e.author === 'token:test admin'));
        assert.ok(doc.settings.some((s: { key: string }) => s.key === 'oauth.credentials'));
        assert.deepEqual(
          doc.checks.map((c: { name: string }) => c.name),
          ['api-http', 'web-tcp'],
        );
        const api = doc.automation.find((a: { service: string }) => a.service === 'api');
        assert.equal(api.recoveryNeedsHuman, true);
        assert.equal(api.statuses.down, 'maintenance');
        // Push secrets are kept (and exported) only as hashes.
        assert.match(api.pushSecretHash, /^[0-9a-f]{64}$/);
        assert.equal(api.pushSecret, undefined);
        const imported = await cli(['import', first, '--database', target.url]);
        assert.equal(imported.code, 0, imported.stderr);
        assert.match(imported.stdout, /Imported 25 events/);
        const again = await cli(['export', '--database', target.url, '--out', second]);
        assert.equal(again.code, 0, again.stderr);
        assert.equal(readFileSync(second, 'utf8'), readFileSync(first, 'utf8'));
      } finally {
        await source.drop();
        await target.drop();
      }
    });
  }

  for (const backend of BACKENDS) {
    describe(`refusals (${backend})`, () => {
      let file: string;
      before(async () => {
        const source = await populate('sqlite');
        file = join(dir, `refusal-${backend}.json`);
        assert.equal((await cli(['export', '--database', source.url, '--out', file])).code, 0);
      });

      const refuses = async (content: string, message: RegExp, prepare?: (url: string) => Promise<void>) => {
        const target = await freshDatabaseUrl(backend);
        try {
          await prepare?.(target.url);
          const before = await cli(['export', '--database', target.url]);
          const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
          writeFileSync(path, content);
          const result = await cli(['import', path, '--database', target.url]);
          assert.notEqual(result.code, 0);
          assert.match(result.stderr, message);
          const after = await cli(['export', '--database', target.url]);
          assert.equal(after.stdout, before.stdout, 'nothing was written');
        } finally {
          await target.drop();
        }
      };

      it('refuses a non-empty database and writes nothing', async () => {
        await refuses(readFileSync(file, 'utf8'), /not empty/, async (url) => {
          assert.equal((await cli(['token', 'create', '--name', 'existing', '--database', url])).code, 0);
        });
      });

      it('refuses malformed files', async () => {
        await refuses('{"format": "stashboard-export", ', /cannot read .* as JSON/);
        await refuses('[1,2]', /not a Stashboard export/);
        const doc = JSON.parse(readFileSync(file, 'utf8'));
        doc.events[3].timestamp = 'yesterday';
        await refuses(JSON.stringify(doc), /malformed at \/events\/3\/timestamp/);
        const dangling = JSON.parse(readFileSync(file, 'utf8'));
        dangling.events[24].service = 'ghost';
        await refuses(JSON.stringify(dangling), /unknown service ghost/);
      });

      it('refuses a file of a newer version', async () => {
        const doc = JSON.parse(readFileSync(file, 'utf8'));
        doc.version = 2;
        await refuses(JSON.stringify(doc), /version 2, newer than this Stashboard reads/);
      });
    });
  }
});
