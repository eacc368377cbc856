import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { Context } from '../services/context.ts';
import { AddressGuard } from '../outbound/address-guard.ts';
import { GuardedFetch } from '../outbound/guarded-fetch.ts';
import { SmtpMailer } from '../outbound/smtp-mailer.ts';
import { webhookPoster } from '../outbound/webhook-poster.ts';
import { DEFAULT_DELIVERY_POLICY } from '../domain/delivery-policy.ts';
import type { DeliveryTransports } from '../services/delivery-transports.ts';
import { startDeliveryWorker, type DeliveryWorker } from './delivery-worker.ts';

/**
 * The real outbound transports: webhooks, Slack and SMTP through the private-address guard
 * (with the operator's allow-list, as for checks).
 */
export function deliveryTransports(config: Readonly<Config>): { transports: DeliveryTransports; close(): void } {
  const guard = new AddressGuard({ allow: config.outboundAllow });
  const client = new GuardedFetch({ guard, userAgent: 'Stashboard-Notifications' });
  const mailer = new SmtpMailer(guard);
  return {
    transports: { postJson: webhookPoster(client), sendMail: (settings, mail) => mailer.send(settings, mail) },
    close: () => mailer.close(),
  };
}

/** Starts this instance's delivery worker; `stop` waits for the pass in progress. */
export function startDelivery(
  config: Readonly<Config>,
  ctx: Context,
  fallbackBaseUrl: string,
  log: { error(obj: object, msg: string): void },
  onAttempt?: (kind: string, ok: boolean) => void,
): { worker: DeliveryWorker; stop(): Promise<void> } {
  const { transports, close } = deliveryTransports(config);
  const n = config.notifications;
  const worker = startDeliveryWorker(
    ctx,
    {
      transports,
      policy: {
        ...DEFAULT_DELIVERY_POLICY,
        retryBaseMs: n.retryBaseMs,
        maxAttempts: n.maxAttempts,
        pauseAfterFailures: n.pauseAfterFailures,
        leaseMs: n.leaseMs,
      },
      owner: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
      fallbackBaseUrl,
      onAttempt,
    },
    { pollMs: n.pollMs, log },
  );
  return {
    worker,
    stop: async () => {
      await worker.stop();
      close();
    },
  };
}
