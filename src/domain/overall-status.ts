import { levelRank, type Level } from './levels.ts';
import type { Service, Status } from './resources.ts';

/**
 * The page's overall state: the worst status any service shows, and how many services show a
 * status that is not NORMAL. The public page, its title and favicon, the badges and the live
 * stream all state it the same way. (Statuspage v2's page status is the second rule of this
 * kind: `pageStatus` in statuspage-v2.ts.)
 */
export interface Overall {
  level: Level;
  worst: Status | null;
  affected: number;
  total: number;
}

/** What a service shows now: its current event's status, or the default status while it has none. */
export function shownStatus(service: Service, fallback: Status | null | undefined): Status | null {
  return service.currentEvent?.status ?? fallback ?? null;
}

export function overallOf(services: readonly Service[], fallback?: Status | null): Overall {
  let worst: Status | null = null;
  let affected = 0;
  for (const service of services) {
    const status = shownStatus(service, fallback);
    if (!status) continue;
    if (status.level !== 'NORMAL') affected += 1;
    if (!worst || levelRank(status.level) > levelRank(worst.level)) worst = status;
  }
  return { level: worst?.level ?? 'NORMAL', worst, affected, total: services.length };
}

/** The overall state in words: "All systems operational", or "Down: 2 of 10 services affected". */
export function overallText(overall: Overall): string {
  if (overall.total === 0) return 'No services are monitored yet';
  if (overall.level === 'NORMAL') return 'All systems operational';
  const services = overall.total === 1 ? 'service' : 'services';
  return `${overall.worst!.name}: ${overall.affected} of ${overall.total} ${services} affected`;
}

/** The newest current event's time among the services: when the overall state last changed. */
export function lastUpdate(services: readonly Service[]): number | null {
  let newest: number | null = null;
  for (const s of services)
    if (s.currentEvent && (newest === null || s.currentEvent.timestamp > newest)) newest = s.currentEvent.timestamp;
  return newest;
}
