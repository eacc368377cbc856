import { plural } from '../site/format.ts';
import { html, type Html } from '../html.ts';
import type { Service, Status } from '../../domain/resources.ts';
import {
  IMPACTS,
  INCIDENT_LIMITS,
  INCIDENT_STATUSES,
  STATUS_LABELS,
  type IncidentTemplate,
  type IncidentView,
} from '../../domain/incidents.ts';
import { statusImagePath } from '../../domain/status-images.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { EMPTY_FORM, errorSummary, input, radios, select, textarea, type FormState } from './forms.ts';
import { time } from './time.ts';
import { statusBadge } from './dashboard.ts';

type View = IncidentView<Service>;

const STAGES = INCIDENT_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }));

/** Services not at the default status first (they are the likely ones), then the others, each by name. */
function servicesForPicking(services: readonly Service[]): Service[] {
  const troubled = (s: Service) => s.currentEvent !== null && !s.currentEvent.status.isDefault;
  return [...services.filter(troubled), ...services.filter((s) => !troubled(s))];
}

function statusChoices(statuses: readonly Status[], keep: string) {
  return [
    { value: '', label: keep },
    ...statuses.map((s) => ({ value: s.slug, label: s.name, icon: statusImagePath(s.image) })),
  ];
}

/** The services of a form as checkboxes, each with its current status; the chosen ones stay checked. */
function servicePicker(
  services: readonly Service[],
  chosen: ReadonlySet<string>,
  state: FormState,
  idPrefix: string,
  legend: string,
): Html {
  const error = state.errors.services;
  return html`<fieldset
    id="${idPrefix}-services"
    class="service-picker"
    ${error ? html` aria-describedby="${idPrefix}-services-error"` : ''}
  >
    <legend>${legend}</legend>
    ${error ? html`<span class="error" id="${idPrefix}-services-error">${error}</span>` : ''}
    <div class="choices">
      ${servicesForPicking(services).map(
        (s, i) =>
          html`<label class="choice"
            ><input
              type="checkbox"
              name="services"
              value="${s.slug}"
              id="${idPrefix}-svc-${i}"
              ${chosen.has(s.slug) ? html` checked` : ''}
            /><span>${s.name}</span
            >${s.currentEvent ? html` <span class="muted small">(${s.currentEvent.status.name})</span>` : ''}</label
          >`,
      )}
    </div>
  </fieldset>`;
}

/** Per-service statuses, folded away: "same as above" unless changed. */
function perService(
  services: readonly Service[],
  statuses: readonly Status[],
  state: FormState,
  idPrefix: string,
): Html {
  return html`<details class="per-service">
    <summary>Adjust the status per service</summary>
    ${services.map((s) => {
      const name = `status_${s.slug}`;
      const error = state.errors[`components[${s.slug}]`];
      const chosen = state.values[name] ?? '';
      return html`<div class="field">
        <label for="${idPrefix}-${name}">Status of ${s.name}</label>
        ${error ? html`<span class="error" id="${idPrefix}-${name}-error">${error}</span>` : ''}
        <select id="${idPrefix}-${name}" name="${name}">
          <option value="">Same as above</option>
          ${statuses.map((st) => html`<option value="${st.slug}" ${st.slug === chosen ? html` selected` : ''}>${st.name}</option>`)}
        </select>
      </div>`;
    })}
  </details>`;
}

export interface NewIncidentData {
  services: Service[];
  statuses: Status[];
  templates: IncidentTemplate[];
  state: FormState;
  /** Services checked when the form is new (from a suggestion, or none). */
  chosen: string[];
}

/** The "Open an incident" form: phone first (name, services, one status for all, stage, message). */
export function newIncidentPage(chrome: Chrome, data: NewIncidentData): Html {
  const { state } = data;
  const p = 'inc';
  const chosen = new Set(data.chosen);
  const body = html`${
    data.templates.length > 0
      ? html`<p class="templates small">
            Start from a template:
            ${data.templates.map(
              (t, i) => html`${i > 0 ? ' · ' : ''}<a href="/admin/incidents/new?template=${t.id}">${t.name}</a>`,
            )}
          </p>`
      : ''
  }
    ${errorSummary(state, p)}
    <form method="post" action="/admin/incidents" class="stack incident-form" novalidate>
      ${csrfField(chrome)}
      ${input({ state, idPrefix: p, name: 'name', label: 'Name', required: true, maxlength: INCIDENT_LIMITS.name })}
      ${servicePicker(data.services, chosen, state, p, 'Affected services')}
      ${radios({
        state,
        idPrefix: p,
        name: 'status',
        label: 'Set them to',
        className: 'status-picker',
        value: '',
        options: statusChoices(data.statuses, 'Leave as they are'),
      })}
      ${perService(data.services, data.statuses, state, p)}
      ${radios({ state, idPrefix: p, name: 'stage', label: 'Stage', className: 'stage-picker', value: 'investigating', options: STAGES })}
      ${textarea({ state, idPrefix: p, name: 'body', label: 'Message', required: true, rows: 3, maxlength: INCIDENT_LIMITS.body })}
      <div class="row"><button type="submit">Open the incident</button> <a href="/admin/incidents">Cancel</a></div>
    </form>`;
  return page(chrome, 'Open an incident', body);
}

