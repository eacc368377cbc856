import { v2UpdateSourceOf, type V2IncidentSource } from '../domain/statuspage-v2.ts';
import type { Context } from './context.ts';
import { listIncidents } from './incidents.ts';
import { maintenanceFeed } from './maintenances.ts';

/**
 * What the Statuspage v2 answers need from incidents and maintenances (contract §4), in one
 * place. Incidents come from the incidents read model; maintenances are not built yet.
 */
export interface IncidentFeed {
  /** Every incident, by started_at descending, ties created_at descending, then id (contract §4). */
  incidents: V2IncidentSource[];
  /** Every maintenance, by scheduled_for descending, ties id. */
  maintenances: V2IncidentSource[];
  /** Services (by database id) that an active maintenance affects, with the last start or end of such a window. */
  activeMaintenance: Map<number, number>;
}

export async function incidentFeed(ctx: Context): Promise<IncidentFeed> {
  const views = await listIncidents(ctx);
  const incidents: V2IncidentSource[] = views.map((v) => ({
    kind: 'incident',
    id: v.incident.id,
    name: v.incident.name,
    status: v.incident.status,
    createdAt: v.incident.createdAt,
    updatedAt: v.incident.updatedAt,
    monitoringAt: v.incident.monitoringAt,
    resolvedAt: v.incident.resolvedAt,
    impact: v.impact,
    startedAt: v.incident.startedAt,
    updates: v.updates.map(v2UpdateSourceOf),
    componentIds: v.services.map((s) => s.componentId),
  }));
  const { maintenances, activeMaintenance } = await maintenanceFeed(ctx);
  return { incidents, maintenances, activeMaintenance };
}
