import { plural } from '../site/format.ts';
import { html, type Html } from '../html.ts';
import type { Service } from '../../domain/resources.ts';
import type { IncidentUpdate } from '../../domain/incidents.ts';
import { INCIDENT_LIMITS } from '../../domain/incidents.ts';
import {
  canTransition,
  MAINTENANCE_AUTHOR,
  MAINTENANCE_LABELS,
  MAINTENANCE_STATUSES,
  type Maintenance,
  type MaintenanceStatus,
  isActive,
} from '../../domain/maintenance.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { checkbox, errorSummary, input, radios, textarea, type FormState } from './forms.ts';
import { time } from './time.ts';
import { statusBadge } from './dashboard.ts';
import { eventSource } from './event-source.ts';

/** Scheduled maintenance in the admin site: the list, the schedule form, one maintenance, the dashboard panel. */

export interface AdminMaintenance {
  maintenance: Maintenance;
  updates: IncidentUpdate[];
  services: Service[];
}

/** The form's fields and their names for people (error messages and the summary use them). */
export const MAINTENANCE_FIELDS: Record<string, string> = {
  name: 'Name',
  services: 'Affected services',
  start_date: 'Start date',
  start_time: 'Start time',
  end_date: 'End date',
  end_time: 'End time',
  body: 'Message',
  stage: 'Stage',
};

const label = (status: MaintenanceStatus) => MAINTENANCE_LABELS[status];

function stageBadge(status: MaintenanceStatus): Html {
  return html`<span class="maint-stage maint-${status}">${label(status)}</span>`;
}

/** "5 Mar 2026, 11:00 – 5 Mar 2026, 13:00 (Europe/Berlin)". */
function windowOf(m: Maintenance, timeZone: string): Html {
  return html`${time(m.scheduledFor, timeZone)} – ${time(m.scheduledUntil, timeZone)}
    <span class="muted">(${timeZone})</span>`;
}

function servicePicker(services: readonly Service[], chosen: ReadonlySet<string>, state: FormState, p: string): Html {
  const error = state.errors.services;
  return html`<fieldset
    id="${p}-services"
    class="service-picker"
    ${error ? html` aria-describedby="${p}-services-error"` : ''}
  >
    <legend>Affected services</legend>
    ${error ? html`<span class="error" id="${p}-services-error">${error}</span>` : ''}
    <div class="choices">
      ${services.map(
        (s, i) =>
          html`<label class="choice"
            ><input
              type="checkbox"
              name="services"
              value="${s.slug}"
              id="${p}-svc-${i}"
              ${chosen.has(s.slug) ? html` checked` : ''}
            /><span>${s.name}</span></label
          >`,
      )}
    </div>
  </fieldset>`;
}

/** A date and a time side by side, in the site's zone (named in the legend). */
function whenFields(state: FormState, p: string, which: 'start' | 'end', legend: string, timeZone: string): Html {
  return html`<fieldset class="when" id="${p}-${which}">
    <legend>${legend} <span class="zone">(${timeZone})</span></legend>
    <div class="when-pair">
      ${input({ state, idPrefix: p, name: `${which}_date`, label: 'Date', type: 'date', required: true })}
      ${input({ state, idPrefix: p, name: `${which}_time`, label: 'Time', type: 'time', required: true })}
    </div>
  </fieldset>`;
}

function flags(state: FormState, p: string): Html {
  return html`${checkbox({
    state,
    idPrefix: p,
    name: 'auto_start',
    label: 'Start by itself at the start time',
    checked: state.values.auto_start === 'true',
  })}
  ${checkbox({
    state,
    idPrefix: p,
    name: 'auto_complete',
    label: 'Complete by itself at the end time',
    checked: state.values.auto_complete === 'true',
  })}`;
}

export interface ScheduleFormData {
  services: Service[];
  state: FormState;
  chosen: string[];
  timeZone: string;
}

/** "Schedule maintenance": phone first; the window defaults to the next full hour, for an hour. */
export function scheduleMaintenancePage(chrome: Chrome, data: ScheduleFormData): Html {
  const { state } = data;
  const p = 'mnt';
  const body = html`${errorSummary(state, p)}
    <form method="post" action="/admin/maintenance" class="stack maintenance-form" novalidate>
      ${csrfField(chrome)}
      ${input({ state, idPrefix: p, name: 'name', label: 'Name', required: true, maxlength: INCIDENT_LIMITS.name })}
      ${servicePicker(data.services, new Set(data.chosen), state, p)}
      ${whenFields(state, p, 'start', 'Starts', data.timeZone)}
      ${whenFields(state, p, 'end', 'Ends', data.timeZone)}
      ${textarea({
        state,
        idPrefix: p,
        name: 'body',
        label: 'Message',
        hint: 'What will happen, and what customers may notice.',
        required: true,
        rows: 3,
        maxlength: INCIDENT_LIMITS.body,
      })}
      ${flags(state, p)}
      ${checkbox({
        state,
        idPrefix: p,
        name: 'notify',
        label: 'Notify subscribers (scheduled, started, completed)',
        checked: state.values.notify === 'true',
      })}
      <div class="row">
        <button type="submit">Schedule the maintenance</button> <a href="/admin/maintenance">Cancel</a>
      </div>
    </form>`;
  return page(chrome, 'Schedule maintenance', body);
}