function impactText(view: View): string {
  return `${view.impact === 'none' ? 'No' : view.impact[0]!.toUpperCase() + view.impact.slice(1)} impact`;
}

/** One incident: its facts, a form for the next update, every update (editable) and the postmortem. */
export function incidentAdminPage(
  chrome: Chrome,
  view: View,
  data: {
    statuses: Status[];
    timeZone: string;
    state?: FormState;
    editing?: { id: string; state: FormState };
    postmortem?: FormState;
  },
): Html {
  const i = view.incident;
  const state = data.state ?? EMPTY_FORM;
  const p = 'upd';
  const resolved = i.status === 'resolved' || i.status === 'postmortem';
  const defaultStatus = data.statuses.find((s) => s.isDefault);
  const body = html`<p class="incident-facts">
      <strong>${STATUS_LABELS[i.status]}</strong> · ${impactText(view)} · started ${time(i.startedAt, data.timeZone)}
      ${i.resolvedAt !== null ? html`· resolved ${time(i.resolvedAt, data.timeZone)}` : ''} ·
      <a href="/incidents/${i.id}">Public page</a> · <a href="/admin/incidents/${i.id}/edit">Edit</a> ·
      <a href="/admin/incidents/${i.id}/delete">Delete</a>
    </p>
    ${
      view.services.length > 0
        ? html`<ul class="affected-list">
            ${view.services.map(
              (s) =>
                html`<li>
                  ${s.name}:
                  ${s.currentEvent ? statusBadge(s.currentEvent.status) : html`<span class="muted">no status yet</span>`}
                </li>`,
            )}
          </ul>`
        : html`<p class="muted">No services affected.</p>`
    }
    <section class="card" aria-labelledby="post-update">
      <h2 id="post-update">Post an update</h2>
      ${errorSummary(state, p)}
      <form method="post" action="/admin/incidents/${i.id}/updates" class="stack" novalidate>
        ${csrfField(chrome)}
        ${radios({
          state,
          idPrefix: p,
          name: 'stage',
          label: 'Stage',
          className: 'stage-picker',
          value: resolved ? 'resolved' : i.status,
          options: resolved ? STAGES.filter((s) => s.value === 'resolved') : STAGES,
        })}
        ${
          view.services.length > 0
            ? html`${radios({
                state,
                idPrefix: p,
                name: 'status',
                label: 'Set the affected services to',
                className: 'status-picker',
                value: '',
                options: statusChoices(data.statuses, 'Leave as they are'),
              })}
                ${perService(view.services, data.statuses, state, p)}
                <div class="field">
                  <label class="check" for="${p}-return_to_default"
                    ><input
                      type="checkbox"
                      id="${p}-return_to_default"
                      name="return_to_default"
                      value="true"
                      ${state.values.return_to_default === 'true' ? html` checked` : ''}
                    />
                    When resolving, return every affected service to
                    ${defaultStatus?.name ?? 'the default status'}</label
                  >
                  ${
                    state.errors.return_to_default
                      ? html`<span class="error" id="${p}-return_to_default-error"
                          >${state.errors.return_to_default}</span
                        >`
                      : ''
                  }
                </div>`
            : ''
        }
        ${textarea({ state, idPrefix: p, name: 'body', label: 'Message', required: true, rows: 3, maxlength: INCIDENT_LIMITS.body })}
        <div class="row"><button type="submit">Post the update</button></div>
      </form>
    </section>
    <section class="card" aria-labelledby="updates">
      <h2 id="updates">Updates</h2>
      <ol class="update-list">
        ${view.updates.map((u) => {
          const editState = data.editing?.id === u.id ? data.editing.state : { values: { body: u.body }, errors: {} };
          const ep = `edit-${u.id}`;
          return html`<li id="update-${u.id}">
            <p>
              <strong>${STATUS_LABELS[u.status]}</strong> · ${time(u.displayAt, data.timeZone)}
              ${u.updatedAt !== u.createdAt ? html`<span class="muted small">(edited)</span>` : ''}
            </p>
            <p class="message">${u.body}</p>
            ${
              u.affectedComponents
                ? html`<p class="muted small">
                    ${u.affectedComponents.map((a) => `${a.name}: ${a.old_status.replace(/_/g, ' ')} → ${a.new_status.replace(/_/g, ' ')}`).join('; ')}
                  </p>`
                : ''
            }
            <details ${data.editing?.id === u.id ? html` open` : ''}>
              <summary>Edit this update</summary>
              ${errorSummary(editState, ep)}
              <form method="post" action="/admin/incidents/${i.id}/updates/${u.id}" class="stack" novalidate>
                ${csrfField(chrome)}
                ${textarea({ state: editState, idPrefix: ep, name: 'body', label: 'Message', required: true, rows: 3, maxlength: INCIDENT_LIMITS.body })}
                <div class="row"><button type="submit">Save the correction</button></div>
              </form>
            </details>
          </li>`;
        })}
      </ol>
    </section>
    ${
      resolved
        ? html`<section class="card" aria-labelledby="postmortem">
            <h2 id="postmortem">Postmortem</h2>
            ${errorSummary(data.postmortem ?? EMPTY_FORM, 'pm')}
            <form method="post" action="/admin/incidents/${i.id}/postmortem" class="stack" novalidate>
              ${csrfField(chrome)}
              ${textarea({
                state: data.postmortem ?? { values: { body: i.postmortemBody ?? '' }, errors: {} },
                idPrefix: 'pm',
                name: 'body',
                label: 'Postmortem',
                required: true,
                rows: 6,
                maxlength: INCIDENT_LIMITS.postmortem,
              })}
              <div class="row">
                <button type="submit">${i.postmortemBody === null ? 'Publish' : 'Replace'} the postmortem</button>
              </div>
            </form>
          </section>`
        : ''
    }
    <section class="card" aria-labelledby="as-template">
      <h2 id="as-template">Save as a template</h2>
      <form method="post" action="/admin/incidents/templates" class="stack" novalidate>
        ${csrfField(chrome)}
        <input type="hidden" name="title" value="${i.name}" />
        <input type="hidden" name="body" value="${view.updates.at(-1)?.body ?? ''}" />
        ${input({ state: EMPTY_FORM, idPrefix: 'tpl', name: 'name', label: 'Template name', required: true, value: i.name, maxlength: INCIDENT_LIMITS.name })}
        <div class="row"><button type="submit">Save the name and first message as a template</button></div>
      </form>
    </section>`;
  return page(chrome, i.name, body);
}

