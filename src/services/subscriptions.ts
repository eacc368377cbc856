import { checkEmail } from '../domain/accounts.ts';
import { Invalid, NotFound } from '../domain/errors.ts';
import { parseServiceSlugs } from '../domain/channels.ts';
import { allServices } from '../db/repositories/services.ts';
import * as subscribers from '../db/repositories/subscribers.ts';
import { deleteSubscriberTokens, findSubscriberToken } from '../db/repositories/subscriber-tokens.ts';
import { recordSubscriptionRequest } from '../db/repositories/subscription-requests.ts';
import { insertOutboxEntry } from '../db/repositories/outbox.ts';
import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import { subscriberDeliveries } from '../db/repositories/deliveries.ts';
import type { DeliveryHistoryEntry } from '../domain/deliveries.ts';
import type { Actor, Context } from './context.ts';
import { authorOf } from './context.ts';
import { authorize } from './fields.ts';
import { hashLinkToken } from './link-tokens.ts';
import { inTransaction } from './transaction.ts';
import { readSmtpSettings } from './smtp-settings.ts';
import { smtpConfigured } from '../domain/smtp-settings.ts';

export type { Subscriber } from '../domain/subscribers.ts';

const VISITOR: Actor = { kind: 'system', name: 'visitor', scope: 'subscriber' };

/** Subscription requests allowed per hour: per client address, and per email address. */
export const SUBSCRIBE_LIMITS = { windowMs: 60 * 60_000, perAddress: 10, perEmail: 3 } as const;
/** A confirmation link works for a week. */
export const CONFIRM_TOKEN_MS = 7 * 24 * 60 * 60_000;

/** A subscription request could not be taken: too many recently (the page says to wait). */
export class TooManyRequests extends Invalid {}

/**
 * Records a visitor's wish to be emailed about `services` (none: every service) and queues
 * the confirmation email. Nothing else is ever sent before its link is opened. The answer
 * is the same whether or not the address was already subscribed (no address probing).
 */
export async function subscribe(
  ctx: Context,
  input: { email?: string; services?: unknown; address: string },
): Promise<void> {
  const email = checkEmail(input.email);
  const now = ctx.clock.now();
  // Counted outside the transaction below, so that refused requests count too.
  const counts = await recordSubscriptionRequest(
    ctx.database.db,
    [`address:${input.address}`, `email:${email}`],
    now,
    now - SUBSCRIBE_LIMITS.windowMs,
  );
  if (
    (counts.get(`address:${input.address}`) ?? 0) > SUBSCRIBE_LIMITS.perAddress ||
    (counts.get(`email:${email}`) ?? 0) > SUBSCRIBE_LIMITS.perEmail
  ) {
    throw new TooManyRequests('Too many subscription requests; try again in an hour', 'email');
  }
  await inTransaction(ctx, VISITOR, async (trx) => {
    const chosen = parseServiceSlugs(input.services);
    let services: string[] | null = null;
    if (chosen !== null) {
      const known = new Set((await allServices(trx)).map((s) => s.slug));
      services = chosen.filter((s) => known.has(s));
      if (services.length === 0)
        throw new Invalid('choose at least one existing service, or every service', 'services');
    }
    const id = await subscribers.upsertPendingSubscriber(trx, email, services, now);
    await insertOutboxEntry(trx, {
      topic: 'subscription.confirm',
      serviceSlug: '',
      informational: false,
      subscriberId: id,
      payload: '{}',
      createdAt: now,
    });
  });
}

async function subscriberForToken(ctx: Context, token: string, purpose: 'confirm' | 'unsubscribe') {
  if (token === '' || token.length > 200) return undefined;
  const found = await findSubscriberToken(ctx.database.db, hashLinkToken(token));
  if (!found) return undefined;
  // A confirmation link may also unsubscribe (someone subscribed an address that did not want it).
  if (found.purpose !== purpose && !(purpose === 'unsubscribe' && found.purpose === 'confirm')) return undefined;
  if (found.purpose === 'confirm' && found.createdAt + CONFIRM_TOKEN_MS < ctx.clock.now()) return undefined;
  return subscribers.findSubscriber(ctx.database.db, found.subscriberId);
}

