import { html, type Html } from '../html.ts';
import type { Service, ServiceList, Status } from '../../domain/resources.ts';
import { statusImagePath } from '../../domain/status-images.ts';
import { componentStatusRank } from '../../domain/component-status.ts';
import { levelRank } from '../../domain/levels.ts';
import { inDisplayOrder } from '../../domain/ordering.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { checkbox, EMPTY_FORM, errorSummary, radios, textarea, type FormState } from './forms.ts';
import { time } from './time.ts';
import { eventSource } from './event-source.ts';
import { recoveryHoldPanel } from './monitoring.ts';
import { dashboardIncidents } from './incidents.ts';
import type { IncidentView } from '../../domain/incidents.ts';

export interface DashboardData {
  services: Service[];
  lists: ServiceList[];
  statuses: Status[];
  timeZone: string;
  /** When each service's current status began and who set it, by slug. */
  since: ReadonlyMap<string, { since: number; author: string }>;
  /** The service whose form was just refused, with what was typed. */
  failed?: { slug: string; state: FormState };
  /** Recoveries held by the escalation policy until a person confirms them, by service slug. */
  holds?: ReadonlyMap<string, { since: number; status: string | null }>;
  /** Open incidents, and services automation took to an outage that no open incident covers. */
  incidents?: { open: Array<IncidentView<Service>>; suggestions: Service[] };
}

/** The colour class of a status, after its component status (the same scale as the public page). */
export function severityClass(status: Status): string {
  return `sev-${status.componentStatus}`;
}

export function statusBadge(status: Status): Html {
  return html`<span class="status ${severityClass(status)}"
    ><img src="${statusImagePath(status.image)}" alt="" width="16" height="16" />${status.name}</span
  >`;
}

/** Statuses from operational to the worst outage (component status, then level, then name). */
export function bySeverity(statuses: readonly Status[]): Status[] {
  return [...statuses].sort(
    (a, b) =>
      componentStatusRank(a.componentStatus) - componentStatusRank(b.componentStatus) ||
      levelRank(a.level) - levelRank(b.level) ||
      a.name.localeCompare(b.name),
  );
}

/** The message posted when a service returns to an operational status without one. */
export function recoveryMessage(service: { name: string }): string {
  return `${service.name} is operating normally again.`;
}

function shownStatus(service: Service, data: DashboardData): Status | undefined {
  return service.currentEvent?.status ?? data.statuses.find((s) => s.isDefault);
}

function isOperational(service: Service, data: DashboardData): boolean {
  return (shownStatus(service, data)?.componentStatus ?? 'operational') === 'operational';
}

function currentLine(service: Service, data: DashboardData): Html {
  const current = service.currentEvent;
  const status = shownStatus(service, data);
  if (!current) return html`${status ? statusBadge(status) : ''} <span class="muted small">no updates yet</span>`;
  const since = data.since.get(service.slug) ?? { since: current.timestamp, author: current.author };
  return html`${statusBadge(current.status)}
    <span class="muted small">since ${time(since.since, data.timeZone)} · by ${eventSource(since.author).label}</span>`;
}

/** The status form: statuses by severity with their colour; an empty message is fine when returning to operational. */
function statusForm(service: Service, data: DashboardData, chrome: Chrome, state: FormState, prefix: string): Html {
  const current = shownStatus(service, data);
  return html`<form method="post" action="/admin/services/${service.slug}/events" class="stack" novalidate>
    ${csrfField(chrome)}
    ${radios({
      state,
      idPrefix: prefix,
      name: 'status',
      label: 'Status',
      className: 'status-picker',
      value: current?.slug ?? '',
      options: bySeverity(data.statuses).map((s) => ({
        value: s.slug,
        label: s.name,
        icon: statusImagePath(s.image),
        className: severityClass(s),
      })),
    })}
    ${textarea({
      state,
      idPrefix: prefix,
      name: 'message',
      label: 'Message',
      rows: 2,
      maxlength: 10_000,
      hint: `Optional when returning to an operational status: “${recoveryMessage(service)}” is posted.`,
    })}
    ${checkbox({
      state,
      idPrefix: prefix,
      name: 'informational',
      label: 'Note only',
      checked: state.values.informational === 'true',
      hint: 'Explains the current state without changing it: the status stays as it is.',
    })}
    <div class="row">
      <button type="submit">Post</button>
      <a href="/admin/services/${service.slug}/events">Updates of ${service.name}</a>${
        chrome.user?.role === 'admin'
          ? html` <a href="/admin/services/${service.slug}/monitoring">Monitoring of ${service.name}</a>`
          : ''
      }
    </div>
  </form>`;
}

