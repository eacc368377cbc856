import { html, type Html } from '../html.ts';
import type { ServiceList, Status } from '../../domain/resources.ts';
import type { DaySummary } from '../../domain/day-history.ts';
import type { ZonedDay } from '../../domain/calendar.ts';
import type { Service } from '../../domain/resources.ts';
import { layout, type PageChrome } from './layout.ts';
import { banner, lastUpdate, legend, overallOf, shownStatus } from './components.ts';
import { serviceGroups } from './groups.ts';

export interface BoardView {
  now: number;
  days: ZonedDay[];
  lists: ServiceList[];
  statuses: Status[];
  all: Service[];
  rows: Array<{ service: Service; history: DaySummary[] }>;
  /** What a service without events shows. */
  defaultStatus: Status | null;
}

/** Active filters, as the page was asked for them (unknown slugs included, shown as given). */
export interface BoardFilterView {
  lists: string[];
  statuses: string[];
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
  options: { filter?: BoardFilterView; list?: ServiceList } = {},
): Html {
  const scope = options.list ? view.rows.map((r) => r.service) : view.all;
  const filtering =
    options.filter !== undefined && (options.filter.lists.length > 0 || options.filter.statuses.length > 0);
  const about =
    !options.list && !filtering && chrome.settings.about
      ? html`<div class="about">${chrome.settings.about.split(/\n{2,}/).map((paragraph) => html`<p>${paragraph}</p>`)}</div>`
      : '';
  const affected = scope.flatMap((service) => {
    const status = shownStatus(service, view.defaultStatus);
    return status && status.level !== 'NORMAL' ? [{ service, status }] : [];
  });
  const groups = serviceGroups({ ...view, timeZone: chrome.settings.timeZone });
  // Incidents and maintenance, when there are any, belong between the banner and the services.
  const body = html`${about}${banner(overallOf(scope, view.defaultStatus), lastUpdate(scope), chrome.settings.timeZone, affected)}
${options.list ? html`<div class="intro"><h2 class="page-title">${options.list.name}</h2><p>${options.list.description}</p></div>` : ''}
${options.filter ? filterNotice(options.filter, view) : ''}
${view.rows.length === 0 ? html`<p class="empty">${view.all.length === 0 ? 'No services yet.' : 'No services match.'}</p>` : groups}
${legend(view.statuses)}`;
  return layout(chrome, {
    title: options.list ? options.list.name : chrome.settings.siteName,
    body,
    feed: options.list ? `/rss?services=${view.rows.map((r) => r.service.slug).join(',')}` : undefined,
  });
}