/** The incidents section of the admin landing page: open incidents and what automation found. */
export function dashboardIncidents(open: readonly View[], suggestions: readonly Service[]): Html {
  return html`<section class="card incidents-panel" aria-labelledby="incidents-title">
    <div class="row">
      <h2 id="incidents-title">Incidents</h2>
      <a class="button" href="/admin/incidents/new">Open an incident</a>
    </div>
    ${suggestions.map(
      (s) =>
        html`<p class="suggestion">
          Automation set <strong>${s.name}</strong> to ${s.currentEvent!.status.name}:
          “${s.currentEvent!.message.slice(0, 200)}”.
          <a
            href="/admin/incidents/new?service=${encodeURIComponent(s.slug)}&amp;status=${encodeURIComponent(s.currentEvent!.status.slug)}&amp;message=${encodeURIComponent(s.currentEvent!.message.slice(0, 500))}"
            >Open an incident for ${s.name}</a
          >
        </p>`,
    )}
    ${
      open.length > 0
        ? html`<ul class="open-incidents">
            ${open.map(
              (v) =>
                html`<li>
                  <a href="/admin/incidents/${v.incident.id}">${v.incident.name}</a> ·
                  ${STATUS_LABELS[v.incident.status]}
                </li>`,
            )}
          </ul>`
        : html`<p class="muted small">No open incident. <a href="/admin/incidents">All incidents</a></p>`
    }
  </section>`;
}

