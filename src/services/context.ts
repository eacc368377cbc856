import type { Database } from '../db/connect.ts';
import type { ChangeBus } from '../changes/bus.ts';
import type { Freshness } from '../changes/freshness.ts';
import type { Change } from '../changes/bus.ts';
import type { Transaction } from 'kysely';
import type { Schema } from '../db/schema.ts';
import { isAutomationScope, type Actor, type Scope } from '../domain/permissions.ts';
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

/** Who is acting and what they may do (the table is domain/permissions.ts). */
export type { Actor };
/** An actor's scope (the name it had before the permission table). */
export type ActorScope = Scope;

export interface Context {
  database: Database;
  clock: Clock;
  ids: Ids;
  changes: ChangeBus;
  /** The configured site settings (flags/env); absent means the built-in defaults. Stored overrides apply on top. */
  site?: Readonly<SiteSettings>;
  /** Present where several instances share the database (PostgreSQL). */
  freshness?: Freshness;
  /**
   * Tells the other instances, inside the write's transaction, what it changed (PostgreSQL
   * delivers it to them at the commit, before the writer's client hears of it).
   */
  announce?: (trx: Transaction<Schema>, changes: readonly Change[], version: number) => Promise<void>;
}

export function authorOf(actor: Actor): string {
  // Automation names itself: `check:api-http`, `push`, `heartbeat`, `alertmanager:<groupKey>`.
  if (actor.kind === 'automation') return actor.name;
  return `${actor.kind}:${actor.name}`;
}

/** The automated source an actor speaks for, or undefined for a human (the escalation policy's distinction). */
export function automationSourceOf(actor: Actor): AutomationSource | undefined {
  if (isAutomationScope(actor.scope)) return actor.scope;
  return actor.scope === 'events' ? 'token' : undefined;
}
