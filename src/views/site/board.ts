import { html, type Html } from '../html.ts';
import type { ServiceList, Status } from '../../domain/resources.ts';
import type { DaySummary } from '../../domain/day-history.ts';
import type { DayUptime } from '../../domain/uptime.ts';
import type { ZonedDay } from '../../domain/calendar.ts';
import type { Service } from '../../domain/resources.ts';
import { layout, type PageChrome } from './layout.ts';
import { banner, legend } from './components.ts';
import { lastUpdate, overallOf, shownStatus } from '../../domain/overall-status.ts';
import { serviceGroups } from './groups.ts';
import { incidentCards, pastIncidents } from './incidents.ts';
import { maintenanceCards, type BoardMaintenance } from './maintenance.ts';
import type { IncidentView } from '../../domain/incidents.ts';

/** The incidents the front page shows: unresolved ones as cards, the last 7 days as "Past incidents". */
export interface BoardIncidents {
  open: Array<IncidentView<Service>>;
  past: Array<IncidentView<Service>>;
}

export interface BoardView {
  now: number;
  days: ZonedDay[];
  lists: ServiceList[];
  statuses: Status[];
  all: Service[];
  rows: Array<{ service: Service; history: DaySummary[]; uptime?: DayUptime[] }>;
  /** What a service without events shows. */
  defaultStatus: Status | null;
}

/** Active filters, as the page was asked for them (unknown slugs included, shown as given). */
export interface BoardFilterView {
  lists: string[];
  statuses: string[];
}

function filterSummary(filter: BoardFilterView, view: BoardView): Html {
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
  const affected = scope.flatMap((service) => {
    const status = shownStatus(service, view.defaultStatus);
    return (status && status.level !== 'NORMAL') || inIncident.has(service.id) ? [{ service, status }] : [];
  });
  const groups = serviceGroups({ ...view, timeZone: tz }, { inIncident, underMaintenance });
  // Incidents and maintenance, when there are any, belong between the banner and the services.
  const body = html`${about}${banner(
    overallOf(scope, view.defaultStatus),
    lastUpdate(scope),
    tz,
    affected,
    scope.filter((s) => underMaintenance.has(s.id)).length,
  )}
${options.incidents ? incidentCards(options.incidents.open, tz, view.now) : ''}
${options.maintenance ? maintenanceCards(options.maintenance, tz, view.now) : ''}
${options.list ? html`<div class="intro"><h2 class="page-title">${options.list.name}</h2><p>${options.list.description}</p></div>` : ''}
${options.filter ? filterSummary(options.filter, view) : ''}
${view.rows.length === 0 ? html`<p class="empty">${view.all.length === 0 ? 'No services yet.' : 'No services match.'}</p>` : groups}
${options.incidents ? pastIncidents(options.incidents.past, tz) : ''}
${legend(view.statuses)}`;
  return layout(chrome, {
    title: options.list ? options.list.name : chrome.settings.siteName,
    body,
    feed: options.list ? `/rss?services=${view.rows.map((r) => r.service.slug).join(',')}` : undefined,
  });
}
