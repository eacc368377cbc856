import { html, type Html, type HtmlValue } from '../html.ts';
import type { Service, ServiceList, Status } from '../../domain/resources.ts';
import { LEVELS } from '../../domain/levels.ts';
import { COMPONENT_STATUSES, COMPONENT_STATUS_LABELS, defaultComponentStatus } from '../../domain/component-status.ts';
import { STATUS_IMAGE_NAMES, statusImagePath } from '../../domain/status-images.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { checkbox, errorSummary, input, radios, select, textarea, type FormState } from './forms.ts';
import { statusBadge } from './dashboard.ts';
import { inDisplayOrder } from '../../domain/ordering.ts';

function listOptions(lists: ServiceList[]) {
  return [{ value: '', label: '(no list)' }, ...lists.map((l) => ({ value: l.slug, label: l.name }))];
}

/** A confirmation page for a deletion: what goes, and one button. */
export function confirmPage(
  chrome: Chrome,
  title: string,
  action: string,
  explanation: HtmlValue,
  button: string,
  cancel: string,
): Html {
  return page(
    chrome,
    title,
    html`<div class="card">
  ${explanation}
  <form method="post" action="${action}" class="row">
    ${csrfField(chrome)}
    <button type="submit" class="danger">${button}</button>
    <a class="button secondary" href="${cancel}">Cancel</a>
  </form></div>`,
  );
}

function serviceFields(state: FormState, prefix: string, lists: ServiceList[], service?: Service): Html {
  return html`
    ${input({
      state,
      idPrefix: prefix,
      name: 'name',
      label: 'Name',
      required: true,
      maxlength: 100,
      value: service?.name,
      hint: service
        ? html`Its id <code>${service.slug}</code> stays the same when renamed.`
        : 'The id in URLs is made from it.',
    })}
    ${textarea({ state, idPrefix: prefix, name: 'description', label: 'Description', required: true, maxlength: 1000, value: service?.description })}
    ${select({ state, idPrefix: prefix, name: 'list', label: 'List', options: listOptions(lists), value: service?.list?.slug ?? '' })}`;
}

export function servicesPage(chrome: Chrome, services: Service[], lists: ServiceList[], state: FormState): Html {
  const rows = inDisplayOrder(services, lists).map(
    (s) => html`<tr>
    <td><a href="/admin/services/${s.slug}">${s.name}</a><br><code class="small">${s.slug}</code></td>
    <td data-label="List">${s.list?.name ?? html`<span class="muted">none</span>`}</td>
    <td data-label="Now">${s.currentEvent ? statusBadge(s.currentEvent.status) : html`<span class="muted">no updates yet</span>`}</td>
    <td class="actions"><a href="/admin/services/${s.slug}/events">Events</a> · <a href="/admin/services/${s.slug}/monitoring">Monitoring</a> · <a href="/admin/services/${s.slug}/delete">Delete<span class="visually-hidden"> ${s.name}</span></a></td>
  </tr>`,
  );
  return page(
    chrome,
    'Services',
    html`
  <p class="lead">In the order of the status page. <a href="/admin/order">Change the order</a>.</p>
  ${
    services.length === 0
      ? html`<div class="card"><p>No services yet.</p></div>`
      : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Services"><table class="stack-sm">
    <thead><tr><th scope="col">Service</th><th scope="col">List</th><th scope="col">Now</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${rows}</tbody></table></div>`
  }
  <section class="card" aria-labelledby="new-service">
    <h2 id="new-service">New service</h2>
    ${errorSummary(state, 'new-svc')}
    <form method="post" action="/admin/services" class="stack" novalidate>
      ${csrfField(chrome)}
      ${serviceFields(state, 'new-svc', lists)}
      <button type="submit">Create service</button>
    </form>
  </section>`,
  );
}

export function editServicePage(chrome: Chrome, service: Service, lists: ServiceList[], state: FormState): Html {
  return page(
    chrome,
    `Edit ${service.name}`,
    html`<div class="card">
    ${errorSummary(state, 'svc')}
    <form method="post" action="/admin/services/${service.slug}" class="stack" novalidate>
      ${csrfField(chrome)}
      ${serviceFields(state, 'svc', lists, service)}
      <div class="row"><button type="submit">Save</button> <a href="/admin/services">Back to services</a></div>
    </form></div>
    <p><a href="/admin/services/${service.slug}/events">Events of ${service.name}</a> · <a href="/admin/services/${service.slug}/monitoring">Monitoring of ${service.name}</a> · <a href="/admin/services/${service.slug}/delete">Delete ${service.name}</a></p>`,
  );
}

export function listsPage(chrome: Chrome, lists: ServiceList[], counts: Map<string, number>, state: FormState): Html {
  const rows = lists.map(
    (l) => html`<tr>
    <td><a href="/admin/lists/${l.slug}">${l.name}</a><br><code class="small">${l.slug}</code></td>
    <td class="wrap" data-label="Description">${l.description}</td>
    <td data-label="Services">${counts.get(l.slug) ?? 0}</td>
    <td class="actions"><a href="/admin/lists/${l.slug}/delete">Delete<span class="visually-hidden"> ${l.name}</span></a></td>
  </tr>`,
  );
  return page(
    chrome,
    'Service lists',
    html`
  <p class="lead">Lists group services on the status page. Move a service between lists on its edit page; <a href="/admin/order">change the order</a> of lists and services.</p>
  ${
    lists.length === 0
      ? html`<div class="card"><p>No lists yet.</p></div>`
      : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Service lists"><table class="stack-sm">
    <thead><tr><th scope="col">List</th><th scope="col">Description</th><th scope="col">Services</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${rows}</tbody></table></div>`
  }
  <section class="card" aria-labelledby="new-list">
    <h2 id="new-list">New list</h2>
    ${errorSummary(state, 'new-list')}
    <form method="post" action="/admin/lists" class="stack" novalidate>
      ${csrfField(chrome)}
      ${input({ state, idPrefix: 'new-list', name: 'name', label: 'Name', required: true, maxlength: 100 })}
      ${textarea({ state, idPrefix: 'new-list', name: 'description', label: 'Description', required: true, maxlength: 1000 })}
      <button type="submit">Create list</button>
    </form>
  </section>`,
  );
}

export function editListPage(chrome: Chrome, list: ServiceList, members: Service[], state: FormState): Html {
  return page(
    chrome,
    `Edit list ${list.name}`,
    html`<div class="card">
    ${errorSummary(state, 'list')}
    <form method="post" action="/admin/lists/${list.slug}" class="stack" novalidate>
      ${csrfField(chrome)}
      ${input({ state, idPrefix: 'list', name: 'name', label: 'Name', required: true, maxlength: 100, value: list.name })}
      ${textarea({ state, idPrefix: 'list', name: 'description', label: 'Description', required: true, maxlength: 1000, value: list.description })}
      <div class="row"><button type="submit">Save</button> <a href="/admin/lists">Back to lists</a></div>
    </form></div>
    <h2>Services in this list</h2>
    ${members.length === 0 ? html`<p class="muted">None.</p>` : html`<ul>${members.map((s) => html`<li><a href="/admin/services/${s.slug}">${s.name}</a></li>`)}</ul>`}
    <p><a href="/admin/lists/${list.slug}/delete">Delete list ${list.name}</a></p>`,
  );
}

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