export interface MaintenancePageData {
  services: Service[];
  timeZone: string;
  /** The update form as last submitted. */
  update?: FormState;
  /** The edit form as last submitted. */
  edit?: FormState;
  /** A refusal of a start, completion or cancellation. */
  refusal?: string;
}

function stageOptions(from: MaintenanceStatus) {
  return MAINTENANCE_STATUSES.filter((to) => canTransition(from, to)).map((to) => ({
    value: to,
    label: to === from ? `${label(to)} (a note)` : to === 'completed' && from === 'scheduled' ? 'Cancelled' : label(to),
  }));
}

/** A one-button form that moves the maintenance (start now, complete now, cancel). */
function actionButton(chrome: Chrome, id: string, action: string, text: string, danger = false): Html {
  return html`<form method="post" action="/admin/maintenance/${id}/${action}" class="inline">
    ${csrfField(chrome)}<button type="submit"${danger ? html` class="danger"` : html` class="secondary"`}>${text}</button>
  </form>`;
}

/** The edit form's values as the maintenance stands (dates in the site's zone). */
export interface EditDefaults {
  values: Record<string, string>;
  chosen: string[];
}

/** One maintenance: facts, what may happen next, an update, the window, every update. */
export function maintenanceAdminPage(
  chrome: Chrome,
  view: AdminMaintenance,
  data: MaintenancePageData,
  defaults: EditDefaults,
): Html {
  const m = view.maintenance;
  const tz = data.timeZone;
  const update = data.update ?? { values: { notify: 'true' }, errors: {} };
  const edit = data.edit ?? { values: defaults.values, errors: {} };
  const chosen = new Set(data.edit ? (data.edit.values.services ?? '').split(',').filter(Boolean) : defaults.chosen);
  const actions = [
    m.status === 'scheduled' ? actionButton(chrome, m.id, 'start', 'Start now') : '',
    m.status !== 'scheduled' && m.status !== 'completed' ? actionButton(chrome, m.id, 'complete', 'Complete now') : '',
    m.status === 'scheduled' ? actionButton(chrome, m.id, 'cancel', 'Cancel the maintenance', true) : '',
  ];
  const body = html`<p class="maint-facts">
      ${stageBadge(m.status)} · ${windowOf(m, tz)}
      ${m.resolvedAt !== null ? html`· completed ${time(m.resolvedAt, tz)}` : ''} ·
      <a href="/incidents/${m.id}">Public page</a> · <a href="/admin/maintenance/${m.id}/delete">Delete</a>
    </p>
    <p class="small">
      ${m.autoStart ? 'Starts by itself' : 'Starts by hand'} · ${m.autoComplete ? 'completes by itself' : 'completes by hand'}
    </p>
    <ul class="affected-list">
      ${view.services.map(
        (s) =>
          html`<li>
            ${s.name}: ${s.currentEvent ? statusBadge(s.currentEvent.status) : html`<span class="muted">no status yet</span>`}
          </li>`,
      )}
    </ul>
    ${
      data.refusal
        ? html`<div class="alert" role="alert" tabindex="-1" autofocus><h2>That was refused</h2><p>${data.refusal}</p></div>`
        : ''
    }
    ${m.status !== 'completed' ? html`<div class="row maint-actions">${actions}</div>` : ''}
    <section class="card" aria-labelledby="post-update">
      <h2 id="post-update">Post an update</h2>
      ${errorSummary(update, 'upd')}
      <form method="post" action="/admin/maintenance/${m.id}/updates" class="stack" novalidate>
        ${csrfField(chrome)}
        ${radios({
          state: update,
          idPrefix: 'upd',
          name: 'stage',
          label: 'Stage',
          className: 'stage-picker',
          value: m.status,
          options: stageOptions(m.status),
        })}
        ${textarea({ state: update, idPrefix: 'upd', name: 'body', label: 'Message', required: true, rows: 3, maxlength: INCIDENT_LIMITS.body })}
        ${checkbox({ state: update, idPrefix: 'upd', name: 'notify', label: 'Notify subscribers', checked: update.values.notify === 'true' })}
        <div class="row"><button type="submit">Post the update</button></div>
      </form>
    </section>
    ${
      m.status === 'completed'
        ? html`${data.edit ? errorSummary(data.edit, 'edit') : ''}
            <p class="muted">The maintenance is completed: its window no longer moves.</p>`
        : html`<section class="card" aria-labelledby="edit-window">
            <h2 id="edit-window">Change the maintenance</h2>
            ${errorSummary(edit, 'edit')}
            <form method="post" action="/admin/maintenance/${m.id}/edit" class="stack maintenance-form" novalidate>
              ${csrfField(chrome)}
              ${input({ state: edit, idPrefix: 'edit', name: 'name', label: 'Name', required: true, maxlength: INCIDENT_LIMITS.name })}
              ${servicePicker(data.services, chosen, edit, 'edit')}
              ${whenFields(edit, 'edit', 'start', 'Starts', tz)}
              ${whenFields(edit, 'edit', 'end', 'Ends', tz)}
              ${flags(edit, 'edit')}
              <div class="row"><button type="submit">Save the changes</button></div>
            </form>
          </section>`
    }
    <section class="card" aria-labelledby="updates">
      <h2 id="updates">Updates</h2>
      <ol class="update-list">
        ${view.updates.map(
          (u) =>
            html`<li id="update-${u.id}">
              <p>
                <strong>${label(u.status as unknown as MaintenanceStatus)}</strong> · ${time(u.displayAt, tz)} ·
                <span class="muted small"
                  >${u.author === MAINTENANCE_AUTHOR ? 'automatic' : eventSource(u.author).label}</span
                >
              </p>
              <p class="message">${u.body}</p>
            </li>`,
        )}
      </ol>
    </section>`;
  return page(chrome, m.name, body);
}

