import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { buildApp } from './app.ts';
import { issueSetupCode } from './services/first-run.ts';
import { startDelivery } from './workers/delivery-runtime.ts';
import { connect } from './db/connect.ts';
import { readDataVersion } from './db/repositories/data-version.ts';
import { ChangeBus } from './changes/bus.ts';
import { Freshness } from './changes/freshness.ts';
import { bridgeOverPostgres } from './changes/postgres-bridge.ts';
import { prepareDatabase } from './services/setup.ts';
import { systemClock, systemIds } from './services/system.ts';
import type { Context } from './services/context.ts';
import { MonitorLoop } from './workers/monitor-loop.ts';
import { CheckProbe } from './outbound/check-probe.ts';
import { AddressGuard } from './outbound/address-guard.ts';

export interface OpenContext {
  ctx: Context;
  close(): Promise<void>;
}

/** Opens the configured database and builds the use-case context around it. */
export function openContext(config: Readonly<Config>): OpenContext {
  const database = connect(config.database);
  const ctx: Context = { database, clock: systemClock, ids: systemIds(), changes: new ChangeBus(), site: config.site };
  return { ctx, close: () => database.close() };
}

/**
 * Like openContext, for a serving instance: on PostgreSQL, change notices travel between
 * instances and reads check the shared data version first.
 */
function openServingContext(config: Readonly<Config>, log: { warn(obj: object, msg: string): void }): OpenContext {
  const opened = openContext(config);
  const { ctx } = opened;
  if (ctx.database.dialect !== 'postgres') return opened;
  ctx.freshness = new Freshness(() => readDataVersion(ctx.database.db), ctx.changes);
  const bridge = bridgeOverPostgres(config.database, ctx.database.db, ctx.changes, log);
  return {
    ctx,
    close: async () => {
      await bridge.close();
      await opened.close();
    },
  };
}

/** Opens, migrates and seeds the database, then listens; closes everything on SIGTERM/SIGINT. */
export async function startServer(config: Readonly<Config>): Promise<FastifyInstance> {
  let app: FastifyInstance | undefined;
  const opened = openServingContext(config, { warn: (obj, msg) => app?.log.warn(obj, msg) });
  await prepareDatabase(opened.ctx);
  app = await buildApp({ config, ctx: opened.ctx });
  app.addHook('onClose', async () => opened.close());
  let delivery: ReturnType<typeof startDelivery> | undefined;
  // Before the database closes: the pass in progress records what it sent.
  app.addHook('preClose', async () => delivery?.stop());
  // Checks and heartbeats: every instance runs the loop; leases in the database share the work.
  const monitors = config.monitors
    ? new MonitorLoop({
        ctx: opened.ctx,
        runner: new CheckProbe(new AddressGuard({ allow: config.outboundAllow })),
        tickMs: config.monitoring.tickMs,
        retentionDays: config.monitoring.sampleRetentionDays,
        log: app.log,
      })
    : undefined;
  app.addHook('preClose', async () => monitors?.stop());
  await app.listen({ host: config.host, port: config.port });
  app.log.info({ database: opened.ctx.database.description }, 'stashboard is serving');
  if (config.notifications.worker) {
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    delivery = startDelivery(config, opened.ctx, `http://${host.includes(':') ? `[${host}]` : host}:${port}`, app.log);
  }
  monitors?.start();
  const setupCode = await issueSetupCode(opened.ctx);
  if (setupCode) {
    // Only while no user exists: whoever can read this log may create the first admin.
    app.log.warn(
      { setupCode, setupPath: '/admin/setup' },
      `No user exists yet. Open /admin/setup and enter the setup code ${setupCode} (or run \`stashboard user create --admin\`).`,
    );
  }
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app!.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return app;
}
