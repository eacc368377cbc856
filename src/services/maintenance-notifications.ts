import type { Db } from '../db/connect.ts';
import type { IncidentUpdate } from '../domain/incidents.ts';
import type { MaintenanceNotification } from '../domain/maintenance.ts';
import { pageStatusNow } from './component-notifications.ts';
import type { MaintenanceView } from './maintenances.ts';
import { recordUpdateNotification } from './notifications.ts';

/**
 * Writes a maintenance notification (§11) in the caller's transaction, on the same outbox path as
 * incident notifications: one per update (automatic transitions included); channel and subscriber
 * service filters apply to the affected services.
 */
export async function recordMaintenanceNotification(
  trx: Db,
  topic: MaintenanceNotification['topic'],
  view: MaintenanceView,
  update: IncidentUpdate | null,
  now: number,
): Promise<void> {
  const { page } = await pageStatusNow(trx);
  const notification: MaintenanceNotification = {
    topic,
    view,
    updateId: update?.id ?? null,
    services: view.services.map((s) => s.slug),
    page,
    changes: (update?.affectedComponents ?? [])
      .filter((a) => a.old_status !== a.new_status)
      .map((a) => ({ service: a.name, from: a.old_status, to: a.new_status })),
  };
  await recordUpdateNotification(trx, notification, now);
}
