import { html, type Html } from '../html.ts';
import type { Service, StatusEvent } from '../../domain/resources.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { statusBadge } from './dashboard.ts';
import { time } from './time.ts';
import { eventSourceLabel } from './event-source.ts';

export function eventsPage(
  chrome: Chrome,
  service: Service,
  events: StatusEvent[],
  timeZone: string,
  shown: number,
): Html {
  const rows = events.slice(0, shown).map(
    (e) => html`<tr>
    <td data-label="When">${time(e.timestamp, timeZone)}</td>
    <td data-label="Status">${statusBadge(e.status)}${e.informational ? html` <span class="small muted">(note)</span>` : ''}</td>
    <td class="wrap" data-label="Message">${e.message}</td>
    <td class="small wrap" data-label="By">${eventSourceLabel(e.author)}</td>
    <td class="actions"><a href="/admin/services/${service.slug}/events/${e.sid}/delete">Delete<span class="visually-hidden"> event of ${time(e.timestamp, timeZone)}</span></a></td>
  </tr>`,
  );
  return page(
    chrome,
    `Events of ${service.name}`,
    html`
  <p><a href="/admin">Back to the dashboard</a>${chrome.user?.role === 'admin' ? html` · <a href="/admin/services/${service.slug}">Edit the service</a>` : ''}</p>
  ${
    events.length === 0
      ? html`<div class="card"><p>No events yet.</p></div>`
      : html`
  <div class="table-wrap" tabindex="0" role="region" aria-label="Events (scrolls sideways)"><table class="stack-sm">
    <caption class="visually-hidden">Events of ${service.name}, newest first</caption>
    <thead><tr><th scope="col">When</th><th scope="col">Status</th><th scope="col">Message</th><th scope="col">By</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${rows}</tbody>
  </table></div>
  ${events.length > shown ? html`<p class="muted">Showing the newest ${shown} of ${events.length} events.</p>` : ''}`
  }`,
  );
}

export function deleteEventPage(chrome: Chrome, service: Service, event: StatusEvent, timeZone: string): Html {
  return page(
    chrome,
    'Delete this event?',
    html`<div class="card">
  <dl class="kv">
    <dt>Service</dt><dd>${service.name}</dd>
    <dt>When</dt><dd>${time(event.timestamp, timeZone)}</dd>
    <dt>Status</dt><dd>${statusBadge(event.status)}${event.informational ? ' (note)' : ''}</dd>
    <dt>Message</dt><dd>${event.message}</dd>
    <dt>By</dt><dd>${eventSourceLabel(event.author)}</dd>
  </dl>
  <p>The event disappears from the status page and its history. This cannot be undone.</p>
  <form method="post" action="/admin/services/${service.slug}/events/${event.sid}/delete" class="row">
    ${csrfField(chrome)}
    <button type="submit" class="danger">Delete the event</button>
    <a class="button secondary" href="/admin/services/${service.slug}/events">Cancel</a>
  </form></div>`,
  );
}
