import type { V2IncidentSource } from '../domain/statuspage-v2.ts';
import type { Context } from './context.ts';

/**
 * What the Statuspage v2 answers need from incidents and maintenances (contract §4), in one
 * place. Incidents and scheduled maintenance fill it; until they exist every list is empty.
 */
export interface IncidentFeed {
  /** Every incident, by started_at descending, ties created_at descending, then id (contract §4). */
  incidents: V2IncidentSource[];
  /** Every maintenance, by scheduled_for descending, ties id. */
  maintenances: V2IncidentSource[];
  /** Services (by database id) that an active maintenance affects, with the last start or end of such a window. */
  activeMaintenance: Map<number, number>;
}

export async function incidentFeed(_ctx: Context): Promise<IncidentFeed> {
  return { incidents: [], maintenances: [], activeMaintenance: new Map() };
}
