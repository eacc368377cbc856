import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, parseServerFlags, SERVER_OPTIONS_HELP } from './config.ts';
import { openContext, startServer } from './server.ts';
import { prepareDatabase } from './services/setup.ts';
import { createToken, listTokens, revokeToken } from './services/tokens.ts';
import { showOAuthCredentials } from './services/oauth.ts';
import { createUser, listUsers, resetPassword } from './services/users.ts';
import { exportData, importData } from './services/transfer.ts';
import { DomainError } from './domain/errors.ts';
import type { Actor, Context } from './services/context.ts';

const CLI_ACTOR: Actor = { kind: 'cli', name: 'command line', scope: 'admin' };

const DATABASE_HELP =
  '  --database URL    SQLite file path or postgres:// URL (env DATABASE_URL; default ./data/stashboard.db)';

const HELP: Record<string, string> = {
  main: `Usage: stashboard <command> [options]

Commands:
  serve                                  serve the status page and the API
  migrate                                create or update the database (a new one gets the default statuses)
  token create --name N [--scope S]      create an API token (scope admin or events); prints the secret once
  token list                             list API tokens
  token revoke ID                        revoke an API token
  oauth show                             print the OAuth 1.0a credentials for the admin API
  user create --email E --admin|--editor create an admin site user; prints a generated password once
  user list                              list admin site users
  user reset-password --email E          set a new password (printed once) and end the user's sessions
  export [--out FILE]                    write everything as one JSON document (to standard output by default)
  import FILE                            load an export into a new, empty database

Run \`stashboard <command> --help\` for a command's options.`,
  serve: `Usage: stashboard serve [options]

Serves the status page and the API; creates and migrates the database on first start.

${SERVER_OPTIONS_HELP}`,
  migrate: `Usage: stashboard migrate [--database URL]

Creates or updates the database schema; a new database gets the default statuses.

${DATABASE_HELP}`,
  token: `Usage: stashboard token <create|list|revoke> [options]

  token create --name N [--scope admin|events]   create a token; the secret is printed once
  token list                                     list tokens (never their secrets)
  token revoke ID                                revoke a token at once

${DATABASE_HELP}`,
  export: `Usage: stashboard export [--out FILE] [--database URL]

Writes everything (lists, services, statuses, events with their authors, API tokens as
hashes, settings including the OAuth credentials) as one versioned JSON document.
Keep the file as safe as the database: it holds the OAuth secrets.

  --out FILE        write to FILE instead of standard output
${DATABASE_HELP}`,
  import: `Usage: stashboard import FILE [--database URL]

Loads an export into a database that holds no lists, services, events or tokens yet,
in one transaction: on any error nothing is written. Shows progress on a terminal.

${DATABASE_HELP}`,
  user: `Usage: stashboard user <create|list|reset-password> [options]

  user create --email E --admin          create an admin (may do everything)
  user create --email E --editor         create an editor (may post and delete events and notes,
                                         manage incidents and maintenance, confirm held recoveries)
  user list                              list users and their roles
  user reset-password --email E          set a new password and end the user's sessions

A new password is generated and printed once, unless --password-stdin is given:
  --password-stdin  read the password from standard input (at least 10 characters)
${DATABASE_HELP}`,
  oauth: `Usage: stashboard oauth show [--database URL]

Prints the OAuth 1.0a consumer key and secret and the access token and secret that
OAuth clients of the admin API sign their requests with.

${DATABASE_HELP}`,
};

class UsageError extends Error {}

