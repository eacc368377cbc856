/** Tables of scheduled maintenance (migration 2026-11-27-07). Instants are ms. */
export interface MaintenanceReportsTable {
  incident_id: string;
  service_id: number;
  author: string;
  actor: string;
  status_slug: string;
  message: string;
  reported_at: number;
}

export interface MaintenanceTables {
  maintenance_reports: MaintenanceReportsTable;
}