/** A service with a problem: everything at once, the form open. */
function troubleCard(service: Service, data: DashboardData, chrome: Chrome): Html {
  const state = data.failed?.slug === service.slug ? data.failed.state : EMPTY_FORM;
  const current = service.currentEvent;
  const prefix = `svc-${service.slug}`;
  const hold = data.holds?.get(service.slug);
  const status = shownStatus(service, data);
  return html`<section class="card trouble ${status ? severityClass(status) : ''}" aria-labelledby="${prefix}-name">
    <div class="service-head">
      <h3 id="${prefix}-name" class="wrap">${service.name}</h3>
      ${service.list ? html`<span class="list-name">${service.list.name}</span>` : ''}
    </div>
    <p class="current">
      ${currentLine(service, data)}
      ${
        current
          ? html`<span class="message"
              >${current.informational ? html`<strong>Note:</strong> ` : ''}${current.message}
              <span class="muted small">(${time(current.timestamp, data.timeZone)})</span></span
            >`
          : ''
      }
    </p>
    ${hold ? recoveryHoldPanel(chrome, service, hold, data.statuses, data.timeZone) : ''}
    ${errorSummary(state, prefix)} ${statusForm(service, data, chrome, state, prefix)}
  </section>`;
}

/** A healthy service: one line; one tap opens the short form. */
function compactRow(service: Service, data: DashboardData, chrome: Chrome): Html {
  const failed = data.failed?.slug === service.slug;
  const state = failed ? data.failed!.state : EMPTY_FORM;
  const prefix = `svc-${service.slug}`;
  const hold = data.holds?.get(service.slug);
  return html`<li class="healthy" id="${prefix}">
    <details ${failed || hold ? html` open` : ''}>
      <summary>
        <span class="healthy-name" id="${prefix}-name">${service.name}</span>
        <span class="healthy-state">${currentLine(service, data)}</span>
        <span class="change" aria-hidden="true">Update</span>
      </summary>
      <div class="healthy-form">
        ${hold ? recoveryHoldPanel(chrome, service, hold, data.statuses, data.timeZone) : ''}
        ${errorSummary(state, prefix)} ${statusForm(service, data, chrome, state, prefix)}
      </div>
    </details>
  </li>`;
}

export function dashboardPage(chrome: Chrome, data: DashboardData, slots: { top?: Html } = {}): Html {
  // Open incidents (and automation's suggestion to open one) come first: the slot or the data's.
  const top = slots.top ?? (data.incidents ? dashboardIncidents(data.incidents.open, data.incidents.suggestions) : '');
  if (data.services.length === 0) {
    return page(
      chrome,
      'Dashboard',
      html`${top}<div class="card">
        <p>
          No services
          yet.${
            chrome.user?.role === 'admin'
              ? html` <a href="/admin/services">Create the first service</a>.`
              : ' An admin has to create them first.'
          }
        </p>
      </div>`,
    );
  }
  const ordered = inDisplayOrder(data.services, data.lists);
  const worstFirst = (a: Service, b: Service) =>
    componentStatusRank(shownStatus(b, data)!.componentStatus) -
    componentStatusRank(shownStatus(a, data)!.componentStatus);
  const trouble = ordered.filter((s) => !isOperational(s, data) || data.holds?.has(s.slug)).sort(worstFirst);
  const healthy = ordered.filter((s) => !trouble.includes(s));
  const body = html`${top}
    <section aria-labelledby="attention">
      <h2 id="attention">${trouble.length === 0 ? 'Nothing needs attention' : 'Needs attention'}</h2>
      ${
        trouble.length === 0
          ? html`<p class="ok-line">Every service is operational.</p>`
          : html`<div class="cards">${trouble.map((s) => troubleCard(s, data, chrome))}</div>`
      }
    </section>
    ${
      healthy.length > 0
        ? html`<section aria-labelledby="operational">
            <h2 id="operational">Operational <span class="muted small">(${healthy.length})</span></h2>
            <ul class="healthy-list">
              ${healthy.map((s) => compactRow(s, data, chrome))}
            </ul>
          </section>`
        : ''
    }`;
  return page(chrome, 'Dashboard', body, {
    lead: html`What needs attention first; open a service to post a status change or a note.
      <a href="/">The public status page</a>`,
  });
}