type Options = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function parse(
  args: string[],
  options: Options,
  topic: string,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const all: Options = { ...options, help: { type: 'boolean', short: 'h' }, database: { type: 'string' } };
    return parseArgs({ args, options: all, allowPositionals: true, strict: true }) as never;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${HELP[topic]}`);
  }
}

async function withDatabase<T>(database: string | undefined, work: (ctx: Context) => Promise<T>): Promise<T> {
  const config = loadConfig({ database }, process.env);
  const { ctx, close } = openContext(config);
  try {
    await prepareDatabase(ctx);
    return await work(ctx);
  } finally {
    await close();
  }
}

/** The whole of standard input, less one trailing newline (as `echo` or a password manager gives it). */
function readPasswordFromStdin(): string {
  return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

type Values = Record<string, string | boolean | undefined>;

/** One command of the table: its options (beside --help and --database) and what it does. */
interface Command {
  options: Options;
  run: (values: Values, positionals: string[], database: string | undefined) => Promise<number>;
}

/** A command whose first positional names a subcommand (`token create`, `user list`). */
function withSubcommands(
  topic: string,
  options: Options,
  subcommands: Record<string, Command['run']>,
  check: (sub: string, values: Values) => void = () => {},
): Command {
  return {
    options,
    run: (values, positionals, database) => {
      const [sub, ...args] = positionals;
      const handler = sub === undefined ? undefined : subcommands[sub];
      if (sub === undefined || !handler)
        throw new UsageError(
          `${sub === undefined ? `${topic} needs a subcommand` : `unknown ${topic} subcommand: ${sub}`}\n\n${HELP[topic]}`,
        );
      check(sub, values);
      return handler(values, args, database);
    },
  };
}

function noArguments(topic: string, args: string[]): void {
  if (args.length > 0) throw new UsageError(`unexpected argument: ${args[0]}\n\n${HELP[topic]}`);
}

function requiredOption(values: Values, name: string, problem: string, topic: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`${problem}\n\n${HELP[topic]}`);
  return value;
}

const COMMANDS: Record<string, Command> = {
  migrate: {
    options: {},
    run: async (_values, positionals, database) => {
      noArguments('migrate', positionals);
      const { ctx, close } = openContext(loadConfig({ database }, process.env));
      try {
        const applied = await prepareDatabase(ctx);
        print(
          applied.length > 0
            ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
            : 'The database is up to date.',
        );
      } finally {
        await close();
      }
      return 0;
    },
  },

  token: withSubcommands(
    'token',
    { name: { type: 'string' }, scope: { type: 'string' } },
    {
      create: async (values, args, database) => {
        noArguments('token', args);
        const name = requiredOption(values, 'name', 'token create needs --name', 'token');
        const { token, secret } = await withDatabase(database, (ctx) =>
          createToken(ctx, CLI_ACTOR, { name, scope: (values.scope as string | undefined) ?? 'admin' }),
        );
        print(`Created token ${token.id} "${token.name}" with scope ${token.scope}.`);
        print('Its secret is shown only this once:');
        print(secret);
        return 0;
      },
      list: async (_values, args, database) => {
        noArguments('token', args);
        const tokens = await withDatabase(database, (ctx) => listTokens(ctx, CLI_ACTOR));
        if (tokens.length === 0) print('No tokens.');
        for (const t of tokens) {
          const state = t.revokedAt !== null ? `revoked ${new Date(t.revokedAt).toISOString()}` : 'active';
          const used = t.lastUsedAt !== null ? `last used ${new Date(t.lastUsedAt).toISOString()}` : 'never used';
          print(`${t.id}\t${t.scope}\t${state}\t${used}\t${t.name}`);
        }
        return 0;
      },
      revoke: async (_values, args, database) => {
        if (args.length !== 1) throw new UsageError(`token revoke needs exactly one token ID\n\n${HELP.token}`);
        const token = await withDatabase(database, (ctx) => revokeToken(ctx, CLI_ACTOR, args[0]!));
        print(`Revoked token ${token.id} "${token.name}".`);
        return 0;
      },
    },
    (sub, values) => {
      if (sub !== 'create' && (values.name !== undefined || values.scope !== undefined))
        throw new UsageError(`--name and --scope go with token create\n\n${HELP.token}`);
    },
  ),

  user: withSubcommands(
    'user',
    {
      email: { type: 'string' },
      admin: { type: 'boolean' },
      editor: { type: 'boolean' },
      'password-stdin': { type: 'boolean' },
    },
    {
      create: async (values, args, database) => {
        noArguments('user', args);
        const email = requiredOption(values, 'email', 'user create needs --email', 'user');
        if (values.admin === values.editor)
          throw new UsageError(`user create needs exactly one of --admin and --editor\n\n${HELP.user}`);
        const password = values['password-stdin'] ? readPasswordFromStdin() : undefined;
        const { user, generatedPassword } = await withDatabase(database, (ctx) =>
          createUser(ctx, CLI_ACTOR, { email, role: values.admin ? 'admin' : 'editor', password }),
        );
        print(`Created ${user.role} ${user.email}.`);
        if (generatedPassword) {
          print('Their password is shown only this once (change it after logging in at /admin/account):');
          print(generatedPassword);
        }
        return 0;
      },
      list: async (_values, args, database) => {
        noArguments('user', args);
        const users = await withDatabase(database, (ctx) => listUsers(ctx, CLI_ACTOR));
        if (users.length === 0)
          print('No users. Create the first admin with `stashboard user create --email E --admin`.');
        for (const u of users) print(`${u.id}\t${u.role}\tsince ${new Date(u.createdAt).toISOString()}\t${u.email}`);
        return 0;
      },
      'reset-password': async (values, args, database) => {
        noArguments('user', args);
        const email = requiredOption(values, 'email', 'user reset-password needs --email', 'user');
        const password = values['password-stdin'] ? readPasswordFromStdin() : undefined;
        const { user, generatedPassword } = await withDatabase(database, (ctx) =>
          resetPassword(ctx, CLI_ACTOR, email, password),
        );
        print(`Set a new password for ${user.email}; their sessions have ended.`);
        if (generatedPassword) {
          print('The new password is shown only this once:');
          print(generatedPassword);
        }
        return 0;
      },
    },
    (sub, values) => {
      if (sub !== 'create' && (values.admin || values.editor))
        throw new UsageError(`--admin and --editor go with user create\n\n${HELP.user}`);
    },
  ),

  oauth: withSubcommands(
    'oauth',
    {},
    {
      show: async (_values, args, database) => {
        noArguments('oauth', args);
        const c = await withDatabase(database, (ctx) => showOAuthCredentials(ctx, CLI_ACTOR));
        print(`Consumer key:        ${c.consumerKey}`);
        print(`Consumer secret:     ${c.consumerSecret}`);
        print(`Access token:        ${c.accessToken}`);
        print(`Access token secret: ${c.accessTokenSecret}`);
        return 0;
      },
    },
  ),

  export: {
    options: { out: { type: 'string' } },
    run: async (values, positionals, database) => {
      noArguments('export', positionals);
      const doc = await withDatabase(database, (ctx) => exportData(ctx));
      const text = `${JSON.stringify(doc, null, 2)}\n`;
      if (typeof values.out === 'string') {
        writeFileSync(values.out, text, { mode: 0o600 });
        process.stderr.write(
          `Exported ${doc.services.length} services and ${doc.events.length} events to ${values.out}\n`,
        );
      } else {
        process.stdout.write(text);
      }
      return 0;
    },
  },

  import: {
    options: {},
    run: async (_values, positionals, database) => {
      if (positionals.length !== 1) throw new UsageError(`import needs exactly one FILE\n\n${HELP.import}`);
      const file = positionals[0]!;
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new DomainError(`cannot read ${file} as JSON: ${(error as Error).message}`);
      }
      const progress = process.stderr.isTTY
        ? (done: number, total: number) =>
            process.stderr.write(
              `\rImporting: ${done}/${total} records (${Math.floor((done / Math.max(total, 1)) * 100)}%)`,
            )
        : undefined;
      const { ctx, close } = openContext(loadConfig({ database }, process.env));
      try {
        await prepareDatabase(ctx, { seed: false });
        const result = await importData(ctx, CLI_ACTOR, data, progress);
        if (progress) process.stderr.write('\n');
        print(`Imported ${result.events} events into ${ctx.database.description}.`);
      } finally {
        await close();
      }
      return 0;
    },
  },
};

/** `serve` parses the server's own flags (config.ts), so it stands beside the table. */
async function serve(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) return (print(HELP.serve!), 0);
  const { flags, positionals } = parseServerFlags(args);
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}\n\n${HELP.serve}`);
  await startServer(loadConfig(flags, process.env));
  return -1; // keeps running
}

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    print(HELP.main!);
    return name === undefined ? 2 : 0;
  }
  if (name === 'serve') return serve(rest);
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UsageError(`unknown command: ${name}\n\n${HELP.main}`);
  const { values, positionals } = parse(rest, command.options, name);
  if (values.help) return (print(HELP[name]!), 0);
  return command.run(values, positionals, values.database as string | undefined);
}

try {
  const code = await run(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (error) {
  if (error instanceof UsageError || error instanceof ConfigError) {
    process.stderr.write(`stashboard: ${error.message}\n`);
    process.exitCode = 2;
  } else if (error instanceof DomainError) {
    process.stderr.write(`stashboard: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`stashboard: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
