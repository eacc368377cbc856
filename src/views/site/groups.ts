import { html, type Html } from '../html.ts';
import type { Service, ServiceList, Status } from '../../domain/resources.ts';
import type { DaySummary } from '../../domain/day-history.ts';
import type { DayUptime } from '../../domain/uptime.ts';
import type { ZonedDay } from '../../domain/calendar.ts';
import { serviceRow, statusLabel } from './components.ts';
import { shownStatus } from '../../domain/overall-status.ts';
import { underMaintenanceFlag } from './maintenance.ts';
import { plural } from './format.ts';

export interface GroupsView {
  now: number;
  timeZone: string;
  days: ZonedDay[];
  lists: ServiceList[];
  rows: Array<{ service: Service; history: DaySummary[]; uptime?: DayUptime[] }>;
  defaultStatus: Status | null;
}

/** Services in an unresolved incident, and those under active maintenance (by service id). */
export interface GroupsMarks {
  inIncident?: ReadonlySet<number>;
  underMaintenance?: ReadonlySet<number>;
}

/**
 * Services grouped by list, in the admins' display order (rows and lists come ordered). Within a
 * list, services not at a NORMAL status or in an unresolved incident come first, in display order
 * among themselves; the rest follow in display order. A group whose services are all operational,
 * none in an unresolved incident, can be collapsed; while anything on the page has a problem, such
 * groups start collapsed so the trouble is on the first screen. A group with a problem is never
 * collapsible.
 */
export function serviceGroups(view: GroupsView, marks: GroupsMarks = {}): Html {
  const inIncident = marks.inIncident ?? new Set<number>();
  const underMaintenance = marks.underMaintenance ?? new Set<number>();
  const affected = (r: GroupsView['rows'][number]) =>
    (shownStatus(r.service, view.defaultStatus)?.level ?? 'NORMAL') !== 'NORMAL' || inIncident.has(r.service.id);
  const byList = new Map<number | null, GroupsView['rows']>();
  for (const row of [...view.rows.filter(affected), ...view.rows.filter((r) => !affected(r))]) {
    const key = row.service.list?.id ?? null;
    if (!byList.has(key)) byList.set(key, []);
    byList.get(key)!.push(row);
  }
  const troubled = (rows: GroupsView['rows']) => rows.some(affected);
  const anyTrouble = troubled(view.rows);
  const context = { now: view.now, timeZone: view.timeZone, fallback: view.defaultStatus };
  const groups: Array<{ id: string; name: string; href?: string; rows: GroupsView['rows'] }> = [];
  for (const list of view.lists) {
    const rows = byList.get(list.id);
    if (!rows) continue;
    groups.push({ id: list.slug, name: list.name, href: `/service-lists/${encodeURIComponent(list.slug)}`, rows });
  }
  const loose = byList.get(null);
  if (loose) groups.push({ id: 'none', name: groups.length > 0 ? 'Other services' : 'Services', rows: loose });

  return html`${groups.map((group) => {
    const list = html`<ul class="services">
      ${group.rows.map((r) =>
        serviceRow(
          r.service,
          view.days,
          r.history,
          context,
          r.uptime,
          underMaintenance.has(r.service.id) ? underMaintenanceFlag() : html``,
        ),
      )}
    </ul>`;
    if (troubled(group.rows) || groups.length === 1) {
      return html`<section class="group" aria-labelledby="list-${group.id}">
        <h2 id="list-${group.id}">${group.href ? html`<a href="${group.href}">${group.name}</a>` : group.name}</h2>
        ${list}
      </section>`;
    }
    // All operational: a disclosure (works without script), open unless something else has trouble.
    const status = shownStatus(group.rows[0]!.service, view.defaultStatus);
    return html`<section class="group" aria-labelledby="list-${group.id}">
      <details class="group-fold" ${anyTrouble ? '' : html` open`}>
        <summary>
          <h2 id="list-${group.id}">${group.name}</h2>
          <span class="group-state"
            >${status ? statusLabel(status) : ''}<span class="count"
              >${plural(group.rows.length, 'service')}</span
            ></span
          >
        </summary>
        ${list}
        ${group.href ? html`<p class="group-more"><a href="${group.href}">${group.name} on its own page</a></p>` : ''}
      </details>
    </section>`;
  })}`;
}
