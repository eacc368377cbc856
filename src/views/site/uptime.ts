import { html, type Html } from '../html.ts';
import type { Service } from '../../domain/resources.ts';
import type { ZonedDay } from '../../domain/calendar.ts';
import { formatDuration, formatUptime, uptimePercent, type DayUptime, type UptimeTotals } from '../../domain/uptime.ts';
import { layout, type PageChrome } from './layout.ts';
import { civilDay, civilMonth } from './format.ts';

export interface UptimePageView {
  months: Array<{ year: number; month: number; days: ZonedDay[] }>;
  last30: UptimeTotals;
  last90: UptimeTotals;
  services: Array<{ service: Service; last30: UptimeTotals; last90: UptimeTotals; days: Map<string, DayUptime> }>;
}

function percentText(totals: UptimeTotals): string {
  const percent = uptimePercent(totals);
  return percent === null ? 'No data' : `${formatUptime(percent)}%`;
}

/** The colour class of a day: its worst non-operational state, else operational, else no data. */
function dayClass(day: DayUptime | undefined): string {
  if (!day || day.counted === 0) return 'ln';
  if (day.major > 0) return 'l3';
  if (day.partial > 0) return 'l2';
  if (day.degraded > 0) return 'l1';
  return 'l0';
}

function dayText(zoned: ZonedDay, day: DayUptime | undefined): string {
  const title = civilDay(zoned.year, zoned.month, zoned.day);
  if (!day || day.counted === 0) return `${title}: no data`;
  const parts: string[] = [];
  if (day.major > 0) parts.push(`major outage ${formatDuration(day.major)}`);
  if (day.partial > 0) parts.push(`partial outage ${formatDuration(day.partial)}`);
  if (day.degraded > 0) parts.push(`degraded ${formatDuration(day.degraded)}`);
  parts.push(`${formatUptime(uptimePercent(day)!)}% uptime`);
  return `${title}: ${parts.join(', ')}`;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A month as a calendar table, weeks from Monday; each day carries its text, colour only repeats it. */
function calendar(name: string, month: UptimePageView['months'][number], days: Map<string, DayUptime>): Html {
  const first = new Date(Date.UTC(month.year, month.month - 1, 1)).getUTCDay();
  const lead = (first + 6) % 7;
  const cells: Html[] = [];
  for (let i = 0; i < lead; i++) cells.push(html`<td></td>`);
  for (const zoned of month.days) {
    const day = days.get(zoned.key);
    const text = dayText(zoned, day);
    cells.push(
      html`<td class="${dayClass(day)}" title="${text}">
        <span aria-hidden="true">${zoned.day}</span><span class="sr-only">${text}</span>
      </td>`,
    );
  }
  const weeks: Html[] = [];
  for (let i = 0; i < cells.length; i += 7)
    weeks.push(
      html`<tr>
        ${cells.slice(i, i + 7)}
      </tr>`,
    );
  return html`<table class="cal">
    <caption>
      ${civilMonth(month.year, month.month)}<span class="sr-only">, ${name}</span>
    </caption>
    <thead>
      <tr>
        ${WEEKDAYS.map((d) => html`<th scope="col" abbr="${d}">${d.slice(0, 2)}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${weeks}
    </tbody>
  </table>`;
}

export function uptimePageView(chrome: PageChrome, view: UptimePageView): Html {
  const body = html`<div class="intro">
      <h1 class="page-title">Uptime</h1>
      <p>
        All services together: <strong>${percentText(view.last30)}</strong> over the last 30 days,
        <strong>${percentText(view.last90)}</strong> over the last 90 days.
      </p>
    </div>
    ${view.services.length === 0 ? html`<p class="empty">No services yet.</p>` : ''}
    <ul class="uptime-list">
      ${view.services.map(
        (s) =>
          html`<li class="card uptime-service" id="uptime-${s.service.slug}">
            <div class="svc-head">
              <h2><a href="/services/${encodeURIComponent(s.service.slug)}">${s.service.name}</a></h2>
              <p class="uptime-figures">
                <span><strong>${percentText(s.last30)}</strong> 30 days</span>
                <span><strong>${percentText(s.last90)}</strong> 90 days</span>
              </p>
            </div>
            <div class="cals">${view.months.map((m) => calendar(s.service.name, m, s.days))}</div>
          </li>`,
      )}
    </ul>
    <section class="card prose" aria-labelledby="how">
      <h2 id="how">How uptime is counted</h2>
      <p>
        Uptime is counted per calendar day in the ${chrome.settings.timeZone} time zone, from each service's status
        history. Time in a major outage counts fully as downtime, time in a partial outage counts 30&nbsp;%, as
        Statuspage counts it; degraded performance and scheduled maintenance are not downtime. Days before a service's
        first status are not counted. Figures are rounded down, so any downtime shows below 100&nbsp;%.
      </p>
      <ul class="cal-legend">
        <li><span class="sw l0" aria-hidden="true"></span>Operational all day</li>
        <li><span class="sw l1" aria-hidden="true"></span>Degraded performance</li>
        <li><span class="sw l2" aria-hidden="true"></span>Partial outage</li>
        <li><span class="sw l3" aria-hidden="true"></span>Major outage</li>
        <li><span class="sw ln" aria-hidden="true"></span>No data</li>
      </ul>
    </section>`;
  return layout(chrome, { title: 'Uptime', description: 'Uptime over the last 30 and 90 days', body });
}
