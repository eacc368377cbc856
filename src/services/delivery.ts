import { createHmac } from 'node:crypto';
import { messageOf } from '../domain/errors.ts';
import { performance } from 'node:perf_hooks';
import type { Channel } from '../domain/channels.ts';
import {
  idempotencyKey,
  isComponentTopic,
  isIncidentTopic,
  wantsIncidentNotification,
  wantsNotification,
  type ComponentNotification,
  type EventNotification,
  type IncidentNotification,
} from '../domain/notifications.ts';
import { retryDelay, type DeliveryPolicy } from '../domain/delivery-policy.ts';
import { smtpConfigured, type SmtpSettings } from '../domain/smtp-settings.ts';
import { allChannels, recordChannelFailure, recordChannelSuccess } from '../db/repositories/channels.ts';
import { findOutboxPayloads, markPlanned, unplannedEntries, type OutboxEntry } from '../db/repositories/outbox.ts';
import {
  claimDueDeliveries,
  insertAttempts,
  insertDeliveries,
  markDelivered,
  markFailed,
  releaseClaim,
  type DueDelivery,
} from '../db/repositories/deliveries.ts';
import { confirmedSubscriberPage, findSubscriber, type Subscriber } from '../db/repositories/subscribers.ts';
import { insertSubscriberTokens } from '../db/repositories/subscriber-tokens.ts';
import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import { webhookBody, type NotificationLinks } from '../notifications/webhook-body.ts';
import { slackMessage } from '../notifications/slack-message.ts';
import { confirmationEmail, eventEmail } from '../notifications/emails.ts';
import {
  incidentEmail,
  incidentSlackMessage,
  incidentWebhookBody,
  statuspageIncidentBody,
} from '../notifications/incident-bodies.ts';
import {
  maintenanceEmail,
  maintenanceSlackMessage,
  maintenanceWebhookBody,
  statuspageMaintenanceBody,
} from '../notifications/maintenance-bodies.ts';
import { statuspageComponentBody } from '../notifications/component-bodies.ts';
import { isMaintenanceTopic, type MaintenanceNotification } from '../domain/maintenance.ts';
import { readSetting } from '../db/repositories/settings.ts';
import { PAGE_ID_KEY } from './page-id.ts';
import type { Db } from '../db/connect.ts';
import type { Context } from './context.ts';
import type { DeliveryTransports, OutgoingMail } from './delivery-transports.ts';
import { getSiteSettings } from './site-settings.ts';
import { readSmtpSettings } from './smtp-settings.ts';
import { newLinkToken } from './link-tokens.ts';

export interface DeliveryDeps {
  transports: DeliveryTransports;
  policy: DeliveryPolicy;
  /** Names this instance in leases: unique per process. */
  owner: string;
  /** The public base URL when the site settings name none. */
  fallbackBaseUrl: string;
  /** Deliveries claimed at once (default 50). */
  batchSize?: number;
  /** Deliveries sent at the same time (default 16). */
  concurrency?: number;
  /**
   * True once the process is shutting down: sends in progress finish and are recorded, the
   * rest of the batch is handed back at once (another instance may take it), no new batch.
   */
  stopping?: () => boolean;
  /** Told of every attempt's outcome (for metrics): the channel kind, or `subscriber`. */
  onAttempt?: (kind: string, ok: boolean) => void;
}

export interface DeliveryRun {
  planned: number;
  delivered: number;
  failed: number;
  /** Work was left for the next pass (the pass stopped at its bounds). */
  more: boolean;
}

/** Subscribers get status changes and notes of the services they chose, never withdrawals. */
const subscriberFilter = (s: Subscriber) => ({ services: s.services, notes: true, deletions: false });
/** Channels get what they were set up for; webhooks and Slack also hear of withdrawn events. */
const channelFilter = (c: Channel) => ({ services: c.services, notes: c.notes, deletions: c.kind !== 'email' });

/**
 * Writes the deliveries of notifications not planned yet: one per channel and per confirmed
 * subscriber that wants the notification. Idempotent: a (notification, recipient) pair is written once
 * whichever instance plans it, and the notification is marked planned in the same transaction.
 */
