import { html, type Html } from '../html.ts';
import { levelRank, type Level } from '../../domain/levels.ts';
import { shownStatus, type Overall, overallText } from '../../domain/overall-status.ts';
import type { Service, Status, StatusEvent } from '../../domain/resources.ts';
import type { DaySummary } from '../../domain/day-history.ts';
import type { ZonedDay } from '../../domain/calendar.ts';
import { statusImagePath } from '../../domain/status-images.ts';
import { civilDay, dateTime, duration, isoInstant, pad2, plural, statusClass } from './format.ts';
import { componentStatusRank } from '../../domain/component-status.ts';
import { linkify } from './links.ts';
import { formatDuration, formatUptime, sumTotals, uptimePercent, type DayUptime } from '../../domain/uptime.ts';

const DAY_MS = 86_400_000;

/** A status as icon and text (never colour alone). */
export function statusLabel(status: Status | null | undefined): Html {
  if (!status) return html`<span class="st ln">No status yet</span>`;
  return html`<span class="st ${statusClass(status)}"><img src="${statusImagePath(status.image)}" alt="" width="16" height="16">${status.name}</span>`;
}

/**
 * The message of a service's current event with when it was posted, shown unless it is just the
 * default status. A note stops being shown after a day (it stays in the service's history).
 */
export function currentMessage(service: Service, now: number, timeZone: string): Html {
  const event = service.currentEvent;
  if (!event || (event.status.isDefault && !event.informational)) return html``;
  if (event.informational && now - event.timestamp > DAY_MS) return html``;
  return html`<p class="msg">${linkify(event.message)} <time class="posted" datetime="${isoInstant(event.timestamp)}">${dateTime(event.timestamp, timeZone)}</time></p>`;
}

const dayParts = new WeakMap<readonly ZonedDay[], Array<{ path: string; title: string }>>();

/** Per-day pieces shared by every strip of a page (formatting dates is the costly part). */
function partsOf(days: readonly ZonedDay[]): Array<{ path: string; title: string }> {
  let parts = dayParts.get(days);
  if (!parts) {
    parts = days.map((d) => ({
      path: `/${d.year}/${pad2(d.month)}/${pad2(d.day)}`,
      title: civilDay(d.year, d.month, d.day),
    }));
    dayParts.set(days, parts);
  }
  return parts;
}

/** How long each non-operational state lasted (contract §8), e.g. `major outage 42 min, degraded 1 h 5 min`. */
function downtimeParts(uptime: DayUptime): string[] {
  const parts: string[] = [];
  if (uptime.major > 0) parts.push(`major outage ${formatDuration(uptime.major)}`);
  if (uptime.partial > 0) parts.push(`partial outage ${formatDuration(uptime.partial)}`);
  if (uptime.degraded > 0) parts.push(`degraded ${formatDuration(uptime.degraded)}`);
  return parts;
}

function dayLabel(title: string, summary: DaySummary, uptime: DayUptime | undefined): string {
  if (!uptime) {
    let label = `${title}: ${summary.worst ? summary.worst.name : 'No data'}`;
    if (summary.affectedMs > 0) label += ` (affected for ${duration(summary.affectedMs)})`;
    label += `, ${summary.events === 0 ? 'no updates' : plural(summary.events, 'update')}`;
    if (summary.notes > 0) label += `, ${plural(summary.notes, 'note')}`;
    return label;
  }
  const percent = uptimePercent(uptime);
  const parts = [summary.worst ? summary.worst.name : 'No data', ...downtimeParts(uptime)];
  if (summary.notes > 0) parts.push(plural(summary.notes, 'note'));
  if (percent !== null) parts.push(`${formatUptime(percent)}% uptime`);
  else if (summary.worst) parts.push('no data');
  return `${title}: ${parts.join(', ')}`;
}

/** `99.95% uptime` over a strip's days, or null when none of them has data. */
export function stripUptime(uptime: readonly DayUptime[]): string | null {
  const percent = uptimePercent(sumTotals(uptime));
  return percent === null ? null : `${formatUptime(percent)}% uptime`;
}

export function dayPath(slug: string, day: { year: number; month: number; day: number }): string {
  return `/services/${encodeURIComponent(slug)}/${day.year}/${pad2(day.month)}/${pad2(day.day)}`;
}

/**
 * The day-history strip: one focusable link per day, each with a text label (shown as a
 * tooltip on hover and focus). The page script turns the strip into one tab stop with
 * arrow keys; without script every day is its own tab stop.
 */
