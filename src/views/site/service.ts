import { html, type Html } from '../html.ts';
import type { Service, Status, StatusEvent } from '../../domain/resources.ts';
import type { DaySummary } from '../../domain/day-history.ts';
import type { DayUptime } from '../../domain/uptime.ts';
import type { Period, ZonedDay } from '../../domain/calendar.ts';
import { layout, type PageChrome } from './layout.ts';
import { currentMessage, dayStrip, eventItem, statusLabel } from './components.ts';
import { shownStatus } from '../../domain/overall-status.ts';
import { civilDay, civilMonth, dateTime, isoInstant, pad2 } from './format.ts';
import { responseTimesFigure } from '../response-times-figure.ts';

export interface ServiceView {
  now: number;
  service: Service;
  days: ZonedDay[];
  history: DaySummary[];
  uptime?: DayUptime[];
  events: StatusEvent[];
  page: number;
  hasNext: boolean;
  period?: Period;
  previous?: Period;
  next?: Period;
  /** Show the response-time graph (the service has checks). */
  responseTimes?: boolean;
  /** What the service shows while it has no events. */
  defaultStatus?: Status | null;
}

export function periodPath(slug: string, p: Period): string {
  const base = `/services/${encodeURIComponent(slug)}/${p.year}`;
  if (p.kind === 'year') return base;
  if (p.kind === 'month') return `${base}/${pad2(p.month!)}`;
  return `${base}/${pad2(p.month!)}/${pad2(p.day!)}`;
}

export function periodName(p: Period): string {
  if (p.kind === 'year') return String(p.year);
  if (p.kind === 'month') return civilMonth(p.year, p.month!);
  return civilDay(p.year, p.month!, p.day!);
}

function pager(path: string, view: ServiceView): Html {
  if (view.page === 1 && !view.hasNext) return html``;
  const newer =
    view.page > 1
      ? html`<a rel="prev" href="${view.page === 2 ? path : `${path}?page=${view.page - 1}`}">Newer updates</a>`
      : html`<span></span>`;
  const older = view.hasNext
    ? html`<a rel="next" href="${path}?page=${view.page + 1}">Older updates</a>`
    : html`<span></span>`;
  return html`<nav class="pager" aria-label="Pages of updates">${newer}<span>Page ${view.page}</span>${older}</nav>`;
}

function periodNav(slug: string, view: ServiceView): Html {
  if (!view.period) return html``;
  const prev = view.previous
    ? html`<a href="${periodPath(slug, view.previous)}"><span aria-hidden="true">←</span> ${periodName(view.previous)}</a>`
    : html`<span></span>`;
  const next = view.next
    ? html`<a href="${periodPath(slug, view.next)}">${periodName(view.next)} <span aria-hidden="true">→</span></a>`
    : html`<span></span>`;
  return html`<nav class="pager" aria-label="Archive">${prev}${next}</nav>`;
}

function archiveLinks(slug: string, now: number, timeZone: string): Html {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    now,
  );
  const [y, m, d] = fmt.split('-');
  const base = `/services/${encodeURIComponent(slug)}`;
  return html`<p class="archives">Archives: <a href="${base}/${y}/${m}/${d}">today</a> · <a href="${base}/${y}/${m}">this month</a> · <a href="${base}/${y}">this year</a></p>`;
}

export function servicePageView(chrome: PageChrome, view: ServiceView): Html {
  const { service } = view;
  const tz = chrome.settings.timeZone;
  const path = view.period ? periodPath(service.slug, view.period) : `/services/${encodeURIComponent(service.slug)}`;
  const current = service.currentEvent;
  const heading = view.period ? `${service.name}: ${periodName(view.period)}` : service.name;
  const notes = view.events.filter((e) => e.informational);
  const changes = view.events.filter((e) => !e.informational);
  const body = html`<nav class="crumbs" aria-label="Breadcrumb"><a href="/">Status</a> <span aria-hidden="true">›</span> ${view.period ? html`<a href="/services/${encodeURIComponent(service.slug)}">${service.name}</a> <span aria-hidden="true">›</span> ${periodName(view.period)}` : service.name}</nav>
<section class="card svc-page" data-service="${service.slug}">
<div class="svc-head"><h1>${heading}</h1>${statusLabel(shownStatus(service, view.defaultStatus))}</div>
<p class="desc">${service.description}</p>
${currentMessage(service, view.now, tz)}
${current ? html`<p class="since">Last update <time datetime="${isoInstant(current.timestamp)}">${dateTime(current.timestamp, tz)}</time></p>` : html`<p class="since">No updates yet.</p>`}
${dayStrip(service, view.days, view.history, view.uptime)}
${view.responseTimes && !view.period ? responseTimesFigure(service.slug, service.name) : ''}
</section>
${periodNav(service.slug, view)}
<section class="card" aria-labelledby="changes-title">
<h2 id="changes-title">${view.period ? 'Status changes' : 'Status history'}</h2>
${changes.length === 0 ? html`<p class="empty">No status changes ${view.period ? `in ${periodName(view.period)}` : 'yet'}${view.page > 1 ? ' on this page' : ''}.</p>` : html`<ol class="events">${changes.map((e) => eventItem(e, tz))}</ol>`}
</section>
${notes.length > 0 ? html`<section class="card notes" aria-labelledby="notes-title"><h2 id="notes-title">Notes</h2><ol class="events">${notes.map((e) => eventItem(e, tz))}</ol></section>` : ''}
${pager(path, view)}
${archiveLinks(service.slug, view.now, tz)}`;
  return layout(chrome, {
    title: heading,
    description: service.description,
    body,
    feed: `/rss?services=${encodeURIComponent(service.slug)}`,
  });
}
