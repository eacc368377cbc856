import { NotFound, Invalid } from '../domain/errors.ts';
import {
  checkAddresses,
  checkChannelKind,
  checkChannelName,
  checkChannelUrl,
  parseServiceSlugs,
  type Channel,
  type ChannelKind,
  checkChannelFormat,
} from '../domain/channels.ts';
import { parseBoolean } from '../domain/fields.ts';
import * as channels from '../db/repositories/channels.ts';
import { allServices } from '../db/repositories/services.ts';
import { channelDeliveries } from '../db/repositories/deliveries.ts';
import type { DeliveryHistoryEntry } from '../domain/deliveries.ts';
import { insertAuditEntries } from '../db/repositories/audit-log.ts';
import type { Db } from '../db/connect.ts';
import { authorOf, type Actor, type Context } from './context.ts';
import { authorize } from './fields.ts';
import { inTransaction } from './transaction.ts';

export type { Channel, DeliveryHistoryEntry };

/** What the admin API and site send to create or change a channel (all text, as forms send it). */
export interface ChannelInput {
  kind?: string;
  name?: string;
  url?: string;
  addresses?: string;
  /** Slugs separated by commas, or a list; empty or absent: every service. */
  services?: unknown;
  /** Notes too, not only status changes. */
  notes?: unknown;
  /** Webhook only: a new signing secret is made when `true`. */
  rotateSecret?: unknown;
  /** `stashboard` (default) or, webhooks only, `statuspage` (§11). */
  format?: string;
}

/** Whether an update's input asks for a new signing secret (the one answer that may show it). */
export function rotatesSecret(input: ChannelInput): boolean {
  return flag('rotateSecret', input.rotateSecret);
}

function flag(name: string, value: unknown): boolean {
  return value === undefined || value === '' || value === null ? false : parseBoolean(name, value);
}

async function checkServices(db: Db, value: unknown): Promise<string[] | null> {
  const slugs = parseServiceSlugs(value);
  if (slugs === null) return null;
  const known = new Set((await allServices(db)).map((s) => s.slug));
  const unknown = slugs.find((s) => !known.has(s));
  if (unknown !== undefined) throw new Invalid(`service ${JSON.stringify(unknown)} does not exist`, 'services');
  return slugs;
}

function targetFields(kind: ChannelKind, input: ChannelInput) {
  return kind === 'email'
    ? { url: null, addresses: checkAddresses(input.addresses) }
    : { url: checkChannelUrl(input.url), addresses: [] };
}

async function audit(
  db: Db,
  ctx: Context,
  actor: Actor,
  action: string,
  channel: { id: number; name: string },
): Promise<void> {
  await insertAuditEntries(db, [
    { at: ctx.clock.now(), actor: authorOf(actor), action, target: String(channel.id), detail: channel.name },
  ]);
}

export async function listChannels(ctx: Context, actor: Actor): Promise<Channel[]> {
  authorize(actor, 'configuration.read');
  return channels.allChannels(ctx.database.db);
}

/** Paused channels: the admin site shows a banner while any exists. */
export async function pausedChannels(ctx: Context, actor: Actor): Promise<Channel[]> {
  return (await listChannels(ctx, actor)).filter((c) => c.pausedAt !== null);
}

export async function getChannel(ctx: Context, actor: Actor, id: number): Promise<Channel> {
  authorize(actor, 'configuration.read');
  const channel = await channels.findChannel(ctx.database.db, id);
  if (!channel) throw new NotFound(`Channel ${id} does not exist`);
  return channel;
}

export async function createChannel(ctx: Context, actor: Actor, input: ChannelInput): Promise<Channel> {
  authorize(actor, 'notifications.configure');
  const kind = checkChannelKind(input.kind);
  const name = checkChannelName(input.name);
  const target = targetFields(kind, input);
  const notes = flag('notes', input.notes);
  const format = checkChannelFormat(kind, input.format);
  return inTransaction(ctx, actor, async (trx) => {
    const services = await checkServices(trx, input.services);
    const secret = kind === 'webhook' ? ctx.ids.secret(32) : '';
    const id = await channels.insertChannel(
      trx,
      { kind, name, ...target, secret, services, notes, format },
      ctx.clock.now(),
    );
    await audit(trx, ctx, actor, 'channel.created', { id, name });
    return (await channels.findChannel(trx, id))!;
  });
}

/** Changes a channel; fields left out keep their values (the kind never changes). */
export async function updateChannel(ctx: Context, actor: Actor, id: number, input: ChannelInput): Promise<Channel> {
  authorize(actor, 'notifications.configure');
  return inTransaction(ctx, actor, async (trx) => {
    const current = await channels.findChannel(trx, id);
    if (!current) throw new NotFound(`Channel ${id} does not exist`);
    if (input.kind !== undefined && input.kind !== '' && input.kind !== current.kind) {
      throw new Invalid('kind cannot change: create a new channel instead', 'kind');
    }
    const name = input.name === undefined ? current.name : checkChannelName(input.name);
    const url = current.kind === 'email' || input.url === undefined ? current.url : checkChannelUrl(input.url);
    const addresses =
      current.kind !== 'email' || input.addresses === undefined ? current.addresses : checkAddresses(input.addresses);
    const services = input.services === undefined ? current.services : await checkServices(trx, input.services);
    const notes = input.notes === undefined ? current.notes : flag('notes', input.notes);
    const secret =
      current.kind === 'webhook' && flag('rotateSecret', input.rotateSecret) ? ctx.ids.secret(32) : current.secret;
    const format = input.format === undefined ? current.format : checkChannelFormat(current.kind, input.format);
    await channels.updateChannel(trx, id, {
      kind: current.kind,
      name,
      url,
      addresses,
      secret,
      services,
      notes,
      format,
    });
    await audit(trx, ctx, actor, 'channel.updated', { id, name });
    return (await channels.findChannel(trx, id))!;
  });
}

export async function deleteChannel(ctx: Context, actor: Actor, id: number): Promise<Channel> {
  authorize(actor, 'notifications.configure');
  return inTransaction(ctx, actor, async (trx) => {
    const current = await channels.findChannel(trx, id);
    if (!current) throw new NotFound(`Channel ${id} does not exist`);
    await channels.deleteChannel(trx, id);
    await audit(trx, ctx, actor, 'channel.deleted', current);
    return current;
  });
}

/** Resumes a paused channel: its waiting deliveries go out on the worker's next pass. */
export async function resumeChannel(ctx: Context, actor: Actor, id: number): Promise<Channel> {
  authorize(actor, 'notifications.configure');
  return inTransaction(ctx, actor, async (trx) => {
    const current = await channels.findChannel(trx, id);
    if (!current) throw new NotFound(`Channel ${id} does not exist`);
    await channels.resumeChannel(trx, id);
    await audit(trx, ctx, actor, 'channel.resumed', current);
    return (await channels.findChannel(trx, id))!;
  });
}

/** The channel's latest deliveries, each with every attempt (status code, error, duration). */
export async function channelHistory(
  ctx: Context,
  actor: Actor,
  id: number,
  limit = 50,
): Promise<DeliveryHistoryEntry[]> {
  authorize(actor, 'configuration.read');
  await getChannel(ctx, actor, id);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Invalid('limit must be from 1 to 500', 'limit');
  return channelDeliveries(ctx.database.db, id, limit);
}
