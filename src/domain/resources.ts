import type { Level } from './levels.ts';
import type { ComponentStatus } from './component-status.ts';

/** The resources of the Stashboard model, as use cases see them. */
export interface ServiceList {
  id: number;
  slug: string;
  name: string;
  description: string;
  /** Display order among lists (domain/ordering.ts); 0 = none set. */
  position: number;
  /** The v2 group id (12 characters, stable across renames). */
  componentId: string;
  createdAt: number;
  /** The last edit (creation if none). */
  updatedAt: number;
}

export interface Status {
  id: number;
  slug: string;
  name: string;
  description: string;
  level: Level;
  /** A name from the status image set. */
  image: string;
  isDefault: boolean;
  /** What it means in Statuspage's vocabulary (contract §7.3). */
  componentStatus: ComponentStatus;
  /** When componentStatus last changed; 0 if never since creation. */
  componentStatusAt: number;
}

export interface StatusEvent {
  id: number;
  sid: string;
  serviceId: number;
  serviceSlug: string;
  message: string;
  informational: boolean;
  timestamp: number;
  status: Status;
  /** Who posted it: a token name, an OAuth client, a user. Never shown on the public mount. */
  author: string;
  /** The incident (or maintenance) whose update posted it; admin mount only. */
  incident?: { id: string; name: string; kind: 'incident' | 'maintenance' } | null;
}

export interface Service {
  id: number;
  slug: string;
  name: string;
  description: string;
  list: ServiceList | null;
  /** Display order within its list (domain/ordering.ts); 0 = none set. */
  position: number;
  currentEvent: StatusEvent | null;
  /** The v2 component id (12 characters, stable across renames). */
  componentId: string;
  createdAt: number;
  /** The last edit (creation if none). */
  updatedAt: number;
}

export type TokenScope = 'admin' | 'events';
export const TOKEN_SCOPES: readonly TokenScope[] = ['admin', 'events'];

export interface ApiToken {
  id: string;
  name: string;
  scope: TokenScope;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}
