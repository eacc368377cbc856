import { html, type Html } from '../html.ts';
import type { Status } from '../../domain/resources.ts';
import { LEVELS } from '../../domain/levels.ts';
import { COMPONENT_STATUSES, COMPONENT_STATUS_LABELS, defaultComponentStatus } from '../../domain/component-status.ts';
import { STATUS_IMAGE_NAMES, statusImagePath } from '../../domain/status-images.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { checkbox, errorSummary, input, radios, select, textarea, type FormState } from './forms.ts';
import { statusBadge } from './dashboard.ts';

function statusFields(state: FormState, prefix: string, status?: Status): Html {
  return html`
    ${input({ state, idPrefix: prefix, name: 'name', label: 'Name', required: true, maxlength: 100, value: status?.name })}
    ${textarea({ state, idPrefix: prefix, name: 'description', label: 'Description', required: true, maxlength: 1000, value: status?.description })}
    ${select({
      state,
      idPrefix: prefix,
      name: 'level',
      label: 'Level',
      value: status?.level ?? 'NORMAL',
      hint: 'How bad it is: NORMAL, WARNING, ERROR or CRITICAL.',
      options: LEVELS.map((l) => ({ value: l, label: l })),
    })}
    ${select({
      state,
      idPrefix: prefix,
      name: 'component_status',
      label: 'Component status',
      // Shown as "the level's default" when it is, so that a level change carries it along.
      value: status && status.componentStatus !== defaultComponentStatus(status.level) ? status.componentStatus : '',
      hint: "What it means to Statuspage clients and for uptime: a major outage counts fully as downtime, a partial outage 30%. The level's default: NORMAL operational, WARNING degraded performance, ERROR partial outage, CRITICAL major outage. NORMAL statuses are always operational, other levels never.",
      options: [
        { value: '', label: "The level's default" },
        ...COMPONENT_STATUSES.map((c) => ({ value: c, label: COMPONENT_STATUS_LABELS[c] })),
      ],
    })}
    ${radios({
      state,
      idPrefix: prefix,
      name: 'image',
      label: 'Icon',
      className: 'icons',
      value: status?.image ?? '',
      required: true,
      options: STATUS_IMAGE_NAMES.map((name) => ({ value: name, label: name, icon: statusImagePath(name) })),
    })}
    ${
      status?.isDefault
        ? html`<p class="muted">This is the default status (for services without events). Make another status the default to change that.</p>`
        : checkbox({
            state,
            idPrefix: prefix,
            name: 'default',
            label: 'Make this the default status',
            checked: state.values.default === 'true',
            hint: 'Services without events show the default status.',
          })
    }`;
}

export function statusesPage(chrome: Chrome, statuses: Status[]): Html {
  const rows = statuses.map(
    (s) => html`<tr>
    <td><a href="/admin/statuses/${s.slug}">${statusBadge(s)}</a><br><code class="small">${s.slug}</code></td>
    <td>${s.level}</td>
    <td>${COMPONENT_STATUS_LABELS[s.componentStatus]}</td>
    <td class="wrap">${s.description}</td>
    <td>${s.isDefault ? 'default' : ''}</td>
    <td class="actions"><a href="/admin/statuses/${s.slug}/delete">Delete<span class="visually-hidden"> ${s.name}</span></a></td>
  </tr>`,
  );
  return page(
    chrome,
    'Statuses',
    html`
  <p><a class="button" href="/admin/statuses/new">New status</a></p>
  <div class="table-wrap" tabindex="0" role="region" aria-label="Statuses (scrolls sideways)"><table>
    <thead><tr><th scope="col">Status</th><th scope="col">Level</th><th scope="col">Component status</th><th scope="col">Description</th><th scope="col">Default</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${rows}</tbody></table></div>`,
  );
}

export function newStatusPage(chrome: Chrome, state: FormState): Html {
  return page(
    chrome,
    'New status',
    html`<div class="card">
    ${errorSummary(state, 'status')}
    <form method="post" action="/admin/statuses" class="stack" novalidate>
      ${csrfField(chrome)}
      ${statusFields(state, 'status')}
      <div class="row"><button type="submit">Create status</button> <a href="/admin/statuses">Cancel</a></div>
    </form></div>`,
  );
}

export function editStatusPage(chrome: Chrome, status: Status, state: FormState): Html {
  return page(
    chrome,
    `Edit status ${status.name}`,
    html`<div class="card">
    ${errorSummary(state, 'status')}
    <form method="post" action="/admin/statuses/${status.slug}" class="stack" novalidate>
      ${csrfField(chrome)}
      ${statusFields(state, 'status', status)}
      <div class="row"><button type="submit">Save</button> <a href="/admin/statuses">Back to statuses</a></div>
    </form></div>
    <p><a href="/admin/statuses/${status.slug}/delete">Delete status ${status.name}</a></p>`,
  );
}
