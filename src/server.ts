import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { buildApp } from './app.ts';
import { connect } from './db/connect.ts';
import { ChangeBus } from './changes/bus.ts';
import { prepareDatabase } from './services/setup.ts';
import { systemClock, systemIds } from './services/system.ts';
import type { Context } from './services/context.ts';

/** Opens the configured database and builds the use-case context around it. */
export function openContext(config: Readonly<Config>): Context {
  return { database: connect(config.database), clock: systemClock, ids: systemIds(), changes: new ChangeBus() };
}

/** Opens, migrates and seeds the database, then listens; closes everything on SIGTERM/SIGINT. */
export async function startServer(config: Readonly<Config>): Promise<FastifyInstance> {
  const ctx = openContext(config);
  await prepareDatabase(ctx);
  const app = await buildApp({ config, ctx });
  app.addHook('onClose', async () => ctx.database.close());
  await app.listen({ host: config.host, port: config.port });
  app.log.info({ database: ctx.database.description }, 'stashboard is serving');
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return app;
}
