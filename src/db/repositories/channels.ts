import type { Selectable } from 'kysely';
import type { Db } from '../connect.ts';
import type { NotificationChannelsTable } from '../schema-notifications.ts';
import type { Channel } from '../../domain/channels.ts';

type ChannelRow = Selectable<NotificationChannelsTable>;

function toChannel(row: ChannelRow): Channel {
  const kind = row.kind;
  return {
    id: row.id,
    kind,
    name: row.name,
    url: kind === 'email' ? null : row.target,
    addresses: kind === 'email' ? row.target.split('\n').filter(Boolean) : [],
    secret: row.secret,
    services: row.services === null ? null : (JSON.parse(row.services) as string[]),
    notes: Number(row.include_notes) === 1,
    format: row.format === 'statuspage' ? 'statuspage' : 'stashboard',
    consecutiveFailures: Number(row.consecutive_failures),
    pausedAt: row.paused_at === null ? null : Number(row.paused_at),
    pauseReason: row.pause_reason,
    createdAt: Number(row.created_at),
  };
}

/** What an admin sets on a channel; the rest (id, failures, pause, creation) the system keeps. */
export type ChannelFields = Pick<
  Channel,
  'kind' | 'name' | 'url' | 'addresses' | 'secret' | 'services' | 'notes' | 'format'
>;

function targetOf(fields: Pick<ChannelFields, 'kind' | 'url' | 'addresses'>): string {
  return fields.kind === 'email' ? fields.addresses.join('\n') : (fields.url ?? '');
}

export async function allChannels(db: Db): Promise<Channel[]> {
  const rows = await db.selectFrom('notification_channels').selectAll().orderBy('name').orderBy('id').execute();
  return rows.map(toChannel);
}

export async function findChannel(db: Db, id: number): Promise<Channel | undefined> {
  const row = await db.selectFrom('notification_channels').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toChannel(row);
}

export async function insertChannel(db: Db, fields: ChannelFields, createdAt: number): Promise<number> {
  const row = await db
    .insertInto('notification_channels')
    .values({
      kind: fields.kind,
      name: fields.name,
      target: targetOf(fields),
      secret: fields.secret,
      services: fields.services === null ? null : JSON.stringify(fields.services),
      include_notes: fields.notes ? 1 : 0,
      format: fields.format,
      created_at: createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateChannel(db: Db, id: number, fields: ChannelFields): Promise<void> {
  await db
    .updateTable('notification_channels')
    .set({
      name: fields.name,
      target: targetOf(fields),
      secret: fields.secret,
      services: fields.services === null ? null : JSON.stringify(fields.services),
      include_notes: fields.notes ? 1 : 0,
      format: fields.format,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteChannel(db: Db, id: number): Promise<void> {
  await db.deleteFrom('notification_channels').where('id', '=', id).execute();
}

export async function resumeChannel(db: Db, id: number): Promise<void> {
  await db
    .updateTable('notification_channels')
    .set({ paused_at: null, pause_reason: '', consecutive_failures: 0 })
    .where('id', '=', id)
    .execute();
}

export async function recordChannelSuccess(db: Db, id: number): Promise<void> {
  await db.updateTable('notification_channels').set({ consecutive_failures: 0 }).where('id', '=', id).execute();
}

/**
 * Counts a failure; pauses the channel when the count reaches `pauseAfter`. Returns true
 * when this call paused it (so the admin is told once).
 */
export async function recordChannelFailure(
  db: Db,
  id: number,
  pauseAfter: number,
  now: number,
  reason: string,
): Promise<boolean> {
  const row = await db
    .updateTable('notification_channels')
    .set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1) }))
    .where('id', '=', id)
    .returning(['consecutive_failures', 'paused_at'])
    .executeTakeFirst();
  if (!row || row.paused_at !== null || Number(row.consecutive_failures) < pauseAfter) return false;
  const paused = await db
    .updateTable('notification_channels')
    .set({ paused_at: now, pause_reason: reason })
    .where('id', '=', id)
    .where('paused_at', 'is', null)
    .executeTakeFirst();
  return Number(paused.numUpdatedRows) > 0;
}
