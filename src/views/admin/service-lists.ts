import { html, type Html } from '../html.ts';
import type { Service, ServiceList } from '../../domain/resources.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { errorSummary, input, textarea, type FormState } from './forms.ts';

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