/** Opens a confirmation link: the subscription (or its new choice of services) takes effect. */
export async function confirmSubscription(ctx: Context, token: string): Promise<subscribers.Subscriber> {
  const subscriber = await subscriberForToken(ctx, token, 'confirm');
  if (!subscriber) throw new NotFound('This confirmation link is unknown or has expired; subscribe again');
  return inTransaction(ctx, VISITOR, async (trx) => {
    await subscribers.confirmSubscriber(trx, subscriber.id, ctx.clock.now());
    await deleteSubscriberTokens(trx, subscriber.id, 'confirm');
    await insertAuditEntries(trx, [
      {
        at: ctx.clock.now(),
        actor: 'system:visitor',
        action: 'subscriber.confirmed',
        target: `subscriber:${subscriber.id}`,
      },
    ]);
    return (await subscribers.findSubscriber(trx, subscriber.id))!;
  });
}

/** Whether an unsubscribe link is still good (the page asks before acting on a GET). */
export async function checkUnsubscribeToken(ctx: Context, token: string): Promise<boolean> {
  return (await subscriberForToken(ctx, token, 'unsubscribe')) !== undefined;
}

/** Follows an unsubscribe link: the subscriber and all their links are forgotten. Idempotent. */
export async function unsubscribe(ctx: Context, token: string): Promise<boolean> {
  const subscriber = await subscriberForToken(ctx, token, 'unsubscribe');
  if (!subscriber) return false;
  await inTransaction(ctx, VISITOR, async (trx) => {
    await subscribers.deleteSubscriber(trx, subscriber.id);
    await insertAuditEntries(trx, [
      {
        at: ctx.clock.now(),
        actor: 'system:visitor',
        action: 'subscriber.unsubscribed',
        target: `subscriber:${subscriber.id}`,
      },
    ]);
  });
  return true;
}

export async function listSubscribers(ctx: Context, actor: Actor): Promise<subscribers.Subscriber[]> {
  authorize(actor, 'configuration.read');
  return subscribers.allSubscribers(ctx.database.db);
}

export async function removeSubscriber(ctx: Context, actor: Actor, id: number): Promise<void> {
  authorize(actor, 'notifications.configure');
  await inTransaction(ctx, actor, async (trx) => {
    if (!(await subscribers.deleteSubscriber(trx, id))) throw new NotFound(`Subscriber ${id} does not exist`);
    await insertAuditEntries(trx, [
      { at: ctx.clock.now(), actor: authorOf(actor), action: 'subscriber.removed', target: `subscriber:${id}` },
    ]);
  });
}

/** A subscriber's latest emails (confirmation and notifications), each with what it said and every attempt. */
export async function subscriberHistory(
  ctx: Context,
  actor: Actor,
  id: number,
  limit = 50,
): Promise<DeliveryHistoryEntry[]> {
  authorize(actor, 'configuration.read');
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Invalid('limit must be from 1 to 500', 'limit');
  if (!(await subscribers.findSubscriber(ctx.database.db, id))) throw new NotFound(`Subscriber ${id} does not exist`);
  return subscriberDeliveries(ctx.database.db, id, limit);
}

/**
 * The subscription behind a link from an email (the same link token that unsubscribes), for
 * the "manage my subscription" page; undefined when the link is unknown.
 */
export async function subscriptionForLink(ctx: Context, token: string): Promise<subscribers.Subscriber | undefined> {
  return subscriberForToken(ctx, token, 'unsubscribe');
}

/** Changes which services a subscription covers (null: every service), from a link in one of its emails. */
export async function changeSubscription(
  ctx: Context,
  token: string,
  input: { services?: unknown },
): Promise<subscribers.Subscriber> {
  const subscriber = await subscriberForToken(ctx, token, 'unsubscribe');
  if (!subscriber) throw new NotFound('This link is unknown: the address may be unsubscribed already');
  return inTransaction(ctx, VISITOR, async (trx) => {
    const chosen = parseServiceSlugs(input.services);
    let services: string[] | null = null;
    if (chosen !== null) {
      const known = new Set((await allServices(trx)).map((s) => s.slug));
      services = chosen.filter((s) => known.has(s));
      if (services.length === 0)
        throw new Invalid('choose at least one existing service, or every service', 'services');
    }
    await subscribers.setSubscriberServices(trx, subscriber.id, services);
    await insertAuditEntries(trx, [
      {
        at: ctx.clock.now(),
        actor: 'system:visitor',
        action: 'subscriber.changed',
        target: `subscriber:${subscriber.id}`,
      },
    ]);
    return (await subscribers.findSubscriber(trx, subscriber.id))!;
  });
}

/** Whether email can be sent at all: without SMTP settings the subscribe page says so instead of promising mail. */
export async function emailDeliveryConfigured(ctx: Context): Promise<boolean> {
  return smtpConfigured(await readSmtpSettings(ctx));
}
