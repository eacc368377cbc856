import type { Db } from '../connect.ts';
import type { Status } from '../../domain/resources.ts';
import type { HistoryEvent } from '../../domain/day-history.ts';
import { statusesById } from './events.ts';

type Row = { service_id: number; status_id: number; informational: number; timestamp: number };

function toHistoryEvent(row: Row, statuses: Map<number, Status>): HistoryEvent {
  const status = statuses.get(row.status_id);
  if (!status) throw new Error(`an event refers to missing status ${row.status_id}`);
  return {
    serviceId: row.service_id,
    timestamp: Number(row.timestamp),
    status,
    informational: Number(row.informational) === 1,
  };
}

/**
 * What day history needs for a window [from, to): every event inside it (one query, all
 * services, oldest first) and each service's last event before it (one query).
 */
export async function historyWindow(
  db: Db,
  from: number,
  to: number,
  statuses?: Map<number, Status>,
  serviceId?: number,
): Promise<{ inside: HistoryEvent[]; before: Map<number, HistoryEvent> }> {
  const byId = statuses ?? (await statusesById(db));
  let insideQuery = db
    .selectFrom('events')
    .select(['service_id', 'status_id', 'informational', 'timestamp'])
    .where('timestamp', '>=', from)
    .where('timestamp', '<', to);
  if (serviceId !== undefined) insideQuery = insideQuery.where('service_id', '=', serviceId);
  const inside = await insideQuery.orderBy('timestamp', 'asc').orderBy('id', 'asc').execute();
  const before = await db
    .selectFrom('events')
    .select(['service_id', 'status_id', 'informational', 'timestamp'])
    .where('id', 'in', (eb) => {
      let services = eb.selectFrom('services as s');
      if (serviceId !== undefined) services = services.where('s.id', '=', serviceId);
      return services.select((inner) =>
        inner
          .selectFrom('events as e2')
          .select('e2.id')
          .whereRef('e2.service_id', '=', 's.id')
          .where('e2.timestamp', '<', from)
          .orderBy('e2.timestamp', 'desc')
          .orderBy('e2.id', 'desc')
          .limit(1)
          .as('last_id'),
      );
    })
    .execute();
  return {
    inside: inside.map((r) => toHistoryEvent(r, byId)),
    before: new Map(before.map((r) => [r.service_id, toHistoryEvent(r, byId)])),
  };
}
