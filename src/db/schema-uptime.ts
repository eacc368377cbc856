/** Tables of the stored uptime days (migration 2026-11-27-08). Instants and durations are ms. */

/**
 * Per service and calendar day (of `uptime_state.time_zone`), the milliseconds of the
 * service's closed intervals (from each event to its next one) in that day: counted, and in
 * each non-operational component status. Days that count nothing have no row.
 */
export interface UptimeDaysTable {
  service_id: number;
  day_start: number;
  day_end: number;
  counted: number;
  major: number;
  partial: number;
  degraded: number;
}

/** One row (id 1): the time zone whose days `uptime_days` holds. */
export interface UptimeStateTable {
  id: number;
  time_zone: string;
}

export interface UptimeTables {
  uptime_days: UptimeDaysTable;
  uptime_state: UptimeStateTable;
}
