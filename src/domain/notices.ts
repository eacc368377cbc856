import type { Level } from './levels.ts';

/** What happened, frozen when the event was written: every delivery of a notice says the same thing. */
export interface EventNotice {
  topic: 'event.created' | 'event.deleted';
  sid: string;
  service: { slug: string; name: string };
  status: { slug: string; name: string; description: string; level: Level; image: string };
  message: string;
  informational: boolean;
  /** The event's instant, ms. */
  timestamp: number;
}

/** Which notices a recipient (a channel or a subscriber) asked for. */
export interface NoticeFilter {
  /** Service slugs, or null for every service. */
  services: readonly string[] | null;
  /** Whether notes (informational events) are wanted, not only status changes. */
  notes: boolean;
  /** Whether removals of events are wanted. */
  deletions: boolean;
}

export function wantsNotice(
  filter: NoticeFilter,
  notice: { topic: string; serviceSlug: string; informational: boolean },
): boolean {
  if (filter.services !== null && !filter.services.includes(notice.serviceSlug)) return false;
  if (notice.informational && !filter.notes) return false;
  if (notice.topic === 'event.deleted' && !filter.deletions) return false;
  return true;
}

/** The key a receiver may dedupe on: the same for every attempt of one notice to one channel. */
export function idempotencyKey(
  outboxId: number,
  recipient: { channelId: number | null; subscriberId: number | null },
): string {
  return recipient.channelId !== null
    ? `${outboxId}.c${recipient.channelId}`
    : `${outboxId}.s${recipient.subscriberId}`;
}