/** Every incident, newest first, and the templates. */
export function incidentListPage(
  chrome: Chrome,
  views: readonly View[],
  templates: readonly IncidentTemplate[],
  timeZone: string,
  templateState: FormState = EMPTY_FORM,
): Html {
  const body = html`<p><a class="button" href="/admin/incidents/new">Open an incident</a></p>
    <section class="card" aria-labelledby="all-incidents">
      <h2 id="all-incidents">Incidents</h2>
      ${
        views.length === 0
          ? html`<p class="muted">No incidents yet.</p>`
          : html`<ul class="incident-index">
              ${views.map(
                (v) =>
                  html`<li>
                    <a href="/admin/incidents/${v.incident.id}">${v.incident.name}</a> ·
                    ${STATUS_LABELS[v.incident.status]} · ${time(v.incident.startedAt, timeZone)}
                  </li>`,
              )}
            </ul>`
      }
    </section>
    <section class="card" aria-labelledby="templates-title">
      <h2 id="templates-title">Templates</h2>
      ${
        templates.length === 0
          ? html`<p class="muted">No templates yet.</p>`
          : html`<ul>
              ${templates.map(
                (t) =>
                  html`<li>
                    <a href="/admin/incidents/new?template=${t.id}">${t.name}</a>
                    <form method="post" action="/admin/incidents/templates/${t.id}/delete" class="inline">
                      ${csrfField(chrome)}<button type="submit" class="link">Delete ${t.name}</button>
                    </form>
                  </li>`,
              )}
            </ul>`
      }
      ${errorSummary(templateState, 'tpl')}
      <form method="post" action="/admin/incidents/templates" class="stack" novalidate>
        ${csrfField(chrome)}
        ${input({ state: templateState, idPrefix: 'tpl', name: 'name', label: 'Template name', required: true, maxlength: INCIDENT_LIMITS.name })}
        ${input({ state: templateState, idPrefix: 'tpl', name: 'title', label: 'Incident name', required: true, maxlength: INCIDENT_LIMITS.name })}
        ${textarea({ state: templateState, idPrefix: 'tpl', name: 'body', label: 'Message', required: true, rows: 3, maxlength: INCIDENT_LIMITS.body })}
        <div class="row"><button type="submit">Save the template</button></div>
      </form>
    </section>`;
  return page(chrome, 'Incidents', body);
}

const IMPACT_CHOICES = [
  { value: '', label: 'Computed from the services' },
  ...IMPACTS.map((impact) => ({ value: impact, label: `${impact[0]!.toUpperCase()}${impact.slice(1)} impact` })),
];

/**
 * Editing an incident: its name, affected services and impact. Statuses change only by
 * posting an update (each change posts an event), so the page links there instead.
 */
export function editIncidentPage(
  chrome: Chrome,
  view: View,
  services: readonly Service[],
  state: FormState,
  chosen: readonly string[],
): Html {
  const i = view.incident;
  const p = 'edit';
  const body = html`<div class="card">
      ${errorSummary(state, p)}
      <form method="post" action="/admin/incidents/${i.id}/edit" class="stack incident-form" novalidate>
        ${csrfField(chrome)}
        ${input({ state, idPrefix: p, name: 'name', label: 'Name', required: true, value: i.name, maxlength: INCIDENT_LIMITS.name })}
        ${servicePicker(services, new Set(chosen), state, p, 'Affected services')}
        <p class="hint">
          A service you untick leaves the incident; its status stays as it is. To change statuses,
          <a href="/admin/incidents/${i.id}#post-update">post an update</a>.
        </p>
        ${select({
          state,
          idPrefix: p,
          name: 'impact_override',
          label: 'Impact',
          value: i.impactOverride ?? '',
          options: IMPACT_CHOICES,
          hint: `Shown now: ${impactText(view).toLowerCase()}.`,
        })}
        <div class="row">
          <button type="submit">Save the incident</button> <a href="/admin/incidents/${i.id}">Cancel</a>
        </div>
      </form>
    </div>
    <p>
      To correct the text of an update, use “Edit this update” under it on
      <a href="/admin/incidents/${i.id}#updates">the incident’s page</a>.
    </p>
    <p><a href="/admin/incidents/${i.id}/delete">Delete ${i.name}</a></p>`;
  return page(chrome, `Edit ${i.name}`, body);
}

/** What deleting an incident loses, for its confirmation page. */
export function incidentDeletionText(view: View): Html {
  const i = view.incident;
  const updates = view.updates.length;
  const events = view.updates.reduce((n, u) => n + u.events.length, 0);
  return html`<p>
      Deleting the incident <strong>${i.name}</strong> also deletes <strong>${plural(updates, 'update')}</strong>${
        i.postmortemBody !== null ? html` and its <strong>postmortem</strong>` : ''
      }. Its public page <code>/incidents/${i.id}</code> answers “not found” from then on (links already shared
      stop working), and it leaves the front page, <code>/history</code>, the feeds and the Statuspage v2 lists.
    </p>
    <p>
      ${
        events > 0
          ? html`The ${plural(events, 'status change')} it posted stay in the services’ histories (uptime
              is unchanged), no longer linked to an incident.`
          : html`It posted no status change: no service’s history changes.`
      }
      Subscribers are not told. This cannot be undone.
    </p>`;
}
