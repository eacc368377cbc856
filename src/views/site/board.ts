import { html, type Html } from '../html.ts';
import type { ServiceList, Status } from '../../domain/resources.ts';
import type { DaySummary } from '../../domain/day-history.ts';
import type { DayUptime } from '../../domain/uptime.ts';
import type { ZonedDay } from '../../domain/calendar.ts';
import type { Service } from '../../domain/resources.ts';
import { layout, type PageChrome } from './layout.ts';
import { banner, lastUpdate, legend, overallOf, serviceRow } from './components.ts';
import { incidentCards, pastIncidents } from './incidents.ts';
import { maintenanceCards, underMaintenanceFlag, type BoardMaintenance } from './maintenance.ts';
import type { IncidentView } from '../../domain/incidents.ts';

/** The incidents the front page shows: unresolved ones as cards, the last 7 days as "Past incidents". */
export interface BoardIncidents {
  open: Array<IncidentView<Service>>;
  past: Array<IncidentView<Service>>;
}

/** Services not at a NORMAL status, or in an unresolved incident, come first in their list (stable otherwise). */
function affectedFirst(rows: BoardView['rows'], inIncident: ReadonlySet<number>): BoardView['rows'] {
  const affected = (s: Service) =>
    (s.currentEvent !== null && s.currentEvent.status.level !== 'NORMAL') || inIncident.has(s.id);
  return [...rows.filter((r) => affected(r.service)), ...rows.filter((r) => !affected(r.service))];
}

export interface BoardView {
  now: number;
  days: ZonedDay[];
  lists: ServiceList[];
  statuses: Status[];
  all: Service[];
  rows: Array<{ service: Service; history: DaySummary[]; uptime?: DayUptime[] }>;
}

/** Active filters, as the page was asked for them (unknown slugs included, shown as given). */
export interface BoardFilterView {
  lists: string[];
  statuses: string[];
}

function groups(
  view: BoardView,
  inIncident: ReadonlySet<number> = new Set(),
  underMaintenance: ReadonlySet<number> = new Set(),
): Html {
  const row = (r: BoardView['rows'][number]) =>
    serviceRow(
      r.service,
      view.days,
      r.history,
      r.uptime,
      underMaintenance.has(r.service.id) ? underMaintenanceFlag() : html``,
    );
  const byList = new Map<number | null, BoardView['rows']>();
  for (const row of affectedFirst(view.rows, inIncident)) {
    const key = row.service.list?.id ?? null;
    if (!byList.has(key)) byList.set(key, []);
    byList.get(key)!.push(row);
  }
  const sections: Html[] = [];
  for (const list of view.lists) {
    const rows = byList.get(list.id);
    if (!rows) continue;
    sections.push(html`<section class="group" aria-labelledby="list-${list.slug}">
<h2 id="list-${list.slug}"><a href="/service-lists/${encodeURIComponent(list.slug)}">${list.name}</a></h2>
<ul class="services">${rows.map(row)}</ul>
</section>`);
  }
  const loose = byList.get(null);
  if (loose) {
    sections.push(html`<section class="group" aria-labelledby="list-none">
<h2 id="list-none">${sections.length > 0 ? 'Other services' : 'Services'}</h2>
<ul class="services">${loose.map(row)}</ul>
</section>`);
  }
  return html`${sections}`;
}

function filterNotice(filter: BoardFilterView, view: BoardView): Html {
  if (filter.lists.length === 0 && filter.statuses.length === 0) return html``;
  const listNames = filter.lists.map((slug) => view.lists.find((l) => l.slug === slug)?.name ?? slug);
  const statusNames = filter.statuses.map((slug) => view.statuses.find((s) => s.slug === slug)?.name ?? slug);
  return html`<p class="notice" role="status">Showing ${view.rows.length} of ${view.all.length} services${listNames.length ? html` in ${listNames.join(' or ')}` : ''}${statusNames.length ? html` whose status is ${statusNames.join(' or ')}` : ''}. <a href="/">Show all services</a></p>`;
}

export function boardPage(
  chrome: PageChrome,
  view: BoardView,
  options: {
    filter?: BoardFilterView;
    list?: ServiceList;
    incidents?: BoardIncidents;
    maintenance?: BoardMaintenance;
  } = {},
): Html {
  const tz = chrome.settings.timeZone;
  const inIncident = new Set((options.incidents?.open ?? []).flatMap((v) => v.incident.serviceIds));
  const underMaintenance = new Set((options.maintenance?.active ?? []).flatMap((v) => v.maintenance.serviceIds));
  const scope = options.list ? view.rows.map((r) => r.service) : view.all;
  const filtering =
    options.filter !== undefined && (options.filter.lists.length > 0 || options.filter.statuses.length > 0);
  const about =
    !options.list && !filtering && chrome.settings.about
      ? html`<div class="about">${chrome.settings.about.split(/\n{2,}/).map((paragraph) => html`<p>${paragraph}</p>`)}</div>`
      : '';
  const affectedNames = scope
    .filter((s) => (s.currentEvent !== null && s.currentEvent.status.level !== 'NORMAL') || inIncident.has(s.id))
    .map((s) => s.name);
  const body = html`${about}${banner(overallOf(scope), lastUpdate(scope), tz, affectedNames)}
${options.incidents ? incidentCards(options.incidents.open, tz, view.now) : ''}
${options.maintenance ? maintenanceCards(options.maintenance, tz, view.now) : ''}
${options.list ? html`<div class="intro"><h2 class="page-title">${options.list.name}</h2><p>${options.list.description}</p></div>` : ''}
${options.filter ? filterNotice(options.filter, view) : ''}
${view.rows.length === 0 ? html`<p class="empty">${view.all.length === 0 ? 'No services yet.' : 'No services match.'}</p>` : groups(view, inIncident, underMaintenance)}
${options.incidents ? pastIncidents(options.incidents.past, tz) : ''}
${legend(view.statuses)}`;
  return layout(chrome, {
    title: options.list ? options.list.name : chrome.settings.siteName,
    body,
    feed: options.list ? `/rss?services=${view.rows.map((r) => r.service.slug).join(',')}` : undefined,
  });
}
