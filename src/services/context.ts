import type { Database } from '../db/connect.ts';
import type { ChangeBus } from '../changes/bus.ts';
import type { Freshness } from '../changes/freshness.ts';
import type { TokenScope } from '../domain/resources.ts';
import type { SiteSettings } from '../domain/site-settings.ts';
import type { AutomationSource } from '../domain/escalation.ts';

export interface Clock {
  now(): number;
}

export interface Ids {
  /** Opaque, URL-safe, unique event id. */
  eventSid(): string;
  /** A short random identifier, lower-case hex (safe as a command-line argument). */
  shortId(): string;
  /** A v2 id (components, incidents, updates): 12 characters `[a-z0-9]`, random (domain/public-id.ts). */
  publicId(): string;
  /** Random secret material, URL-safe. */
  secret(bytes: number): string;
  /** True with the given probability (0 to 1): for housekeeping done now and then. */
  chance(probability: number): boolean;
}

/** What an actor may do: a token's scope, or `editor` (a user who may post and delete events and notes). */
export type ActorScope = TokenScope | 'editor';

/** Who is acting: recorded as the author of what they write. */
export interface Actor {
  kind: 'token' | 'oauth' | 'env-token' | 'user' | 'cli' | 'system' | 'automation';
  name: string;
  scope: ActorScope;
  /** Set on built-in automation (checks, push, heartbeat, Alertmanager): the escalation policy applies. */
  source?: AutomationSource;
}

export interface Context {
  database: Database;
  clock: Clock;
  ids: Ids;
  changes: ChangeBus;
  /** The configured site settings (flags/env); absent means the built-in defaults. Stored overrides apply on top. */
  site?: Readonly<SiteSettings>;
  /** Present where several instances share the database (PostgreSQL). */
  freshness?: Freshness;
}

export function authorOf(actor: Actor): string {
  // Automation names itself: `check:api-http`, `push`, `heartbeat`, `alertmanager:<groupKey>`.
  if (actor.kind === 'automation') return actor.name;
  return `${actor.kind}:${actor.name}`;
}

/** The automated source an actor speaks for, or undefined for a human (the escalation policy's distinction). */
export function automationSourceOf(actor: Actor): AutomationSource | undefined {
  if (actor.source !== undefined) return actor.source;
  return actor.kind === 'token' && actor.scope === 'events' ? 'token' : undefined;
}
