import { ConfigError, loadConfig, parseServerFlags } from './config.ts';
import { startServer } from './server.ts';

try {
  const { flags, positionals } = parseServerFlags(process.argv.slice(2));
  if (positionals.length > 0) throw new ConfigError(`unexpected argument: ${positionals[0]}`);
  await startServer(loadConfig(flags, process.env));
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`stashboard: ${error.message}\nRun \`stashboard serve --help\` for the options.\n`);
    process.exit(2);
  }
  throw error;
}
