import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../src/db/connect.ts';
import { readOAuthCredentials } from '../src/services/oauth.ts';
import { allStatuses } from '../src/db/repositories/statuses.ts';
import { CLI, freePort, startServerProcess, waitFor, type ServerProcess } from './support/server-process.ts';

/** The environment of a child process, without settings of our own that would leak into it. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  for (const name of ['DATABASE_URL', 'HOST', 'PORT', 'BODY_LIMIT', 'TRUST_PROXY', 'STASHBOARD_ADMIN_TOKEN'])
    delete env[name];
  return { ...env, ...extra };
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the `stashboard` command to completion. */
function run(args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env: cleanEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `work` over the items, at most two at a time (the CLI compiles its sources on start). */
async function inPairs<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 2) results.push(...(await Promise.all(items.slice(i, i + 2).map(work))));
  return results;
}

/** Starts a server process with the given arguments and environment; resolves once `url` answers /healthz. */
async function serve(
  command: string[],
  options: { cwd: string; env?: Record<string, string>; url: string },
): Promise<{ child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, command, {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  try {
    await waitFor(
      `server on ${options.url}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
        return (await fetch(`${options.url}/healthz`)).status === 200 || undefined;
      },
      60_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, stop };
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return false;
  } catch {
    return true;
  }
}

describe('the stashboard command (SQLite)', () => {
  let dir: string;
  let database: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stashboard-cli-'));
    database = join(dir, 'cli.db');
    // Created up front: the commands below run two at a time against it.
    assert.equal((await run(['migrate', '--database', database], { cwd: dir })).code, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help on the main command and on each command exits 0 with usage on stdout', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--help'], /Usage: stashboard <command>[\s\S]*serve[\s\S]*migrate[\s\S]*token[\s\S]*oauth/],
      [['serve', '--help'], /Usage: stashboard serve[\s\S]*--host[\s\S]*--port[\s\S]*--database/],
      [['migrate', '--help'], /Usage: stashboard migrate/],
      [['token', '--help'], /Usage: stashboard token[\s\S]*create[\s\S]*list[\s\S]*revoke/],
      [['token', 'create', '--help'], /Usage: stashboard token/],
      [['oauth', '--help'], /Usage: stashboard oauth show/],
    ];
    const results = await inPairs(cases, ([args]) => run(args, { cwd: dir }));
    for (const [index, [args, usage]] of cases.entries()) {
      const result = results[index]!;
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, usage, args.join(' '));
      assert.equal(result.stderr, '', args.join(' '));
    }
    assert.ok(!existsSync(join(dir, 'data')), '--help must not create a database');
  });

  it('bad arguments exit non-zero with a clear message on stderr', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /Usage: stashboard|command/],
      [['frobnicate'], /unknown command: frobnicate/],
      [['migrate', '--bogus', '--database', database], /--bogus/],
      [['serve', '--bogus'], /--bogus/],
      [['serve', '--port', 'eighty'], /port.*eighty/],
      [['serve', '--port', '70000'], /port.*70000/],
      [['token', 'create', '--database', database], /--name/],
      [['token', 'create', '--name', 'x', '--scope', 'root', '--database', database], /scope.*root/],
      [['token', 'frob', '--database', database], /unknown token subcommand: frob/],
      [['token', '--database', database], /subcommand/],
      [['token', 'revoke', '--database', database], /token revoke needs exactly one token ID/],
      [['token', 'revoke', 'nosuchid', '--database', database], /nosuchid/],
      [['oauth', '--database', database], /oauth show/],
      [['oauth', 'reveal', '--database', database], /oauth show/],
    ];
    const results = await inPairs(cases, ([args]) => run(args, { cwd: dir }));
    for (const [index, [args, message]] of cases.entries()) {
      const result = results[index]!;
      const label = args.join(' ') || '(no arguments)';
      assert.notEqual(result.code, 0, label);
      assert.notEqual(result.code, null, `${label} did not exit by itself`);
      if (args.length > 0) {
        assert.match(result.stderr, /^stashboard: /, label);
        assert.match(result.stderr, message, label);
        assert.doesNotMatch(result.stderr, /^\s+at /m, `${label}: a stack trace is not a clear message`);
      }
    }
    assert.ok(!existsSync(join(dir, 'data')), 'no default database was created by a failing command');
  });

  it('migrate on a new file creates the schema and the default statuses; again, it is up to date', async () => {
    const fresh = join(dir, 'nested', 'fresh.db');
    const first = await run(['migrate', '--database', fresh], { cwd: dir });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Applied \d+ migration/);
    const db = connect(fresh);
    try {
      const statuses = await allStatuses(db.db);
      assert.deepEqual(
        statuses.map((s) => [s.slug, s.name, s.level, s.image, s.isDefault]),
        [
          ['down', 'Down', 'ERROR', 'cross-circle', false],
          ['up', 'Up', 'NORMAL', 'tick-circle', true],
          ['warning', 'Warning', 'WARNING', 'exclamation', false],
        ],
      );
    } finally {
      await db.close();
    }
    const again = await run(['migrate', '--database', fresh], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /up to date/);
  });

  it('commands take the database from DATABASE_URL, and --database wins over it', async () => {
    const fromEnv = join(dir, 'from-env.db');
    const fromFlag = join(dir, 'from-flag.db');
    assert.equal((await run(['migrate'], { cwd: dir, env: { DATABASE_URL: fromEnv } })).code, 0);
    assert.ok(existsSync(fromEnv));
    const other = join(dir, 'not-this.db');
    assert.equal((await run(['migrate', '--database', fromFlag], { cwd: dir, env: { DATABASE_URL: other } })).code, 0);
    assert.ok(existsSync(fromFlag));
    assert.ok(!existsSync(other));
  });

  it('oauth show prints the four credentials stored in the database', async () => {
    const result = await run(['oauth', 'show', '--database', database], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const db = connect(database);
    const stored = await readOAuthCredentials(db.db).finally(() => db.close());
    assert.ok(stored);
    const field = (label: string) => new RegExp(`^${label}:\\s+(\\S+)$`, 'm').exec(result.stdout)?.[1];
    assert.equal(field('Consumer key'), stored.consumerKey);
    assert.equal(field('Consumer secret'), stored.consumerSecret);
    assert.equal(field('Access token'), stored.accessToken);
    assert.equal(field('Access token secret'), stored.accessTokenSecret);
    assert.equal(result.stdout.trim().split('\n').length, 4);
  });

  describe('tokens against a running server on the same database file', () => {
    let server: ServerProcess;
    before(async () => {
      server = await startServerProcess(database);
    });
    after(async () => server.stop());

    let id: string;
    let secret: string;
    const servicesWith = (token: string) =>
      fetch(`${server.url}/admin/api/v1/services`, { headers: { authorization: `Bearer ${token}` } });

    it('token create prints the secret once, and it works as a bearer token', async () => {
      const result = await run(['token', 'create', '--name', 'deploy bot', '--database', database], { cwd: dir });
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trim().split('\n');
      id = /^Created token (\S+) "deploy bot" with scope admin\.$/.exec(lines[0]!)?.[1] ?? '';
      assert.ok(id, result.stdout);
      secret = lines.at(-1)!;
      assert.match(secret, /^\S{20,}$/);
      assert.equal(result.stdout.split(secret).length - 1, 1, 'the secret is printed exactly once');
      const res = await servicesWith(secret);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { services: [] });
      const created = await fetch(`${server.url}/admin/api/v1/services`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'name=From+CLI+token&description=x',
      });
      assert.equal(created.status, 201);
    });

    it('token create --scope events makes a token that may post events only', async () => {
      const result = await run(['token', 'create', '--name', 'monitor', '--scope', 'events', '--database', database], {
        cwd: dir,
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /with scope events/);
      const events = result.stdout.trim().split('\n').at(-1)!;
      const post = await fetch(`${server.url}/admin/api/v1/services/from-cli-token/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${events}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'message=ping',
      });
      assert.equal(post.status, 201);
      assert.equal((await post.json()).author, 'token:monitor');
      assert.equal((await servicesWith(events)).status, 403);
    });

    it('token list shows the tokens without their secrets', async () => {
      const result = await run(['token', 'list', '--database', database], { cwd: dir });
      assert.equal(result.code, 0, result.stderr);
      const line = result.stdout.split('\n').find((l) => l.startsWith(id));
      assert.ok(line, result.stdout);
      assert.match(line, /\tadmin\tactive\t.*\tdeploy bot$/);
      assert.match(result.stdout, /\tevents\tactive\t.*\tmonitor$/m);
      assert.ok(!result.stdout.includes(secret), 'token list shows a secret');
      assert.ok(!result.stdout.includes(secret.split('.').at(-1)!), 'token list shows part of a secret');
    });

    it('token revoke makes the token fail with 401 at once; list shows it revoked', async () => {
      const result = await run(['token', 'revoke', id, '--database', database], { cwd: dir });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`Revoked token ${id}`));
      const res = await servicesWith(secret);
      assert.equal(res.status, 401);
      assert.ok(res.headers.get('www-authenticate'));
      const list = await run(['token', 'list', '--database', database], { cwd: dir });
      assert.match(
        list.stdout.split('\n').find((l) => l.startsWith(id))!,
        /\trevoked /,
      );
    });
  });

  describe('serving: HOST, PORT and DATABASE_URL from the environment or flags; flags win', () => {
    const running: Array<() => Promise<void>> = [];
    after(async () => {
      for (const stop of running) await stop();
    });

    it('`serve` takes HOST, PORT and DATABASE_URL from the environment', async () => {
      const port = await freePort();
      const file = join(dir, 'env-served.db');
      const server = await serve([CLI, 'serve'], {
        cwd: dir,
        env: { HOST: '127.0.0.2', PORT: String(port), DATABASE_URL: file },
        url: `http://127.0.0.2:${port}`,
      });
      running.push(server.stop);
      assert.ok(existsSync(file));
      assert.ok(await refused(`http://127.0.0.1:${port}/healthz`), 'listens only on HOST');
      const token = (await run(['token', 'create', '--name', 'env', '--database', file], { cwd: dir })).stdout
        .trim()
        .split('\n')
        .at(-1)!;
      const res = await fetch(`http://127.0.0.2:${port}/admin/api/v1/statuses`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 200, 'the server uses the DATABASE_URL file the token was created in');
      await server.stop();
    });

    it('`serve` flags win over HOST, PORT and DATABASE_URL', async () => {
      const [envPort, flagPort] = [await freePort(), await freePort()];
      const envFile = join(dir, 'env-loses.db');
      const flagFile = join(dir, 'flag-wins.db');
      const server = await serve(
        [CLI, 'serve', '--host', '127.0.0.3', '--port', String(flagPort), '--database', flagFile],
        {
          cwd: dir,
          env: { HOST: '127.0.0.2', PORT: String(envPort), DATABASE_URL: envFile },
          url: `http://127.0.0.3:${flagPort}`,
        },
      );
      running.push(server.stop);
      assert.ok(existsSync(flagFile));
      assert.ok(!existsSync(envFile));
      assert.ok(await refused(`http://127.0.0.2:${envPort}/healthz`));
      assert.ok(await refused(`http://127.0.0.2:${flagPort}/healthz`));
      await server.stop();
    });

    it('`npm start` (bin/stashboard.js serve) takes the same flags and environment, flags winning', async () => {
      const [envPort, flagPort] = [await freePort(), await freePort()];
      const envFile = join(dir, 'main-env.db');
      const flagFile = join(dir, 'main-flag.db');
      const fromEnv = await serve([CLI, 'serve'], {
        cwd: dir,
        env: { HOST: '127.0.0.1', PORT: String(envPort), DATABASE_URL: envFile },
        url: `http://127.0.0.1:${envPort}`,
      });
      running.push(fromEnv.stop);
      assert.ok(existsSync(envFile));
      await fromEnv.stop();
      const fromFlags = await serve(
        [CLI, 'serve', '--port', String(flagPort), '--host', '127.0.0.1', '--database', flagFile],
        {
          cwd: dir,
          env: { PORT: String(envPort), DATABASE_URL: join(dir, 'main-env-loses.db') },
          url: `http://127.0.0.1:${flagPort}`,
        },
      );
      running.push(fromFlags.stop);
      assert.ok(existsSync(flagFile));
      assert.ok(!existsSync(join(dir, 'main-env-loses.db')));
      assert.ok(await refused(`http://127.0.0.1:${envPort}/healthz`));
      await fromFlags.stop();
    });

    it('by default the database is ./data/stashboard.db, created and seeded on first start', async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'stashboard-default-'));
      try {
        const port = await freePort();
        const server = await serve([CLI, 'serve', '--port', String(port), '--host', '127.0.0.1'], {
          cwd,
          url: `http://127.0.0.1:${port}`,
        });
        running.push(server.stop);
        assert.ok(existsSync(join(cwd, 'data', 'stashboard.db')));
        const statuses = (await (await fetch(`http://127.0.0.1:${port}/api/v1/statuses`)).json()) as {
          statuses: Array<{ id: string }>;
        };
        assert.deepEqual(
          statuses.statuses.map((s) => s.id),
          ['down', 'up', 'warning'],
        );
        await server.stop();
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  });
});
