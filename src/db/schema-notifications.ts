import type { Generated } from 'kysely';
import type { ChannelKind } from '../domain/channels.ts';

/** Tables of outbound notifications (migration 2026-11-26-05). Instants are ms; booleans 0/1. */
export interface NotificationChannelsTable {
  id: Generated<number>;
  kind: ChannelKind;
  name: string;
  target: string;
  secret: Generated<string>;
  services: string | null;
  include_notes: Generated<number>;
  consecutive_failures: Generated<number>;
  paused_at: number | null;
  pause_reason: Generated<string>;
  created_at: number;
  /** stashboard | statuspage (webhooks), migration 2026-11-27-03. */
  format: Generated<string>;
}

export interface SubscribersTable {
  id: Generated<number>;
  email: string;
  services: string | null;
  pending_services: string | null;
  confirmed_at: number | null;
  created_at: number;
}

export interface SubscriberTokensTable {
  token_hash: string;
  subscriber_id: number;
  purpose: string;
  created_at: number;
}

export interface SubscriptionRequestsTable {
  id: Generated<number>;
  key: string;
  at: number;
}

export interface OutboxTable {
  id: Generated<number>;
  topic: string;
  service_slug: Generated<string>;
  informational: Generated<number>;
  subscriber_id: number | null;
  payload: string;
  created_at: number;
  planned_at: number | null;
}

export interface DeliveriesTable {
  id: Generated<number>;
  outbox_id: number;
  channel_id: number | null;
  subscriber_id: number | null;
  state: string;
  attempts: Generated<number>;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  delivered_at: number | null;
  last_error: Generated<string>;
  created_at: number;
  /** The exact body the delivery sends (every attempt), written when planned; migration 2026-11-27-03. */
  payload: string | null;
}

export interface DeliveryAttemptsTable {
  id: Generated<number>;
  delivery_id: number;
  channel_id: number | null;
  at: number;
  duration_ms: number;
  ok: number;
  status_code: number | null;
  error: Generated<string>;
}

export interface NotificationTables {
  notification_channels: NotificationChannelsTable;
  subscribers: SubscribersTable;
  subscriber_tokens: SubscriberTokensTable;
  subscription_requests: SubscriptionRequestsTable;
  outbox: OutboxTable;
  deliveries: DeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
}
