import { html, type Html } from '../html.ts';
import type { AuditEntry } from '../../domain/audit.ts';
import { page, type Chrome } from './layout.ts';
import { input, select, type FormState } from './forms.ts';
import { time } from './time.ts';

export function auditPage(
  chrome: Chrome,
  data: {
    entries: AuditEntry[];
    actions: string[];
    filter: Record<string, string>;
    olderHref?: string;
    newestHref?: string;
    timeZone: string;
    error?: string;
  },
): Html {
  const state: FormState = { values: data.filter, errors: data.error ? { from: data.error } : {} };
  const topics = [...new Set(data.actions.map((a) => a.split('.')[0]!))].filter((t) => !data.actions.includes(t));
  const actionOptions = [
    { value: '', label: 'any' },
    ...topics.map((t) => ({ value: t, label: `${t}.* (all)` })),
    ...data.actions.map((a) => ({ value: a, label: a })),
  ];
  const rows = data.entries.map(
    (e) => html`<tr>
    <td class="small" data-label="When">${time(e.at, data.timeZone)}</td>
    <td class="wrap" data-label="Who">${e.actor}</td>
    <td data-label="What"><code>${e.action}</code></td>
    <td class="wrap" data-label="On what">${e.target}${e.detail ? html` <span class="small muted">${e.detail}</span>` : ''}</td>
    <td class="small" data-label="Address">${e.address}</td>
  </tr>`,
  );
  return page(
    chrome,
    'Audit log',
    html`
  <form method="get" action="/admin/audit" class="card">
    <div class="filters">
      ${input({ state, idPrefix: 'audit', name: 'actor', label: 'Who', type: 'search', hint: 'Part of a user, token or client name' })}
      ${select({ state, idPrefix: 'audit', name: 'action', label: 'What', options: actionOptions })}
      ${input({ state, idPrefix: 'audit', name: 'target', label: 'On what', type: 'search', hint: 'Part of a service, user, token id…' })}
      ${input({ state, idPrefix: 'audit', name: 'from', label: 'From (UTC)', type: 'datetime-local' })}
      ${input({ state, idPrefix: 'audit', name: 'to', label: 'To (UTC)', type: 'datetime-local' })}
    </div>
    <p class="row"><button type="submit">Filter</button> <a href="/admin/audit">Clear</a></p>
  </form>
  ${
    data.entries.length === 0
      ? html`<div class="card"><p>Nothing recorded${Object.values(data.filter).some(Boolean) ? ' matches these filters' : ''}.</p></div>`
      : html`
  <div class="table-wrap" tabindex="0" role="region" aria-label="Audit entries (scrolls sideways)"><table class="stack-sm">
    <caption class="visually-hidden">Audit entries, newest first</caption>
    <thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">On what</th><th scope="col">Address</th></tr></thead>
    <tbody>${rows}</tbody></table></div>`
  }
  <nav class="pager" aria-label="Audit pages">
    ${data.newestHref ? html`<a href="${data.newestHref}">Newest entries</a>` : html`<span></span>`}
    ${data.olderHref ? html`<a href="${data.olderHref}">Older entries</a>` : ''}
  </nav>`,
  );
}
