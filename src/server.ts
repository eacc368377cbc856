import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { beginDraining, buildApp, endLogs, flushLogs } from './app.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { observedState } from './services/observability.ts';
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
import { MonitoringLoop } from './workers/monitoring-loop.ts';
import { CheckProbe } from './outbound/check-probe.ts';
import { AddressGuard } from './outbound/address-guard.ts';
import { keepTickObjectShape } from './tick-shape.ts';

export interface OpenContext {
  ctx: Context;
  close(): Promise<void>;
}

/** Opens the configured database and builds the use-case context around it. */
export function openContext(config: Readonly<Config>, metrics?: Metrics): OpenContext {
  const database = connect(
    config.database,
    metrics ? { onQuery: (ms, failed) => metrics.query(ms / 1000, failed) } : {},
  );
  const ctx: Context = { database, clock: systemClock, ids: systemIds(), changes: new ChangeBus(), site: config.site };
  return { ctx, close: () => database.close() };
}

/**
 * Like openContext, for a serving instance: on PostgreSQL, change notices travel between
 * instances and reads check the shared data version first.
 */
export function openServingContext(
  config: Readonly<Config>,
  log: { warn(obj: object, msg: string): void },
  metrics: Metrics | undefined,
): OpenContext {
  const opened = openContext(config, metrics);
  const { ctx } = opened;
  if (ctx.database.dialect !== 'postgres') return opened;
  const freshness = new Freshness(() => readDataVersion(ctx.database.db), ctx.changes);
  ctx.freshness = freshness;
  const bridge = bridgeOverPostgres(config.database, ctx.changes, freshness, log);
  ctx.announce = (trx, changes, version) => bridge.announce(trx, changes, version);
  freshness.watch(5_000);
  return {
    ctx,
    close: async () => {
      freshness.close();
      await bridge.close();
      await opened.close();
    },
  };
}

/** Serves only `GET /metrics` on a separate address (no token: keep that address private). */
async function listenForMetrics(metrics: Metrics, address: { host: string; port: number }): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url?.split('?')[0] !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Only /metrics lives here.\n');
      return;
    }
    metrics.text().then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  return server;
}

/**
 * Opens, migrates and seeds the database, then listens. On SIGTERM/SIGINT it drains: stops
 * accepting connections, lets in-flight requests finish (answers carry `Connection: close`),
 * ends live streams with a retry hint, lets the delivery pass finish its sends and hand the
 * rest back, closes the database, flushes the logs and exits 0. After `shutdownTimeoutMs`
 * the remaining connections are cut.
 */
export async function startServer(config: Readonly<Config>): Promise<FastifyInstance> {
  keepTickObjectShape();
  let app: FastifyInstance | undefined;
  const metrics = config.metrics.enabled ? await createMetrics() : undefined;
  const opened = openServingContext(config, { warn: (obj, msg) => app?.log.warn(obj, msg) }, metrics);
  await prepareDatabase(opened.ctx);
  app = await buildApp({ config, ctx: opened.ctx, metrics });
  metrics?.watchState(() => observedState(opened.ctx));
  app.addHook('onClose', async () => opened.close());
  let delivery: ReturnType<typeof startDelivery> | undefined;
  // Before the database closes: the pass in progress records what it sent.
  app.addHook('preClose', async () => delivery?.stop());
  // Checks and heartbeats: every instance runs the loop; leases in the database share the work.
  const probe = new CheckProbe(new AddressGuard({ allow: config.outboundAllow }));
  const monitors = config.monitors
    ? new MonitoringLoop({
        ctx: opened.ctx,
        runner: metrics
          ? {
              run: async (spec) => {
                const result = await probe.run(spec);
                metrics.checkRun(spec.kind, result.state);
                return result;
              },
            }
          : probe,
        tickMs: config.monitoring.tickMs,
        retentionDays: config.monitoring.sampleRetentionDays,
        log: app.log,
      })
    : undefined;
  app.addHook('preClose', async () => monitors?.stop());
  await app.listen({ host: config.host, port: config.port });
  const metricsServer =
    metrics && config.metrics.listen ? await listenForMetrics(metrics, config.metrics.listen) : undefined;
  app.log.info({ database: opened.ctx.database.description }, 'stashboard is serving');
  if (config.notifications.worker) {
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    delivery = startDelivery(
      config,
      opened.ctx,
      `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      app.log,
      metrics ? (kind, ok) => metrics.deliveryAttempt(kind, ok) : undefined,
    );
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
    const served = app!;
    served.log.info({ signal }, 'shutting down');
    beginDraining(served);
    // No new connections (a load balancer sends them elsewhere); idle keep-alive ones close now.
    served.server.close();
    metricsServer?.close();
    const cut = setTimeout(() => {
      served.log.warn({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timeout: closing the remaining connections');
      served.server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    cut.unref();
    served.close().then(
      async () => {
        served.log.info({ signal }, 'shut down cleanly');
        // Standard output that takes no more (a stuck reader) must not keep the process alive.
        await Promise.race([endLogs(served), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
        process.exit(0);
      },
      (error: unknown) => {
        served.log.error({ err: error }, 'shutdown failed');
        flushLogs(served);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return app;
}