function maintenanceItems(views: readonly AdminMaintenance[], timeZone: string, empty: string): Html {
  if (views.length === 0) return html`<p class="muted small">${empty}</p>`;
  return html`<ul class="maintenance-index">
    ${views.map(
      (v) =>
        html`<li>
          <a href="/admin/maintenance/${v.maintenance.id}">${v.maintenance.name}</a> · ${stageBadge(v.maintenance.status)}
          <br /><span class="small">${windowOf(v.maintenance, timeZone)}</span>
          <br /><span class="small muted">${v.services.map((s) => s.name).join(', ')}</span>
        </li>`,
    )}
  </ul>`;
}

export interface MaintenanceLists {
  active: AdminMaintenance[];
  upcoming: AdminMaintenance[];
  completed: AdminMaintenance[];
}

/** What deleting a maintenance loses, for its confirmation page. */
export function maintenanceDeletionText(view: AdminMaintenance): Html {
  const m = view.maintenance;
  const updates = view.updates.length;
  return html`<p>
      Deleting the maintenance <strong>${m.name}</strong> also deletes <strong>${plural(updates, 'update')}</strong>.
      Its public page <code>/incidents/${m.id}</code> answers “not found” from then on, and it leaves the front page,
      the calendar, the feeds and the Statuspage v2 lists.
    </p>
    <p>
      ${
        isActive(m.status)
          ? html`It is in progress: its services stop showing “under maintenance” at once, and subscribers to
              component changes are told of their status as it then is.`
          : html`It is not in progress: no service’s shown status changes.`
      }
      The status changes it posted stay in the services’ histories, no longer linked to it. This cannot be undone.
    </p>`;
}

/** Every maintenance that matters now: in progress, upcoming, recently completed. */
export function maintenanceListPage(chrome: Chrome, lists: MaintenanceLists, timeZone: string): Html {
  const body = html`<p><a class="button" href="/admin/maintenance/new">Schedule maintenance</a></p>
    <section class="card maint-panel" aria-labelledby="active-title">
      <h2 id="active-title">In progress</h2>
      ${maintenanceItems(lists.active, timeZone, 'No maintenance in progress.')}
    </section>
    <section class="card" aria-labelledby="upcoming-title">
      <h2 id="upcoming-title">Upcoming</h2>
      ${maintenanceItems(lists.upcoming, timeZone, 'No maintenance scheduled.')}
    </section>
    <section class="card" aria-labelledby="completed-title">
      <h2 id="completed-title">Recently completed</h2>
      ${maintenanceItems(lists.completed, timeZone, 'None in the last 30 days.')}
    </section>`;
  return page(chrome, 'Maintenance', body);
}

/** The maintenance section of the admin landing page: what is in progress and what is coming. */
export function dashboardMaintenance(
  active: readonly AdminMaintenance[],
  upcoming: readonly AdminMaintenance[],
  timeZone: string,
): Html {
  return html`<section class="card maint-panel" aria-labelledby="maintenance-title">
    <div class="row">
      <h2 id="maintenance-title">Maintenance</h2>
      <a class="button secondary" href="/admin/maintenance/new">Schedule maintenance</a>
    </div>
    ${
      active.length + upcoming.length === 0
        ? html`<p class="muted small">Nothing in progress or scheduled. <a href="/admin/maintenance">All maintenance</a></p>`
        : html`${maintenanceItems([...active, ...upcoming], timeZone, '')}
            <p class="small"><a href="/admin/maintenance">All maintenance</a></p>`
    }
  </section>`;
}
