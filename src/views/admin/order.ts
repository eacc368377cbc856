import { html, type Html } from '../html.ts';
import type { Service, ServiceList } from '../../domain/resources.ts';
import { csrfField, page, type Chrome } from './layout.ts';

/** One item of an ordered list: its name, then buttons that move it (forms: they work without script). */
function orderItem(
  chrome: Chrome,
  kind: 'lists' | 'services',
  item: { slug: string; name: string },
  index: number,
  count: number,
  inner: Html | '' = '',
): Html {
  const action = `/admin/${kind}/${encodeURIComponent(item.slug)}/move`;
  const button = (direction: 'up' | 'down', label: string, glyph: string, disabled: boolean) =>
    html`<button
      type="submit"
      name="direction"
      value="${direction}"
      class="secondary small-button"
      ${disabled ? html` disabled` : ''}
    >
      <span aria-hidden="true">${glyph}</span><span class="visually-hidden">${label} ${item.name}</span>
    </button>`;
  return html`<li class="order-item" data-slug="${item.slug}">
    <div class="order-row">
      <span class="grip" aria-hidden="true" hidden>⠿</span>
      <span class="order-name">${item.name}</span>
      <form method="post" action="${action}" class="order-moves">
        ${csrfField(chrome)} ${button('up', 'Move up', '▲', index === 0)}
        ${button('down', 'Move down', '▼', index === count - 1)}
      </form>
    </div>
    ${inner}
  </li>`;
}

function serviceOrder(chrome: Chrome, members: Service[], listSlug: string, label: string): Html {
  if (members.length === 0) return html`<p class="muted small">No services.</p>`;
  return html`<ol class="order" data-order="services" data-list="${listSlug}" aria-label="${label}">
    ${members.map((s, i) => orderItem(chrome, 'services', s, i, members.length))}
  </ol>`;
}

/**
 * The order of the status page: lists, and the services within each list. Buttons move one
 * step; with the page script, items can also be dragged (admin.js posts the whole order).
 */
export function orderPage(chrome: Chrome, lists: ServiceList[], services: Service[]): Html {
  const inList = (id: number | null) => services.filter((s) => (s.list?.id ?? null) === id);
  const loose = inList(null);
  const body = html`<p class="lead">
      The status page, the admin site and both APIs show lists and services in this order. Move an item with its
      buttons<span data-drag-hint hidden>, or drag it by its handle</span>. Until you move something, names sort
      alphabetically.
    </p>
    <section class="card" aria-labelledby="order-lists">
      <h2 id="order-lists">Lists and their services</h2>
      ${
        lists.length === 0
          ? html`<p class="muted">No lists yet. <a href="/admin/lists">Create a list</a>.</p>`
          : html`<ol class="order" data-order="lists" aria-label="Lists">
              ${lists.map((l, i) =>
                orderItem(
                  chrome,
                  'lists',
                  l,
                  i,
                  lists.length,
                  serviceOrder(chrome, inList(l.id), l.slug, `Services in ${l.name}`),
                ),
              )}
            </ol>`
      }
    </section>
    ${
      loose.length > 0
        ? html`<section class="card" aria-labelledby="order-loose">
            <h2 id="order-loose">Services without a list</h2>
            <p class="muted small">Shown last, under "Other services".</p>
            ${serviceOrder(chrome, loose, '', 'Services without a list')}
          </section>`
        : ''
    }
    <p class="status-line" data-order-status role="status"></p>`;
  return page(chrome, 'Order of the status page', body);
}
