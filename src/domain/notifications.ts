import type { Level } from './levels.ts';

/** What happened, frozen when the event was written: every delivery of a notification says the same thing. */
export interface EventNotification {
  topic: 'event.created' | 'event.deleted';
  sid: string;
  service: { slug: string; name: string };
  status: { slug: string; name: string; description: string; level: Level; image: string };
  message: string;
  informational: boolean;
  /** The event's instant, ms. */
  timestamp: number;
  /** The incident whose update posted it (§7.2); absent on notifications written before incidents existed. */
  incident?: { id: string; name: string; kind: 'incident' | 'maintenance' } | null;
}

/**
 * An incident notification (§11), frozen when written: the incident as readers saw it right after the
 * change, the update it is about (null for a postmortem) and the page status then.
 */
export interface IncidentNotification {
  topic: 'incident.created' | 'incident.updated';
  /** The incident view (record, updates newest first, affected services, impact), JSON-safe. */
  view: unknown;
  updateId: string | null;
  /** Slugs of the affected services (channel and subscriber filters apply to them). */
  services: string[];
  page: { indicator: string; description: string };
  /** Status changes of this update, by service name: old and new status names. */
  changes: Array<{ service: string; from: string; to: string }>;
}

export function isIncidentTopic(topic: string): topic is IncidentNotification['topic'] {
  return topic === 'incident.created' || topic === 'incident.updated';
}

/** Incident notifications follow the services they affect; one without services goes only to unfiltered recipients. */
export function wantsIncidentNotification(
  filter: { services: readonly string[] | null },
  services: readonly string[],
): boolean {
  if (filter.services === null) return true;
  return services.some((s) => filter.services!.includes(s));
}

/** Which notifications a recipient (a channel or a subscriber) asked for. */
export interface NotificationFilter {
  /** Service slugs, or null for every service. */
  services: readonly string[] | null;
  /** Whether notes (informational events) are wanted, not only status changes. */
  notes: boolean;
  /** Whether removals of events are wanted. */
  deletions: boolean;
}

export function wantsNotification(
  filter: NotificationFilter,
  notification: { topic: string; serviceSlug: string; informational: boolean },
): boolean {
  if (filter.services !== null && !filter.services.includes(notification.serviceSlug)) return false;
  if (notification.informational && !filter.notes) return false;
  if (notification.topic === 'event.deleted' && !filter.deletions) return false;
  return true;
}

/** The key a receiver may dedupe on: the same for every attempt of one notification to one channel. */
export function idempotencyKey(
  outboxId: number,
  recipient: { channelId: number | null; subscriberId: number | null },
): string {
  return recipient.channelId !== null
    ? `${outboxId}.c${recipient.channelId}`
    : `${outboxId}.s${recipient.subscriberId}`;
}

/**
 * A component notification (§11 `component.updated`), frozen when written: a service's v2 status moved
 * (an event, a maintenance window's start or end, or a `component_status` edit of its current status).
 * Only Statuspage-format webhooks hear of it.
 */
export interface ComponentNotification {
  topic: 'component.updated';
  /** The component-update's own 12-character id. */
  id: string;
  /** When the change was made, ms. */
  at: number;
  oldStatus: string;
  newStatus: string;
  component: { id: string; slug: string; name: string; createdAt: number };
  /** The page status right after the change. */
  page: { indicator: string; description: string };
}

export function isComponentTopic(topic: string): topic is ComponentNotification['topic'] {
  return topic === 'component.updated';
}