async function planNotifications(ctx: Context, deps: DeliveryDeps, now: number, limit: number): Promise<number> {
  // Bounded per pass, so that a flood of new notifications cannot starve the deliveries already due.
  const entries = await unplannedEntries(ctx.database.db, limit);
  if (entries.length === 0) return 0;
  const channels = await allChannels(ctx.database.db);
  const byId = new Map(channels.map((c) => [c.id, c]));
  const site = await getSiteSettings(ctx);
  const links = { siteName: site.siteName, baseUrl: (site.siteUrl ?? deps.fallbackBaseUrl).replace(/\/$/, '') };
  const pageId = (await readSetting<string>(ctx.database.db, PAGE_ID_KEY)) ?? '';
  // Several notifications per transaction (one commit for a burst of events), but never more than
  // about PLAN_ROWS_PER_TRANSACTION deliveries, so a large subscriber list does not hold the write lock long.
  let next = 0;
  while (next < entries.length) {
    await ctx.database.db.transaction().execute(async (trx) => {
      let written = 0;
      const planned: number[] = [];
      while (next < entries.length && written < PLAN_ROWS_PER_TRANSACTION) {
        const entry = entries[next]!;
        // Each channel delivery's exact body is written now, once: every attempt sends it, and the admin can read it.
        const recipients = (await recipientsOf(trx, entry, channels)).map((r) => ({
          ...r,
          payload: r.channelId === null ? null : channelPayload(entry, byId.get(r.channelId)!, r, links, pageId),
        }));
        await insertDeliveries(trx, entry.id, recipients, now);
        planned.push(entry.id);
        written += recipients.length + 1;
        next += 1;
      }
      await markPlanned(trx, planned, now);
    });
  }
  return entries.length;
}

const PLAN_ROWS_PER_TRANSACTION = 1000;

/** The body a channel gets for a notification: webhook or Slack JSON, or the email list's message as JSON. */
function channelPayload(
  entry: OutboxEntry,
  channel: Channel,
  recipient: { channelId: number | null; subscriberId: number | null },
  links: NotificationLinks,
  pageId: string,
): string {
  const key = idempotencyKey(entry.id, recipient);
  if (isComponentTopic(entry.topic))
    return statuspageComponentBody(JSON.parse(entry.payload) as ComponentNotification, links, pageId);
  if (isMaintenanceTopic(entry.topic)) {
    const notification = JSON.parse(entry.payload) as MaintenanceNotification;
    if (channel.kind === 'email') return JSON.stringify(maintenanceEmail(notification, links));
    if (channel.kind === 'slack') return maintenanceSlackMessage(notification, links);
    return channel.format === 'statuspage'
      ? statuspageMaintenanceBody(notification, links, pageId)
      : maintenanceWebhookBody(notification, { id: key, notificationId: entry.id }, links, pageId);
  }
  if (isIncidentTopic(entry.topic)) {
    const notification = JSON.parse(entry.payload) as IncidentNotification;
    if (channel.kind === 'email') return JSON.stringify(incidentEmail(notification, links));
    if (channel.kind === 'slack') return incidentSlackMessage(notification, links);
    return channel.format === 'statuspage'
      ? statuspageIncidentBody(notification, links, pageId)
      : incidentWebhookBody(notification, { id: key, notificationId: entry.id }, links, pageId);
  }
  const notification = JSON.parse(entry.payload) as EventNotification;
  if (channel.kind === 'email') return JSON.stringify(eventEmail(notification, links));
  if (channel.kind === 'slack') return slackMessage(notification, links);
  return webhookBody(notification, { id: key, notificationId: entry.id }, links);
}

