import type { Database } from '../db/connect.ts';
import type { ChangeBus } from '../changes/bus.ts';
import type { Freshness } from '../changes/freshness.ts';
import type { TokenScope } from '../domain/resources.ts';
import type { SiteSettings } from '../domain/site-settings.ts';

export interface Clock {
  now(): number;
}

export interface Ids {
  /** Opaque, URL-safe, unique event id. */
  eventSid(): string;
  /** A short random identifier, lower-case hex (safe as a command-line argument). */
  shortId(): string;
  /** Random secret material, URL-safe. */
  secret(bytes: number): string;
}

/** What an actor may do: a token's scope, or `editor` (a user who may post and delete events and notes). */
export type ActorScope = TokenScope | 'editor';

/** Who is acting: recorded as the author of what they write. */
export interface Actor {
  kind: 'token' | 'oauth' | 'env-token' | 'user' | 'cli' | 'system';
  name: string;
  scope: ActorScope;
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
  return `${actor.kind}:${actor.name}`;
}
