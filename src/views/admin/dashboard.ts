import { html, type Html } from '../html.ts';
import type { Service, Status } from '../../domain/resources.ts';
import { statusImagePath } from '../../domain/status-images.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { checkbox, EMPTY_FORM, errorSummary, radios, textarea, type FormState } from './forms.ts';
import { time } from './time.ts';
import { eventSource } from './event-source.ts';
import { recoveryHoldNotice } from './monitoring.ts';
import { dashboardIncidents } from './incidents.ts';
import type { IncidentView } from '../../domain/incidents.ts';

export interface DashboardData {
  services: Service[];
  statuses: Status[];
  timeZone: string;
  /** The service whose form was just refused, with what was typed. */
  failed?: { slug: string; state: FormState };
  /** Recoveries held by the escalation policy until a person confirms them, by service slug. */
  holds?: ReadonlyMap<string, { since: number; status: string | null }>;
  /** Open incidents, and services automation took to an outage that no open incident covers. */
  incidents?: { open: Array<IncidentView<Service>>; suggestions: Service[] };
}

export function statusBadge(status: Status): Html {
  return html`<span class="status"><img src="${statusImagePath(status.image)}" alt="" width="16" height="16">${status.name}</span>`;
}

function serviceCard(service: Service, data: DashboardData, chrome: Chrome): Html {
  const state = data.failed?.slug === service.slug ? data.failed.state : EMPTY_FORM;
  const current = service.currentEvent;
  const defaultStatus = data.statuses.find((s) => s.isDefault);
  const prefix = `svc-${service.slug}`;
  const hold = data.holds?.get(service.slug);
  return html`<section class="card" aria-labelledby="${prefix}-name">
  <div class="service-head">
    <h2 id="${prefix}-name" class="wrap">${service.name}</h2>
    ${service.list ? html`<span class="list-name">${service.list.name}</span>` : ''}
  </div>
  <p class="current">${
    current
      ? html`${statusBadge(current.status)} <span class="muted small">since ${time(current.timestamp, data.timeZone)} · by ${eventSource(current.author).label}</span>
      <span class="message">${current.informational ? html`<strong>Note:</strong> ` : ''}${current.message}</span>`
      : html`<span class="muted">No events yet${defaultStatus ? html` (shown as ${defaultStatus.name})` : ''}.</span>`
  }</p>
  ${hold ? recoveryHoldNotice(chrome, service, hold, data.statuses, data.timeZone) : ''}
  ${errorSummary(state, prefix)}
  <form method="post" action="/admin/services/${service.slug}/events" class="stack" novalidate>
    ${csrfField(chrome)}
    ${radios({
      state,
      idPrefix: prefix,
      name: 'status',
      label: 'Status',
      className: 'status-picker',
      value: current?.status.slug ?? defaultStatus?.slug ?? '',
      options: data.statuses.map((s) => ({ value: s.slug, label: s.name, icon: statusImagePath(s.image) })),
    })}
    ${textarea({ state, idPrefix: prefix, name: 'message', label: 'Message', required: true, rows: 2, maxlength: 10_000 })}
    ${checkbox({
      state,
      idPrefix: prefix,
      name: 'informational',
      label: 'Note only',
      checked: state.values.informational === 'true',
      hint: 'Explains the current state without changing it: the status stays as it is.',
    })}
    <div class="row"><button type="submit">Post</button> <a href="/admin/services/${service.slug}/events">Events of ${service.name}</a>${
      chrome.user?.role === 'admin'
        ? html` <a href="/admin/services/${service.slug}/monitoring">Monitoring of ${service.name}</a>`
        : ''
    }</div>
  </form>
</section>`;
}

export function dashboardPage(chrome: Chrome, data: DashboardData): Html {
  const body =
    data.services.length === 0
      ? html`<div class="card"><p>No services yet.${
          chrome.user?.role === 'admin'
            ? html` <a href="/admin/services">Create the first service</a>.`
            : ' An admin has to create them first.'
        }</p></div>`
      : html`<div class="cards">${data.services.map((s) => serviceCard(s, data, chrome))}</div>`;
  const incidents = data.incidents ? dashboardIncidents(data.incidents.open, data.incidents.suggestions) : '';
  return page(chrome, 'Dashboard', html`${incidents}${body}`, {
    lead: 'Every service with its current status. Post a change or a note from its card.',
  });
}
