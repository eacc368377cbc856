import { html, type Html } from '../html.ts';
import type { Service } from '../../domain/resources.ts';
import type { IncidentUpdate } from '../../domain/incidents.ts';
import {
  MAINTENANCE_LABELS,
  relativeFuture,
  type Maintenance,
  type MaintenanceStatus,
} from '../../domain/maintenance.ts';
import { layout, type PageChrome } from './layout.ts';
import { statusLabel } from './components.ts';
import { dateTime, isoInstant } from './format.ts';

/** Scheduled maintenance on the public pages: the front-page cards (active and next 7 days) and the permalink. */

export interface PublicMaintenance {
  maintenance: Maintenance;
  updates: IncidentUpdate[];
  services: Service[];
}

/** The maintenance the front page shows. */
export interface BoardMaintenance {
  active: PublicMaintenance[];
  upcoming: PublicMaintenance[];
}

function time(ms: number, timeZone: string): Html {
  return html`<time datetime="${isoInstant(ms)}">${dateTime(ms, timeZone)}</time>`;
}

/** "5 Mar 2026, 11:00 CET – 5 Mar 2026, 13:00 CET (Europe/Berlin)": both ends in the site's zone, the zone named. */
export function windowText(m: Maintenance, timeZone: string): Html {
  return html`${time(m.scheduledFor, timeZone)} – ${time(m.scheduledUntil, timeZone)}
    <span class="zone">(${timeZone})</span>`;
}

function affected(services: readonly Service[]): Html {
  if (services.length === 0) return html``;
  return html`<p class="affected">
    Affected:
    ${services.map((s, i) => html`${i > 0 ? ', ' : ''}<a href="/services/${encodeURIComponent(s.slug)}">${s.name}</a>`)}
  </p>`;
}

function stageBadge(status: MaintenanceStatus): Html {
  return html`<span class="maint-badge">Maintenance · ${MAINTENANCE_LABELS[status]}</span>`;
}

/** A maintenance card: blue, its window in the site's zone, the latest update, the affected services. */
export function maintenanceCard(view: PublicMaintenance, timeZone: string, now: number): Html {
  const m = view.maintenance;
  const latest = view.updates[0];
  const upcoming = m.status === 'scheduled';
  return html`<article class="maintenance-card${upcoming ? ' upcoming' : ''}" aria-labelledby="mnt-${m.id}">
    <div class="inc-head">
      <h2 id="mnt-${m.id}"><a href="/incidents/${m.id}">${m.name}</a></h2>
      ${stageBadge(m.status)}
    </div>
    <p class="maint-window">
      ${upcoming ? html`<strong>${relativeFuture(m.scheduledFor, now)}</strong> · ` : ''}${windowText(m, timeZone)}
    </p>
    ${latest ? html`<p class="inc-update"><span class="inc-body">${latest.body}</span></p>` : ''}
    ${affected(view.services)}
  </article>`;
}

/** Active maintenance, then maintenance starting in the next 7 days (nothing when there is none). */
export function maintenanceCards(board: BoardMaintenance, timeZone: string, now: number): Html {
  if (board.active.length === 0 && board.upcoming.length === 0) return html``;
  return html`${
    board.active.length > 0
      ? html`<section class="maintenances" aria-label="Maintenance in progress">
          ${board.active.map((v) => maintenanceCard(v, timeZone, now))}
        </section>`
      : ''
  }${
    board.upcoming.length > 0
      ? html`<section class="maintenances" aria-label="Upcoming maintenance">
          ${board.upcoming.map((v) => maintenanceCard(v, timeZone, now))}
        </section>`
      : ''
  }`;
}

/** A maintenance in `/history`: its name (linking to its permalink), stage, window and latest update. */
export function maintenanceHistoryItem(view: PublicMaintenance, timeZone: string): Html {
  const m = view.maintenance;
  const latest = view.updates[0];
  return html`<li class="maint-item">
    <a href="/incidents/${m.id}">${m.name}</a> ${stageBadge(m.status)}
    <span class="inc-time maint-window">${windowText(m, timeZone)}</span>
    ${latest ? html`<p class="inc-body">${latest.body}</p>` : ''}
  </li>`;
}

/** The mark on a service row while an active maintenance covers it. */
export function underMaintenanceFlag(): Html {
  return html`<span class="maint-flag">Under maintenance</span>`;
}

/** `/incidents/{id}` for a maintenance: name, status, window, affected services, updates newest first. */
export function maintenancePage(chrome: PageChrome, view: PublicMaintenance, origin: string): Html {
  const m = view.maintenance;
  const tz = chrome.settings.timeZone;
  const latest = view.updates[0];
  const url = `${origin}/incidents/${m.id}`;
  const head = html`<meta property="og:type" content="article" />
    <meta property="og:site_name" content="${chrome.settings.siteName}" />
    <meta property="og:title" content="${m.name}" />
    <meta property="og:description" content="${latest ? latest.body.slice(0, 300) : m.name}" />
    <meta property="og:url" content="${url}" />`;
  const body = html`<div class="incident-page maintenance-page">
    <h1>${m.name}</h1>
    <p class="inc-meta">${stageBadge(m.status)}</p>
    <section aria-labelledby="mnt-window">
      <h2 id="mnt-window">Window</h2>
      <p class="maint-window">${windowText(m, tz)}</p>
    </section>
    <section aria-labelledby="mnt-affected">
      <h2 id="mnt-affected">Affected services</h2>
      <ul class="affected-services">
        ${view.services.map(
          (s) =>
            html`<li>
              <a href="/services/${encodeURIComponent(s.slug)}">${s.name}</a> ${statusLabel(s.currentEvent?.status)}
            </li>`,
        )}
      </ul>
    </section>
    <section aria-labelledby="mnt-updates">
      <h2 id="mnt-updates">Updates</h2>
      <ol class="updates">
        ${view.updates.map(
          (u) =>
            html`<li>
              <p class="upd-head">
                <strong>${MAINTENANCE_LABELS[u.status as unknown as MaintenanceStatus]}</strong>
                ${time(u.displayAt, tz)}
              </p>
              <p class="inc-body">${u.body}</p>
            </li>`,
        )}
      </ol>
    </section>
  </div>`;
  return layout(chrome, { title: m.name, body, head });
}