export function dayStrip(
  service: Service,
  days: readonly ZonedDay[],
  history: readonly DaySummary[],
  uptime?: readonly DayUptime[],
): Html {
  const parts = partsOf(days);
  const base = `/services/${encodeURIComponent(service.slug)}`;
  const total = uptime ? stripUptime(uptime) : null;
  const cells = history.map((summary, i) => {
    const part = parts[i]!;
    const cls = summary.notes > 0 ? `${statusClass(summary.worst)} n` : statusClass(summary.worst);
    return html`<li><a class="${cls}" href="${base}${part.path}"><span>${dayLabel(part.title, summary, uptime?.[i])}</span></a></li>`;
  });
  return html`<ol class="strip" aria-label="${service.name}: the last ${days.length} days">${cells}</ol>
<div class="strip-ends"><span class="far" aria-hidden="true">${days.length} days ago</span><span class="near" aria-hidden="true">${Math.min(days.length, 30)} days ago</span>${total ? html`<span class="uptime">${total}<span class="sr-only"> over the last ${days.length} days</span></span>` : ''}<span aria-hidden="true">Today</span></div>`;
}

const BANNER_ICON: Record<Level, string> = {
  NORMAL: 'tick-circle',
  WARNING: 'exclamation',
  ERROR: 'cross-circle',
  CRITICAL: 'cross-circle',
};

/**
 * The overall state. During trouble it names the affected services (worst first, with their
 * status as icon and text), so they are on the first screen whatever the page's order.
 */
export function banner(
  overall: Overall,
  updatedAt: number | null,
  timeZone: string,
  affected: readonly { service: Service; status: Status | null }[] = [],
): Html {
  const rank = (a: { status: Status | null }) => levelRank(a.status?.level ?? 'NORMAL');
  const worstFirst = [...affected].sort((a, b) => rank(b) - rank(a));
  const cls = overall.level === 'NORMAL' ? 'l0' : statusClass(overall.worst);
  return html`<section class="banner ${cls}" aria-labelledby="overall">
<img src="${statusImagePath(BANNER_ICON[overall.level])}" alt="" width="28" height="28">
<div><h1 id="overall">${overallText(overall)}</h1>
${worstFirst.length > 0 ? html`<ul class="affected" aria-label="Affected services">${worstFirst.map((a) => html`<li><a href="#svc-${a.service.slug}">${a.service.name}</a> ${a.status ? statusLabel(a.status) : ''}</li>`)}</ul>` : ''}
${updatedAt === null ? '' : html`<p>Last update <time datetime="${isoInstant(updatedAt)}">${dateTime(updatedAt, timeZone)}</time></p>`}</div>
</section>`;
}

export function legend(statuses: readonly Status[]): Html {
  const sorted = [...statuses].sort(
    (a, b) =>
      componentStatusRank(a.componentStatus) - componentStatusRank(b.componentStatus) ||
      levelRank(a.level) - levelRank(b.level) ||
      a.name.localeCompare(b.name),
  );
  return html`<section class="legend" aria-labelledby="legend-title">
<h2 id="legend-title">Legend</h2>
<ul>${sorted.map((s) => html`<li><span class="sw ${statusClass(s)}" aria-hidden="true"></span>${statusLabel(s)}<span class="desc">${s.description}</span></li>`)}
<li><span class="sw ln" aria-hidden="true"></span><span class="st ln">No data</span><span class="desc">Before the service's first update</span></li>
<li><span class="sw l0 n" aria-hidden="true"></span><span class="st">Note</span><span class="desc">A day with informational notes</span></li>
</ul>
</section>`;
}

export function eventItem(event: StatusEvent, timeZone: string): Html {
  return html`<li class="ev${event.informational ? ' note' : ''}">
<div class="ev-head">${event.informational ? html`<span class="tag">Note</span>` : statusLabel(event.status)}<time datetime="${isoInstant(event.timestamp)}">${dateTime(event.timestamp, timeZone)}</time></div>
<p>${linkify(event.message)}</p>
</li>`;
}

export function serviceRow(
  service: Service,
  days: readonly ZonedDay[],
  history: readonly DaySummary[],
  context: { now: number; timeZone: string; fallback: Status | null },
  uptime?: readonly DayUptime[],
  flag: Html = html``,
): Html {
  return html`<li class="svc" id="svc-${service.slug}" data-service="${service.slug}">
<div class="svc-head"><h3><a href="/services/${encodeURIComponent(service.slug)}">${service.name}</a></h3>${flag}${statusLabel(shownStatus(service, context.fallback))}</div>
${currentMessage(service, context.now, context.timeZone)}
${dayStrip(service, days, history, uptime)}
</li>`;
}