async function recipientsOf(
  db: Parameters<typeof confirmedSubscriberPage>[0],
  entry: OutboxEntry,
  channels: Channel[],
) {
  if (entry.topic === 'subscription.confirm') {
    // The address may have been removed before its confirmation went out.
    const subscriber = entry.subscriberId === null ? undefined : await findSubscriber(db, entry.subscriberId);
    return subscriber ? [{ channelId: null, subscriberId: subscriber.id }] : [];
  }
  const recipients: Array<{ channelId: number | null; subscriberId: number | null }> = [];
  const notification = { topic: entry.topic, serviceSlug: entry.serviceSlug, informational: entry.informational };
  if (isComponentTopic(entry.topic)) {
    // §11: component changes go to Statuspage-format webhooks only, filtered by the service.
    for (const channel of channels)
      if (
        channel.kind === 'webhook' &&
        channel.format === 'statuspage' &&
        wantsNotification(channelFilter(channel), notification)
      )
        recipients.push({ channelId: channel.id, subscriberId: null });
    return recipients;
  }
  // §11: incident notifications follow their affected services; an event an incident posted is told
  // to email and Slack by the incident's own notification, and Statuspage-format webhooks hear of incidents only.
  const incident =
    isIncidentTopic(entry.topic) || isMaintenanceTopic(entry.topic)
      ? (JSON.parse(entry.payload) as { services: string[] })
      : undefined;
  const byIncident = incident === undefined && (JSON.parse(entry.payload) as EventNotification).incident != null;
  const wants = (filter: ReturnType<typeof channelFilter>, kind: Channel['kind'] | 'subscriber', format?: string) => {
    if (incident) return wantsIncidentNotification(filter, incident.services);
    if (format === 'statuspage') return false;
    if (byIncident && kind !== 'webhook') return false;
    return wantsNotification(filter, notification);
  };
  for (const channel of channels)
    if (wants(channelFilter(channel), channel.kind, channel.format))
      recipients.push({ channelId: channel.id, subscriberId: null });
  let after = 0;
  for (;;) {
    const page = await confirmedSubscriberPage(db, after, 1000);
    for (const s of page)
      if (wants(subscriberFilter(s), 'subscriber')) recipients.push({ channelId: null, subscriberId: s.id });
    if (page.length < 1000) break;
    after = page[page.length - 1]!.id;
  }
  return recipients;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, as documented in docs/notifications.md. */
export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

interface Outcome {
  ok: boolean;
  statusCode: number | null;
  error: string;
  durationMs: number;
  /** An email to a subscriber as sent (its one-time link token hidden), kept as the delivery's payload. */
  sent?: string;
}

/**
 * What a subscriber's email said, for the delivery history: recipient, subject, text and HTML,
 * with the one-time link token hidden (only its hash is stored; the link must not be usable from the record).
 */
function sentRecord(mail: OutgoingMail, token: string): string {
  const hide = (text: string | undefined) =>
    text === undefined ? undefined : text.split(encodeURIComponent(token)).join('[token]').split(token).join('[token]');
  return JSON.stringify({
    to: mail.to,
    subject: mail.subject,
    text: hide(mail.text),
    html: hide(mail.html),
  });
}

interface BatchContext {
  links: NotificationLinks;
  smtp: SmtpSettings;
  channels: Map<number, Channel>;
  subscribers: Map<number, Subscriber>;
  payloads: Map<number, { topic: string; payload: string }>;
  /** Raw link tokens made for this batch, by delivery id (their hashes are stored first). */
  tokens: Map<number, string>;
  /** Channels paused during this batch: their remaining deliveries are given back untried. */
  paused: Set<number>;
  pageId: string;
  now: number;
}

async function send(deps: DeliveryDeps, batch: BatchContext, delivery: DueDelivery): Promise<Outcome> {
  const started = performance.now();
  const done = (ok: boolean, statusCode: number | null, error = ''): Outcome => ({
    ok,
    statusCode,
    error,
    durationMs: performance.now() - started,
  });
  try {
    const entry = batch.payloads.get(delivery.outboxId);
    if (!entry) return done(false, null, 'the notice no longer exists');
    const key = idempotencyKey(delivery.outboxId, delivery);
    if (delivery.channelId !== null) {
      const channel = batch.channels.get(delivery.channelId);
      if (!channel) return done(false, null, 'the channel no longer exists');
      const topic = entry.topic;
      // Deliveries planned before payloads were recorded are rendered now.
      const payload =
        delivery.payload ??
        channelPayload(
          {
            id: delivery.outboxId,
            topic,
            payload: entry.payload,
            serviceSlug: '',
            informational: false,
            subscriberId: null,
            createdAt: 0,
          },
          channel,
          delivery,
          batch.links,
          batch.pageId,
        );
      if (channel.kind === 'email') {
        if (!smtpConfigured(batch.smtp)) return done(false, null, 'SMTP is not configured');
        const content = JSON.parse(payload) as ReturnType<typeof eventEmail>;
        await deps.transports.sendMail(batch.smtp, {
          to: [],
          bcc: channel.addresses,
          ...content,
          headers: { 'X-Stashboard-Delivery': key },
        });
        return done(true, null);
      }
      const timestamp = Math.floor(batch.now / 1000);
      const body = payload;
      const headers: Record<string, string> = {
        'idempotency-key': key,
        'x-stashboard-delivery': key,
        'x-stashboard-event': topic,
      };
      if (channel.kind === 'webhook') {
        headers['x-stashboard-timestamp'] = String(timestamp);
        headers['x-stashboard-signature'] = webhookSignature(channel.secret, timestamp, body);
      }
      const answer = await deps.transports.postJson(channel.url!, body, headers);
      const ok = answer.status >= 200 && answer.status < 300;
      return done(ok, answer.status, ok ? '' : `HTTP ${answer.status}`);
    }
    const subscriber = batch.subscribers.get(delivery.subscriberId!);
    if (!subscriber) return done(false, null, 'the subscriber no longer exists');
    if (!smtpConfigured(batch.smtp)) return done(false, null, 'SMTP is not configured');
    const token = batch.tokens.get(delivery.id)!;
    let mail: OutgoingMail;
    if (entry.topic === 'subscription.confirm') {
      const url = `${batch.links.baseUrl}/subscribe/confirm?token=${encodeURIComponent(token)}`;
      mail = { to: [subscriber.email], ...confirmationEmail(batch.links, url, subscriber.pendingServices) };
    } else {
      const url = `${batch.links.baseUrl}/unsubscribe?token=${encodeURIComponent(token)}`;
      const content = isMaintenanceTopic(entry.topic)
        ? maintenanceEmail(JSON.parse(entry.payload) as MaintenanceNotification, batch.links, url)
        : isIncidentTopic(entry.topic)
          ? incidentEmail(JSON.parse(entry.payload) as IncidentNotification, batch.links, url)
          : eventEmail(
              JSON.parse(entry.payload) as EventNotification,
              batch.links,
              url,
              `${batch.links.baseUrl}/subscribe/manage?token=${encodeURIComponent(token)}`,
            );
      mail = {
        to: [subscriber.email],
        ...content,
        headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      };
    }
    mail.headers = { ...mail.headers, 'X-Stashboard-Delivery': key };
    const sent = sentRecord(mail, token);
    try {
      await deps.transports.sendMail(batch.smtp, mail);
    } catch (error) {
      return { ...done(false, null, messageOf(error)), sent };
    }
    return { ...done(true, null), sent };
  } catch (error) {
    return done(false, null, messageOf(error));
  }
}

/**
 * Records an attempt and its consequence in one transaction: delivered, or the next
 * attempt scheduled with back-off (or given up); the channel's failure count, and a pause
 * (with an audit entry) when it reaches the policy's limit. Nothing is recorded when the
 * lease was lost: the instance that holds it now records its own attempt.
 */
async function record(
  trx: Db,
  deps: DeliveryDeps,
  delivery: DueDelivery,
  outcome: Outcome,
  now: number,
): Promise<boolean> {
  {
    const { policy } = deps;
    let marked: boolean;
    if (outcome.ok) {
      marked = await markDelivered(trx, delivery.id, deps.owner, now, outcome.sent);
    } else {
      const nextAt = delivery.attempts >= policy.maxAttempts ? null : now + retryDelay(policy, delivery.attempts);
      marked = await markFailed(trx, delivery.id, deps.owner, outcome.error, nextAt, outcome.sent);
    }
    if (!marked) return false;
    await insertAttempts(trx, [
      {
        deliveryId: delivery.id,
        channelId: delivery.channelId,
        at: now,
        durationMs: outcome.durationMs,
        ok: outcome.ok,
        statusCode: outcome.statusCode,
        error: outcome.error,
      },
    ]);
    if (delivery.channelId === null) return false;
    if (outcome.ok) {
      await recordChannelSuccess(trx, delivery.channelId);
      return false;
    }
    const reason = `${policy.pauseAfterFailures} failed attempts in a row; the last: ${outcome.error}`.slice(0, 500);
    if (!(await recordChannelFailure(trx, delivery.channelId, policy.pauseAfterFailures, now, reason))) return false;
    await insertAuditEntries(trx, [
      {
        at: now,
        actor: 'system:delivery',
        action: 'channel.paused',
        target: String(delivery.channelId),
        detail: reason,
      },
    ]);
    return true;
  }
}

/**
 * Group commit: outcomes that finish while a commit is running are recorded together in
 * the next one. Each sender waits for the commit that holds its outcome before it counts
 * the delivery done, so at most the outcomes of one commit are at stake in a crash.
 */
class Recorder {
  #queue: Array<{
    delivery: DueDelivery;
    outcome: Outcome;
    settle: (paused: boolean) => void;
    fail: (e: unknown) => void;
  }> = [];
  #flushing = false;

  constructor(
    private readonly ctx: Context,
    private readonly deps: DeliveryDeps,
    private readonly now: number,
  ) {}

  record(delivery: DueDelivery, outcome: Outcome): Promise<boolean> {
    return new Promise((settle, fail) => {
      this.#queue.push({ delivery, outcome, settle, fail });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#queue.length > 0) {
      const items = this.#queue.splice(0);
      try {
        const paused = await this.ctx.database.db.transaction().execute(async (trx) => {
          const result: boolean[] = [];
          for (const item of items) result.push(await record(trx, this.deps, item.delivery, item.outcome, this.now));
          return result;
        });
        items.forEach((item, i) => item.settle(paused[i]!));
      } catch (error) {
        for (const item of items) item.fail(error);
      }
    }
    this.#flushing = false;
  }
}

async function runLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

/**
 * One pass of the worker: plans new notifications, then claims due deliveries in batches and
 * sends them, until none is due at `now`. Tests call it with a moved clock instead of waiting.
 */
export async function deliverDue(ctx: Context, deps: DeliveryDeps, now = ctx.clock.now()): Promise<DeliveryRun> {
  const PLAN_LIMIT = 100;
  const planned = await planNotifications(ctx, deps, now, PLAN_LIMIT);
  const run: DeliveryRun = { planned, delivered: 0, failed: 0, more: planned === PLAN_LIMIT };
  const batchSize = deps.batchSize ?? 50;
  for (let round = 0; ; round += 1) {
    if (round === 100) {
      run.more = true;
      break;
    }
    if (deps.stopping?.()) break;
    const due = await claimDueDeliveries(
      ctx.database.db,
      ctx.database.dialect,
      deps.owner,
      now,
      deps.policy.leaseMs,
      batchSize,
    );
    if (due.length === 0) break;
    const claimedAt = performance.now();
    const batch = await prepareBatch(ctx, deps, due, now);
    const recorder = new Recorder(ctx, deps, now);
    // A channel's deliveries go one after another, in notification order; channels and subscribers in parallel.
    const lanes = new Map<string, DueDelivery[]>();
    for (const d of due) {
      const key = d.channelId !== null ? `c${d.channelId}` : `d${d.id}`;
      lanes.set(key, [...(lanes.get(key) ?? []), d]);
    }
    await runLimited([...lanes.values()], deps.concurrency ?? 16, async (lane) => {
      for (const delivery of lane) {
        const leaseRunningOut = performance.now() - claimedAt > deps.policy.leaseMs / 2;
        const stopping = deps.stopping?.() ?? false;
        if (leaseRunningOut || stopping || (delivery.channelId !== null && batch.paused.has(delivery.channelId))) {
          run.more ||= leaseRunningOut;
          await releaseClaim(ctx.database.db, delivery.id, deps.owner);
          continue;
        }
        const outcome = await send(deps, batch, delivery);
        if (await recorder.record(delivery, outcome)) batch.paused.add(delivery.channelId!);
        deps.onAttempt?.(
          delivery.channelId === null ? 'subscriber' : (batch.channels.get(delivery.channelId)?.kind ?? 'unknown'),
          outcome.ok,
        );
        if (outcome.ok) run.delivered += 1;
        else run.failed += 1;
      }
    });
    if (due.length < batchSize) break;
  }
  return run;
}

async function prepareBatch(ctx: Context, deps: DeliveryDeps, due: DueDelivery[], now: number): Promise<BatchContext> {
  const db = ctx.database.db;
  const [site, smtp, channels, payloads] = await Promise.all([
    getSiteSettings(ctx),
    readSmtpSettings(ctx),
    allChannels(db),
    findOutboxPayloads(db, [...new Set(due.map((d) => d.outboxId))]),
  ]);
  const subscribers = new Map<number, Subscriber>();
  for (const id of new Set(due.map((d) => d.subscriberId).filter((id): id is number => id !== null))) {
    const s = await findSubscriber(db, id);
    if (s) subscribers.set(id, s);
  }
  // Each email to a subscriber carries a fresh link token; its hash is stored before the email leaves.
  const tokens = new Map<number, string>();
  const rows: Parameters<typeof insertSubscriberTokens>[1] = [];
  for (const d of due) {
    if (d.subscriberId === null || !subscribers.has(d.subscriberId)) continue;
    const { token, hash } = newLinkToken(ctx);
    tokens.set(d.id, token);
    const purpose = payloads.get(d.outboxId)?.topic === 'subscription.confirm' ? 'confirm' : 'unsubscribe';
    rows.push({ tokenHash: hash, subscriberId: d.subscriberId, purpose, createdAt: now });
  }
  await insertSubscriberTokens(db, rows);
  return {
    links: { siteName: site.siteName, baseUrl: (site.siteUrl ?? deps.fallbackBaseUrl).replace(/\/$/, '') },
    smtp,
    channels: new Map(channels.map((c) => [c.id, c])),
    subscribers,
    payloads,
    tokens,
    paused: new Set(),
    pageId: (await readSetting<string>(db, PAGE_ID_KEY)) ?? '',
    now,
  };
}
