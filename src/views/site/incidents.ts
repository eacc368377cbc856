import { html, type Html } from '../html.ts';
import type { Service } from '../../domain/resources.ts';
import { STATUS_LABELS, type Impact, type IncidentView } from '../../domain/incidents.ts';
import { layout, type PageChrome } from './layout.ts';
import { statusLabel } from './components.ts';
import { civilMonth, dateTime, isoInstant, plural } from './format.ts';
import { maintenanceHistoryItem, type PublicMaintenance } from './maintenance.ts';

/** Incidents on the public pages: the front-page card, past incidents, the permalink and /history. */

type View = IncidentView<Service>;

const IMPACT_CLASS: Record<Impact, string> = { none: 'l0', minor: 'l1', major: 'l2', critical: 'l3' };
const IMPACT_TEXT: Record<Impact, string> = {
  none: 'No impact',
  minor: 'Minor impact',
  major: 'Major impact',
  critical: 'Critical impact',
};

/** "12 minutes ago" (coarse, as of the render; the exact time stands beside it). */
export function ago(ms: number, now: number): string {
  const minutes = Math.max(0, Math.floor((now - ms) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${plural(minutes, 'minute')} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${plural(hours, 'hour')} ago`;
  return `${plural(Math.floor(hours / 24), 'day')} ago`;
}

function postedAt(ms: number, timeZone: string, now?: number): Html {
  return html`<time datetime="${isoInstant(ms)}"
    >${now === undefined ? '' : `${ago(ms, now)} · `}${dateTime(ms, timeZone)}</time
  >`;
}

function impactBadge(impact: Impact): Html {
  return html`<span class="impact ${IMPACT_CLASS[impact]}">${IMPACT_TEXT[impact]}</span>`;
}

function affectedList(services: readonly Service[], withStatus: boolean): Html {
  if (services.length === 0) return html``;
  return html`<p class="affected">
    Affected:
    ${services.map(
      (s, i) =>
        html`${i > 0 ? ', ' : ''}<a href="/services/${encodeURIComponent(s.slug)}">${s.name}</a>${
          withStatus ? html` (${s.currentEvent ? s.currentEvent.status.name : 'no status yet'})` : ''
        }`,
    )}
  </p>`;
}

/** The card of an unresolved incident, above the services. */
export function incidentCard(view: View, timeZone: string, now: number): Html {
  const i = view.incident;
  const latest = view.updates[0];
  return html`<article class="incident-card ${IMPACT_CLASS[view.impact]}" aria-labelledby="inc-${i.id}">
    <div class="inc-head">
      <h2 id="inc-${i.id}"><a href="/incidents/${i.id}">${i.name}</a></h2>
      ${impactBadge(view.impact)}
    </div>
    ${
      latest
        ? html`<p class="inc-update">
              <strong>${STATUS_LABELS[latest.status]}</strong> – <span class="inc-body">${latest.body}</span>
            </p>
            <p class="inc-time">Posted ${postedAt(latest.displayAt, timeZone, now)}</p>`
        : ''
    }
    ${affectedList(view.services, false)}
  </article>`;
}

/** The cards of every unresolved incident (nothing when there is none). */
export function incidentCards(views: readonly View[], timeZone: string, now: number): Html {
  if (views.length === 0) return html``;
  return html`<section class="incidents" aria-label="Current incidents">
    ${views.map((v) => incidentCard(v, timeZone, now))}
  </section>`;
}

function pastItem(view: View, timeZone: string): Html {
  const i = view.incident;
  const latest = view.updates[0];
  return html`<li>
    <a href="/incidents/${i.id}">${i.name}</a> ${impactBadge(view.impact)}
    <span class="inc-time"
      >${STATUS_LABELS[i.status]}${i.resolvedAt !== null ? html` ${postedAt(i.resolvedAt, timeZone)}` : ''}</span
    >
    ${latest ? html`<p class="inc-body">${latest.body}</p>` : ''}
  </li>`;
}

/** "Past incidents": those resolved in the last 7 days, with a link to the history. */
export function pastIncidents(views: readonly View[], timeZone: string): Html {
  return html`<section class="past-incidents" aria-labelledby="past-title">
    <h2 id="past-title">Past incidents</h2>
    ${
      views.length === 0
        ? html`<p class="empty">No incidents in the last 7 days.</p>`
        : html`<ul class="incident-list">
            ${views.map((v) => pastItem(v, timeZone))}
          </ul>`
    }
    <p><a href="/history">Incident history</a></p>
  </section>`;
}

/** `/incidents/{id}`: the permalink, with Open Graph tags. */
export function incidentPage(chrome: PageChrome, view: View, origin: string, now: number): Html {
  const i = view.incident;
  const tz = chrome.settings.timeZone;
  const latest = view.updates[0];
  const description = latest ? `${STATUS_LABELS[latest.status]} – ${latest.body}`.slice(0, 300) : i.name;
  const url = `${origin}/incidents/${i.id}`;
  const head = html`<meta property="og:type" content="article" />
    <meta property="og:site_name" content="${chrome.settings.siteName}" />
    <meta property="og:title" content="${i.name}" />
    <meta property="og:description" content="${description}" />
    <meta property="og:url" content="${url}" />
    <meta name="twitter:card" content="summary" />
    <link rel="canonical" href="${url}" />`;
  const body = html`<article class="incident-page" aria-labelledby="incident-title">
    <p class="crumbs"><a href="/history">Incident history</a></p>
    <h1 id="incident-title" class="page-title">${i.name}</h1>
    <p class="inc-meta">
      <span class="stage">${STATUS_LABELS[i.status]}</span> ${impactBadge(view.impact)}
      <span>Started ${postedAt(i.startedAt, tz)}</span
      >${i.resolvedAt !== null ? html`<span>Resolved ${postedAt(i.resolvedAt, tz)}</span>` : ''}
    </p>
    ${
      view.services.length > 0
        ? html`<section aria-labelledby="affected-title">
            <h2 id="affected-title">Affected services</h2>
            <ul class="affected-services">
              ${view.services.map(
                (s) =>
                  html`<li>
                    <a href="/services/${encodeURIComponent(s.slug)}">${s.name}</a>
                    ${statusLabel(s.currentEvent?.status)}
                  </li>`,
              )}
            </ul>
          </section>`
        : ''
    }
    <section aria-labelledby="updates-title">
      <h2 id="updates-title">Updates</h2>
      <ol class="updates">
        ${view.updates.map(
          (u) =>
            html`<li>
              <p class="upd-head"><strong>${STATUS_LABELS[u.status]}</strong> ${postedAt(u.displayAt, tz, now)}</p>
              <p class="inc-body">${u.body}</p>
            </li>`,
        )}
      </ol>
    </section>
    ${
      i.postmortemBody !== null
        ? html`<section class="postmortem" aria-labelledby="postmortem-title">
            <h2 id="postmortem-title">Postmortem</h2>
            ${i.postmortemPublishedAt !== null ? html`<p>Published ${postedAt(i.postmortemPublishedAt, tz)}</p>` : ''}
            <p class="inc-body">${i.postmortemBody}</p>
          </section>`
        : ''
    }
  </article>`;
  return layout(chrome, { title: i.name, body, description, head, feed: '/history.rss' });
}

export interface HistoryMonth {
  year: number;
  month: number;
  incidents: View[];
  /** Maintenances of the month (by window start), beside the incidents (§10). */
  maintenances?: PublicMaintenance[];
}

/** A month's incidents and maintenances in one list, newest first (incident start, window start). */
function monthItems(m: HistoryMonth, timeZone: string): Html[] {
  const items = [
    ...m.incidents.map((v) => ({ at: v.incident.startedAt, item: pastItem(v, timeZone) })),
    ...(m.maintenances ?? []).map((v) => ({
      at: v.maintenance.scheduledFor,
      item: maintenanceHistoryItem(v, timeZone),
    })),
  ];
  return items.sort((a, b) => b.at - a.at).map((x) => x.item);
}

/** `/history?page=N`: three months a page, newest first. */
export function historyPage(chrome: PageChrome, months: readonly HistoryMonth[], page: number): Html {
  const tz = chrome.settings.timeZone;
  const body = html`<h1 class="page-title">Incident history</h1>
    ${months.map(
      (m) =>
        html`<section class="history-month" aria-labelledby="m-${m.year}-${m.month}">
          <h2 id="m-${m.year}-${m.month}">${civilMonth(m.year, m.month)}</h2>
          ${
            m.incidents.length + (m.maintenances?.length ?? 0) === 0
              ? html`<p class="empty">No incidents reported</p>`
              : html`<ul class="incident-list">
                  ${monthItems(m, tz)}
                </ul>`
          }
        </section>`,
    )}
    <nav class="pager" aria-label="History pages">
      ${page > 1 ? html`<a href="/history${page === 2 ? '' : `?page=${page - 1}`}" rel="prev">Newer</a>` : ''}
      ${page < 1000 ? html`<a href="/history?page=${page + 1}" rel="next">Older</a>` : ''}
    </nav>`;
  return layout(chrome, { title: 'Incident history', body, feed: '/history.rss' });
}
