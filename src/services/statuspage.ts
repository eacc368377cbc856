import { Invalid } from '../domain/errors.ts';
import {
  buildComponents,
  pageStatus,
  type IncidentImpact,
  type PageStatus,
  type PlacedComponent,
  type V2IncidentSource,
  type V2ServiceSource,
} from '../domain/statuspage-v2.ts';
import type { SiteSettings } from '../domain/site-settings.ts';
import type { Service } from '../domain/resources.ts';
import { allServices } from '../db/repositories/services.ts';
import { allLists } from '../db/repositories/lists.ts';
import { firstEventTimes } from '../db/repositories/events.ts';
import type { Context } from './context.ts';
import { getSiteSettings } from './site-settings.ts';
import { pageIdentity } from './page-id.ts';
import { incidentFeed } from './incident-feed.ts';

const UNRESOLVED = new Set(['investigating', 'identified', 'monitoring']);
const ACTIVE = new Set(['in_progress', 'verifying']);

/** Everything the Statuspage v2 answers read (contract §3, §4), read once per (cached) answer. */
export interface StatuspageModel {
  settings: SiteSettings;
  pageId: string;
  /** Latest of every component's, incident's and maintenance's updated_at and the last settings change. */
  updatedAt: number;
  components: PlacedComponent[];
  /** Every service (for `?services=` on status.json). */
  services: Service[];
  incidents: V2IncidentSource[];
  maintenances: V2IncidentSource[];
}

export async function statuspageModel(ctx: Context): Promise<StatuspageModel> {
  const settings = await getSiteSettings(ctx);
  const identity = await pageIdentity(ctx);
  const feed = await incidentFeed(ctx);
  const { services, lists, first } = await (async () => {
    const db = ctx.database.db;
    const [services, lists, first] = await Promise.all([allServices(db), allLists(db), firstEventTimes(db)]);
    return { services, lists, first };
  })();
  const sources: V2ServiceSource[] = services.map((s) => ({
    componentId: s.componentId,
    slug: s.slug,
    name: s.name,
    description: s.description,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    groupId: s.list?.componentId ?? null,
    position: s.position,
    current: s.currentEvent
      ? {
          componentStatus: s.currentEvent.status.componentStatus,
          componentStatusAt: s.currentEvent.status.componentStatusAt,
        }
      : null,
    newestEventAt: s.currentEvent?.timestamp ?? null,
    firstEventAt: first.get(s.id) ?? null,
    inMaintenance: feed.activeMaintenance.has(s.id),
    windowChangedAt: feed.activeMaintenance.get(s.id) ?? null,
  }));
  const components = buildComponents(identity.id, settings.timeZone, sources, lists);
  const updatedAt = Math.max(
    identity.settingsChangedAt,
    ...components.map((c) => c.updatedAt),
    ...feed.incidents.map((i) => i.updatedAt),
    ...feed.maintenances.map((m) => m.updatedAt),
  );
  return {
    settings,
    pageId: identity.id,
    updatedAt,
    components,
    services,
    incidents: feed.incidents,
    maintenances: feed.maintenances,
  };
}

export function unresolvedIncidents(model: StatuspageModel): V2IncidentSource[] {
  return model.incidents.filter((i) => UNRESOLVED.has(i.status));
}

const byScheduledForAscending = (a: V2IncidentSource, b: V2IncidentSource) =>
  a.scheduledFor! - b.scheduledFor! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Maintenances `scheduled`, `in_progress` or `verifying`, by scheduled_for ascending, ties id (summary.json). */
export function openMaintenances(model: StatuspageModel): V2IncidentSource[] {
  return model.maintenances
    .filter((m) => m.status === 'scheduled' || ACTIVE.has(m.status))
    .sort(byScheduledForAscending);
}

export function upcomingMaintenances(model: StatuspageModel): V2IncidentSource[] {
  return model.maintenances.filter((m) => m.status === 'scheduled').sort(byScheduledForAscending);
}

export function activeMaintenances(model: StatuspageModel): V2IncidentSource[] {
  return model.maintenances.filter((m) => ACTIVE.has(m.status)).sort(byScheduledForAscending);
}

/**
 * The page status over the leaves (contract §4.2); `serviceSlugs` narrows them (status.json
 * `?services=`); an unknown slug is Invalid.
 */
export function statusOf(model: StatuspageModel, serviceSlugs?: readonly string[]): PageStatus {
  let leaves = model.components.filter((c) => c.slug !== null);
  if (serviceSlugs !== undefined) {
    const known = new Set(leaves.map((c) => c.slug));
    const unknown = serviceSlugs.filter((s) => !known.has(s));
    if (unknown.length > 0)
      throw new Invalid(
        `services names unknown service ${unknown.map((s) => JSON.stringify(s)).join(', ')}`,
        'services',
      );
    const wanted = new Set(serviceSlugs);
    leaves = leaves.filter((c) => wanted.has(c.slug!));
  }
  const impacts = unresolvedIncidents(model).map((i) => i.impact as IncidentImpact);
  return pageStatus(
    leaves.map((c) => c.json.status),
    impacts,
  );
}
