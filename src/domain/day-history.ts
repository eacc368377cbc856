import { levelRank } from './levels.ts';
import type { Status } from './resources.ts';
import type { ZonedDay } from './calendar.ts';

/** The part of an event the history needs. */
export interface HistoryEvent {
  serviceId: number;
  timestamp: number;
  status: Status;
  informational: boolean;
}

/** One day of one service. `worst` is null when no status was in force (before the first event). */
export interface DaySummary {
  key: string;
  worst: Status | null;
  events: number;
  notes: number;
  /** How long, in ms, a status other than a NORMAL one was in force during the day (up to now). */
  affectedMs: number;
}

/**
 * Each day's worst status in force at any moment of it. A status holds from its event until
 * the next event of the same service; `before` is the service's last event before the window.
 * `events` must be the service's events inside the window, oldest first.
 */
export function dayHistory(
  days: readonly ZonedDay[],
  before: HistoryEvent | undefined,
  events: readonly HistoryEvent[],
  now = Number.POSITIVE_INFINITY,
): DaySummary[] {
  const out: DaySummary[] = [];
  let inForce: Status | null = before?.status ?? null;
  let i = 0;
  const affected = (status: Status | null) => status !== null && status.level !== 'NORMAL';
  for (const day of days) {
    let worst = inForce;
    let count = 0;
    let notes = 0;
    let affectedMs = 0;
    // Events before the first day's start (the caller's window may be wider) only set what is in force.
    while (i < events.length && events[i]!.timestamp < day.start) inForce = events[i++]!.status;
    worst = inForce;
    const end = Math.min(day.end, now);
    let from = day.start;
    while (i < events.length && events[i]!.timestamp < day.end) {
      const event = events[i++]!;
      count += 1;
      if (event.informational) notes += 1;
      if (affected(inForce)) affectedMs += Math.max(0, Math.min(event.timestamp, end) - from);
      from = Math.max(from, event.timestamp);
      inForce = event.status;
      if (worst === null || levelRank(event.status.level) > levelRank(worst.level)) worst = event.status;
    }
    if (affected(inForce)) affectedMs += Math.max(0, end - from);
    out.push({ key: day.key, worst, events: count, notes, affectedMs });
  }
  return out;
}

/** Groups events (oldest first) by service id, keeping the order. */
export function groupByService<T extends { serviceId: number }>(events: readonly T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const event of events) {
    let group = groups.get(event.serviceId);
    if (!group) groups.set(event.serviceId, (group = []));
    group.push(event);
  }
  return groups;
}
