import { html, type Html } from '../html.ts';
import type { Service, ServiceList, Status } from '../../domain/resources.ts';
import { layout, type PageChrome } from './layout.ts';
import { statusLabel } from './components.ts';
import { overallOf, overallText, shownStatus } from '../../domain/overall-status.ts';
import { plural, statusClass } from './format.ts';

export interface ListsView {
  lists: ServiceList[];
  all: Service[];
  defaultStatus?: Status | null;
}

function membersOf(view: ListsView, list: ServiceList | null): Service[] {
  return view.all.filter((s) => (s.list?.id ?? null) === (list?.id ?? null));
}

/** `/service-lists`: every list, its services and their current status. */
export function serviceListsPage(chrome: PageChrome, view: ListsView): Html {
  const body = html`<h1 class="page-title">Service lists</h1>
${view.lists.length === 0 ? html`<p class="empty">No service lists yet.</p>` : ''}
${view.lists.map((list) => {
  const members = membersOf(view, list);
  return html`<section class="card" aria-labelledby="l-${list.slug}">
<h2 id="l-${list.slug}"><a href="/service-lists/${encodeURIComponent(list.slug)}">${list.name}</a></h2>
<p class="desc">${list.description}</p>
${members.length === 0 ? html`<p class="empty">No services in this list.</p>` : html`<ul class="plain">${members.map((s) => html`<li><a href="/services/${encodeURIComponent(s.slug)}">${s.name}</a> ${statusLabel(shownStatus(s, view.defaultStatus))}</li>`)}</ul>`}
<p><a href="/?filter=${encodeURIComponent(list.slug)}">Show on the status page</a></p>
</section>`;
})}`;
  return layout(chrome, { title: 'Service lists', body });
}

/** `/summary`: one row per list with its worst current status. */
export function summaryPage(chrome: PageChrome, view: ListsView): Html {
  const rows: Array<{ name: string; href: string | null; members: Service[] }> = view.lists.map((list) => ({
    name: list.name,
    href: `/service-lists/${encodeURIComponent(list.slug)}`,
    members: membersOf(view, list),
  }));
  const loose = membersOf(view, null);
  if (loose.length > 0)
    rows.push({ name: view.lists.length > 0 ? 'Other services' : 'Services', href: null, members: loose });
  const body = html`<h1 class="page-title">Summary</h1>
${
  rows.length === 0
    ? html`<p class="empty">No services yet.</p>`
    : html`<div class="card table-card"><table class="summary">
<caption class="sr-only">The worst current status of each service list</caption>
<thead><tr><th scope="col">List</th><th scope="col">Status</th><th scope="col">Services</th></tr></thead>
<tbody>${rows.map((row) => {
        const overall = overallOf(row.members, view.defaultStatus);
        return html`<tr class="${statusClass(overall.worst)}"><th scope="row">${row.href ? html`<a href="${row.href}">${row.name}</a>` : row.name}</th>
<td>${overall.worst ? statusLabel(overall.worst) : statusLabel(null)}</td>
<td>${overall.level === 'NORMAL' ? plural(row.members.length, 'service') : overallText(overall).replace(/^[^:]*: /, '')}</td></tr>`;
      })}</tbody></table></div>`
}`;
  return layout(chrome, { title: 'Summary', body });
}
