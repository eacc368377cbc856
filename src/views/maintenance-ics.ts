import ical, { ICalEventStatus } from 'ical-generator';
import type { Maintenance } from '../domain/maintenance.ts';
import type { IncidentUpdate } from '../domain/incidents.ts';

/** What the calendar of planned work is made of. */
export interface CalendarMaintenance {
  maintenance: Maintenance;
  updates: IncidentUpdate[];
  services: Array<{ name: string }>;
}

/**
 * `/maintenance.ics` (RFC 5545, written by ical-generator): one VEVENT per scheduled or active
 * window. The UID stays with the maintenance, so calendars move the event when the window moves;
 * SEQUENCE grows with every change (seconds since creation of the last change).
 */
export function maintenanceCalendar(
  site: { name: string; origin: string; host: string },
  maintenances: readonly CalendarMaintenance[],
): string {
  const calendar = ical({
    name: `${site.name} maintenance`,
    description: `Planned maintenance on ${site.name}`,
    prodId: { company: 'Stashboard', product: 'Stashboard', language: 'EN' },
    url: `${site.origin}/maintenance.ics`,
    ttl: 3600,
  });
  for (const view of maintenances) {
    const m = view.maintenance;
    const latest = view.updates[0];
    const affected = view.services.map((s) => s.name).join(', ');
    calendar.createEvent({
      id: `${m.id}@${site.host}`,
      sequence: Math.max(0, Math.floor((m.updatedAt - m.createdAt) / 1000)),
      start: new Date(m.scheduledFor),
      end: new Date(m.scheduledUntil),
      stamp: new Date(m.updatedAt),
      created: new Date(m.createdAt),
      lastModified: new Date(m.updatedAt),
      summary: m.name,
      description: [latest?.body ?? '', affected ? `Affected: ${affected}` : ''].filter((l) => l !== '').join('\n\n'),
      url: `${site.origin}/incidents/${m.id}`,
      status: ICalEventStatus.CONFIRMED,
    });
  }
  return calendar.toString();
}
