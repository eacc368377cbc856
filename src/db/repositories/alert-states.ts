import type { Db } from '../connect.ts';
import type { AutomationState } from '../../domain/automation-state.ts';

export interface AlertStateRow {
  fingerprint: string;
  serviceId: number;
  groupKey: string;
  status: 'firing' | 'resolved';
  state: AutomationState;
  startsAt: number;
  endsAt: number | null;
  message: string;
  updatedAt: number;
}

export async function findAlertState(db: Db, fingerprint: string): Promise<AlertStateRow | undefined> {
  const row = await db.selectFrom('alert_states').selectAll().where('fingerprint', '=', fingerprint).executeTakeFirst();
  return (
    row && {
      fingerprint: row.fingerprint,
      serviceId: row.service_id,
      groupKey: row.group_key,
      status: row.status,
      state: row.state,
      startsAt: Number(row.starts_at),
      endsAt: row.ends_at === null ? null : Number(row.ends_at),
      message: row.message,
      updatedAt: Number(row.updated_at),
    }
  );
}

export async function saveAlertState(db: Db, alert: AlertStateRow): Promise<void> {
  const values = {
    fingerprint: alert.fingerprint,
    service_id: alert.serviceId,
    group_key: alert.groupKey,
    status: alert.status,
    state: alert.state,
    starts_at: alert.startsAt,
    ends_at: alert.endsAt,
    message: alert.message,
    updated_at: alert.updatedAt,
  };
  const { fingerprint: _key, ...rest } = values;
  await db
    .insertInto('alert_states')
    .values(values)
    .onConflict((oc) => oc.column('fingerprint').doUpdateSet(rest))
    .execute();
}

export async function firingAlertsOfService(db: Db, serviceId: number): Promise<AlertStateRow[]> {
  const rows = await db
    .selectFrom('alert_states')
    .selectAll()
    .where('service_id', '=', serviceId)
    .where('status', '=', 'firing')
    .execute();
  return rows.map((row) => ({
    fingerprint: row.fingerprint,
    serviceId: row.service_id,
    groupKey: row.group_key,
    status: 'firing' as const,
    state: row.state,
    startsAt: Number(row.starts_at),
    endsAt: row.ends_at === null ? null : Number(row.ends_at),
    message: row.message,
    updatedAt: Number(row.updated_at),
  }));
}

/** Forgets resolved alerts not heard of since `before` (their fingerprints may not come back). */
export async function deleteResolvedAlertsBefore(db: Db, before: number): Promise<void> {
  await db.deleteFrom('alert_states').where('status', '=', 'resolved').where('updated_at', '<', before).execute();
}
