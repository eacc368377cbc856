import { sql } from 'kysely';
import type { Db, Dialect } from '../connect.ts';
import type { DeliveryHistoryEntry } from '../../domain/deliveries.ts';

export interface DueDelivery {
  id: number;
  outboxId: number;
  channelId: number | null;
  subscriberId: number | null;
  /** Counting the attempt this claim is for. */
  attempts: number;
  /** The exact body written when the delivery was planned (channels), else null. */
  payload: string | null;
}

/** Writes deliveries; a (notification, recipient) pair that already has one is left alone. */
export async function insertDeliveries(
  db: Db,
  outboxId: number,
  recipients: Array<{ channelId: number | null; subscriberId: number | null; payload?: string | null }>,
  now: number,
): Promise<void> {
  const CHUNK = 500;
  for (let i = 0; i < recipients.length; i += CHUNK) {
    await db
      .insertInto('deliveries')
      .values(
        recipients.slice(i, i + CHUNK).map((r) => ({
          outbox_id: outboxId,
          channel_id: r.channelId,
          subscriber_id: r.subscriberId,
          payload: r.payload ?? null,
          state: 'pending',
          next_attempt_at: now,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/**
 * Claims up to `limit` due deliveries for `owner` until `now + leaseMs`, counting the attempt.
 * One UPDATE ... RETURNING: a row whose lease another instance took meanwhile fails the
 * re-checked WHERE and is skipped, so each delivery is claimed by one instance at a time.
 * Deliveries of a paused channel wait.
 */
export async function claimDueDeliveries(
  db: Db,
  dialect: Dialect,
  owner: string,
  now: number,
  leaseMs: number,
  limit: number,
): Promise<DueDelivery[]> {
  const free = sql`d.state = 'pending' and d.next_attempt_at <= ${now} and (d.lease_until is null or d.lease_until < ${now})
    and (d.channel_id is null or exists (select 1 from notification_channels c where c.id = d.channel_id and c.paused_at is null))`;
  // PostgreSQL: SKIP LOCKED lets instances claim different rows at once instead of queueing.
  const lock = dialect === 'postgres' ? sql` for update skip locked` : sql``;
  const result = await sql<{
    id: number;
    outbox_id: number;
    channel_id: number | null;
    subscriber_id: number | null;
    attempts: number;
    payload: string | null;
  }>`
    update deliveries set lease_owner = ${owner}, lease_until = ${now + leaseMs}, attempts = attempts + 1
    where id in (select d.id from deliveries d where ${free} order by d.next_attempt_at, d.id limit ${limit}${lock})
      and state = 'pending' and (lease_until is null or lease_until < ${now})
    returning id, outbox_id, channel_id, subscriber_id, attempts, payload`.execute(db);
  return result.rows
    .map((r) => ({
      id: r.id,
      outboxId: r.outbox_id,
      channelId: r.channel_id,
      subscriberId: r.subscriber_id,
      attempts: Number(r.attempts),
      payload: r.payload,
    }))
    .sort((a, b) => a.id - b.id);
}

/**
 * Marks a claimed delivery done; false when the lease was lost (another instance owns it now).
 * `sent`: what an email to a subscriber said (rendered at send time), kept as its payload.
 */
export async function markDelivered(db: Db, id: number, owner: string, now: number, sent?: string): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set({
      state: 'delivered',
      delivered_at: now,
      lease_owner: null,
      lease_until: null,
      last_error: '',
      ...(sent !== undefined ? { payload: sent } : {}),
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Schedules the next attempt, or gives up (`failed`) when `nextAt` is null. */
export async function markFailed(
  db: Db,
  id: number,
  owner: string,
  error: string,
  nextAt: number | null,
  sent?: string,
): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set({
      ...(sent !== undefined ? { payload: sent } : {}),
      state: nextAt === null ? 'failed' : 'pending',
      next_attempt_at: nextAt ?? sql`next_attempt_at`,
      lease_owner: null,
      lease_until: null,
      last_error: error.slice(0, 1000),
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface AttemptRecord {
  deliveryId: number;
  channelId: number | null;
  at: number;
  durationMs: number;
  ok: boolean;
  statusCode: number | null;
  error: string;
}

export async function insertAttempts(db: Db, attempts: AttemptRecord[]): Promise<void> {
  if (attempts.length === 0) return;
  await db
    .insertInto('delivery_attempts')
    .values(
      attempts.map((a) => ({
        delivery_id: a.deliveryId,
        channel_id: a.channelId,
        at: a.at,
        duration_ms: Math.round(a.durationMs),
        ok: a.ok ? 1 : 0,
        status_code: a.statusCode,
        error: a.error.slice(0, 1000),
      })),
    )
    .execute();
}

/** A channel's deliveries, newest first, each with its attempts. */
export async function channelDeliveries(db: Db, channelId: number, limit: number): Promise<DeliveryHistoryEntry[]> {
  return deliveriesTo(db, 'channel_id', channelId, limit);
}

/** A subscriber's deliveries (confirmation and notification emails), newest first, each with its attempts. */
export async function subscriberDeliveries(
  db: Db,
  subscriberId: number,
  limit: number,
): Promise<DeliveryHistoryEntry[]> {
  return deliveriesTo(db, 'subscriber_id', subscriberId, limit);
}

async function deliveriesTo(
  db: Db,
  column: 'channel_id' | 'subscriber_id',
  id: number,
  limit: number,
): Promise<DeliveryHistoryEntry[]> {
  const rows = await db
    .selectFrom('deliveries')
    .innerJoin('outbox', 'outbox.id', 'deliveries.outbox_id')
    .select([
      'deliveries.id',
      'deliveries.outbox_id',
      'outbox.topic',
      'deliveries.state',
      'deliveries.attempts',
      'deliveries.next_attempt_at',
      'deliveries.delivered_at',
      'deliveries.last_error',
      'deliveries.created_at',
      'deliveries.payload',
    ])
    .where(`deliveries.${column}`, '=', id)
    .orderBy('deliveries.id', 'desc')
    .limit(limit)
    .execute();
  const ids = rows.map((r) => r.id);
  const attempts =
    ids.length === 0
      ? []
      : await db.selectFrom('delivery_attempts').selectAll().where('delivery_id', 'in', ids).orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    outboxId: r.outbox_id,
    topic: r.topic,
    state: r.state,
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
    lastError: r.last_error,
    createdAt: Number(r.created_at),
    payload: r.payload,
    tries: attempts
      .filter((a) => a.delivery_id === r.id)
      .map((a) => ({
        at: Number(a.at),
        durationMs: Number(a.duration_ms),
        ok: Number(a.ok) === 1,
        statusCode: a.status_code,
        error: a.error,
      })),
  }));
}

/** Counts of deliveries by state (for the admin's overview and for tests waiting on the worker). */
export async function deliveryCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('deliveries')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('state')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

/** Gives a claimed delivery back untried (its channel was paused meanwhile): the claim's attempt is not counted. */
export async function releaseClaim(db: Db, id: number, owner: string): Promise<void> {
  await db
    .updateTable('deliveries')
    .set((eb) => ({ lease_owner: null, lease_until: null, attempts: eb('attempts', '-', 1) }))
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('state', '=', 'pending')
    .execute();
}
