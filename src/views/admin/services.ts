import { html, type Html } from '../html.ts';
import type { Service, ServiceList } from '../../domain/resources.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { errorSummary, input, select, textarea, type FormState } from './forms.ts';
import { statusBadge } from './dashboard.ts';
import { inDisplayOrder } from '../../domain/ordering.ts';

function listOptions(lists: ServiceList[]) {
  return [{ value: '', label: '(no list)' }, ...lists.map((l) => ({ value: l.slug, label: l.name }))];
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
