import { html, type Html } from '../html.ts';
import type { Service, Status } from '../../domain/resources.ts';
import type { ServiceAutomation } from '../../domain/service-automation.ts';
import { AUTOMATION_STATES, type AutomationState } from '../../domain/automation-state.ts';
import type { Check } from '../../domain/check-rules.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { checkbox, errorSummary, input, radios, select, type FormState } from './forms.ts';
import { time } from './time.ts';

export interface MonitoringData {
  service: Service;
  /** Scheme and host of this site, for the push URL. */
  origin: string;
  /** `secret` only in the answer that made it: it is stored as a hash and shown this once. */
  push: { enabled: boolean; secret?: string; lastPushAt: number | null };
  automation: ServiceAutomation;
  statuses: Status[];
  checks: Check[];
  timeZone: string;
}

/** Which form on the page was refused, with what was typed. */
export type MonitoringForm = { form: 'automation' | 'new-check'; state: FormState } | undefined;

const STATE_LABELS: Record<AutomationState, string> = { up: 'Up', warning: 'Warning', down: 'Down' };

export const monitoringPath = (service: Pick<Service, 'slug'>) => `/admin/services/${service.slug}/monitoring`;

function seconds(ms: number | null): string {
  return ms === null ? '' : String(ms / 1000);
}

function stateText(state: AutomationState | null): Html {
  return state === null
    ? html`<span class="muted">not run yet</span>`
    : html`<span class="state state-${state}">${STATE_LABELS[state]}</span>`;
}

/** The panel with the one-click button for a recovery the escalation policy holds (dashboard and monitoring page). */
export function recoveryHoldPanel(
  chrome: Chrome,
  service: Service,
  hold: { since: number; status: string | null },
  statuses: Status[],
  timeZone: string,
  from?: 'monitoring',
): Html {
  const target = statuses.find((s) => s.slug === hold.status);
  return html`<div class="hold">
    <p><strong>Recovery waiting for confirmation since ${time(hold.since, timeZone)}.</strong>
      Automation reports that ${service.name} recovered${target ? html` (to ${target.name})` : ''}; the status stays until a person confirms.</p>
    <form method="post" action="/admin/services/${service.slug}/confirm-recovery" class="row">
      ${csrfField(chrome)}${from ? html`<input type="hidden" name="from" value="${from}">` : ''}
      <button type="submit">Confirm recovery<span class="visually-hidden"> of ${service.name}</span></button>
    </form>
  </div>`;
}

function pushExamples(url: string): Html {
  return html`<h3>curl</h3>
<pre tabindex="0"><code>curl -fsS "${url}?status=down&amp;msg=Nightly+backup+failed"
curl -fsS -X POST -d status=up -d msg="Backup finished" "${url}"
curl -fsS "${url}"   # status defaults to up</code></pre>
<h3>cron</h3>
<pre tabindex="0"><code>15 3 * * *  /usr/local/bin/backup &amp;&amp; curl -fsS -m 10 "${url}?status=up" &gt;/dev/null || curl -fsS -m 10 "${url}?status=down&amp;msg=backup+failed" &gt;/dev/null</code></pre>`;
}

function pushSection(chrome: Chrome, data: MonitoringData): Html {
  const base = monitoringPath(data.service);
  const { enabled, secret, lastPushAt } = data.push;
  if (!enabled) {
    return html`<section class="card" aria-labelledby="push">
    <h2 id="push">Push URL</h2>
    <p>A push URL lets any script or cron job set the status of ${data.service.name} with one request
      (<code>up</code>, <code>warning</code> or <code>down</code>), and feeds the heartbeat below.
      ${data.service.name} has none.</p>
    <form method="post" action="${base}/push/regenerate">${csrfField(chrome)}<button type="submit">Create a push URL</button></form>
  </section>`;
  }
  const lastPush = html`<p class="small">
    Last push: ${lastPushAt === null ? html`<span class="muted">never</span>` : time(lastPushAt, data.timeZone)}
  </p>`;
  const actions = html`<p class="row">
    <a class="button secondary" href="${base}/push/regenerate">Regenerate the push URL</a>
    <a class="button secondary" href="${base}/push/remove">Remove the push URL</a>
  </p>`;
  if (secret === undefined) {
    return html`<section class="card" aria-labelledby="push">
      <h2 id="push">Push URL</h2>
      <p>
        ${data.service.name} has a push URL. It was shown once, when it was made, and is stored only as a hash, so it
        cannot be shown again: if it is lost, regenerate it (the old one then stops working).
      </p>
      ${lastPush} ${actions}
    </section>`;
  }
  const url = `${data.origin}/api/push/${secret}`;
  return html`<section class="card secret" aria-labelledby="push" role="status">
    <h2 id="push">Push URL</h2>
    <p><strong>Copy this push URL now: it is shown only this once</strong> and stored only as a hash. Treat it like a
      password: anyone who has it can set the status of ${data.service.name}.</p>
    <p><code class="url">${url}</code></p>
    ${lastPush}
    <details open><summary>Examples</summary>${pushExamples(url)}</details>
    ${actions}
  </section>`;
}

function automationSection(chrome: Chrome, data: MonitoringData, state: FormState): Html {
  const a = data.automation;
  const statusOptions = data.statuses.map((s) => ({ value: s.slug, label: `${s.name} (${s.level})` }));
  const p = 'auto';
  return html`<section class="card" aria-labelledby="automation">
    <h2 id="automation">Automation settings</h2>
    ${errorSummary(state, p)}
    <form method="post" action="${monitoringPath(data.service)}/automation" class="stack" novalidate>
      ${csrfField(chrome)}
      ${checkbox({
        state,
        idPrefix: p,
        name: 'recovery_needs_human',
        label: 'Recovery needs a human',
        checked:
          'recovery_needs_human' in state.values
            ? state.values.recovery_needs_human === 'true'
            : a.policy.recoveryNeedsHuman,
        hint: 'Automation may raise the severity, but may not lower a service at ERROR or CRITICAL: it adds a note and waits for a person to confirm.',
      })}
      ${input({
        state,
        idPrefix: p,
        name: 'min_change_interval',
        label: 'Minimum time between automated changes (seconds)',
        inputmode: 'numeric',
        value: seconds(a.policy.minChangeIntervalMs),
        hint: '0 turns the limit off. People are never limited.',
      })}
      ${input({
        state,
        idPrefix: p,
        name: 'heartbeat_period',
        label: 'Heartbeat period (seconds)',
        inputmode: 'numeric',
        value: a.heartbeatPeriodMs === null ? '0' : seconds(a.heartbeatPeriodMs),
        hint: 'When no push arrives within this time, the service goes to the status below. 0 turns the heartbeat off; at least 10.',
      })}
      ${select({
        state,
        idPrefix: p,
        name: 'heartbeat_state',
        label: 'Status when the heartbeat stops',
        value: a.heartbeatState,
        options: AUTOMATION_STATES.map((s) => ({ value: s, label: STATE_LABELS[s] })),
      })}
      <fieldset>
        <legend>Statuses that automation posts</legend>
        <p class="hint">Checks, pushes, heartbeats and Alertmanager report up, warning or down; each becomes this status.</p>
        ${select({ state, idPrefix: p, name: 'status_up', label: 'Up', value: a.statuses.up, options: statusOptions })}
        ${select({ state, idPrefix: p, name: 'status_warning', label: 'Warning', value: a.statuses.warning, options: statusOptions })}
        ${select({ state, idPrefix: p, name: 'status_down', label: 'Down', value: a.statuses.down, options: statusOptions })}
      </fieldset>
      <button type="submit">Save automation settings</button>
    </form>
  </section>`;
}

/** The fields of a check's form; `check` is absent when creating one. */
function checkFields(state: FormState, p: string, check?: Check): Html {
  const flag = (name: string, current: boolean) => (name in state.values ? state.values[name] === 'true' : current);
  return html`
    ${
      check
        ? ''
        : input({
            state,
            idPrefix: p,
            name: 'name',
            label: 'Name',
            required: true,
            maxlength: 64,
            hint: html`Lower-case letters, digits and dashes, e.g. <code>api-http</code>. Its events say “Check api-http”.`,
          })
    }
    ${radios({
      state,
      idPrefix: p,
      name: 'kind',
      label: 'Kind',
      value: check?.kind ?? 'http',
      options: [
        { value: 'http', label: 'HTTP(S) request' },
        { value: 'tcp', label: 'TCP connect' },
      ],
    })}
    ${input({
      state,
      idPrefix: p,
      name: 'target',
      label: 'Target',
      required: true,
      maxlength: 2000,
      value: check?.target,
      hint: html`HTTP: a URL like <code>https://api.example.com/health</code>. TCP: <code>host:port</code>.`,
    })}
    ${input({
      state,
      idPrefix: p,
      name: 'expected_statuses',
      label: 'Expected HTTP status codes',
      value: check?.expectedStatuses ?? '200-299',
      hint: html`Codes and ranges, e.g. <code>200-299,301</code>. HTTP only.`,
    })}
    ${input({
      state,
      idPrefix: p,
      name: 'keyword',
      label: 'Keyword',
      maxlength: 1000,
      value: check?.keyword ?? '',
      hint: 'Optional. HTTP only: the answer must contain it.',
    })}
    ${checkbox({ state, idPrefix: p, name: 'keyword_absent', label: 'The answer must NOT contain the keyword', checked: flag('keyword_absent', check?.keywordAbsent ?? false) })}
    ${input({
      state,
      idPrefix: p,
      name: 'latency_warning',
      label: 'Latency warning (milliseconds)',
      inputmode: 'numeric',
      value:
        check?.latencyWarningMs === null || check?.latencyWarningMs === undefined ? '' : String(check.latencyWarningMs),
      hint: 'Optional: slower answers count as warning.',
    })}
    ${input({
      state,
      idPrefix: p,
      name: 'interval',
      label: 'Interval (seconds)',
      inputmode: 'numeric',
      value: check ? seconds(check.intervalMs) : '60',
      hint: 'How often it runs: at least 10.',
    })}
    ${input({
      state,
      idPrefix: p,
      name: 'timeout',
      label: 'Timeout (seconds)',
      inputmode: 'decimal',
      value: check ? seconds(check.timeoutMs) : '',
      hint: 'Shorter than the interval. Empty: 10, or the interval less 1 s if that is shorter.',
    })}
    ${input({
      state,
      idPrefix: p,
      name: 'failure_threshold',
      label: 'Failures before the status changes',
      inputmode: 'numeric',
      value: check ? String(check.failureThreshold) : '1',
      hint: 'Consecutive failed runs (1 to 100); one pass recovers.',
    })}
    ${checkbox({ state, idPrefix: p, name: 'enabled', label: 'Enabled', checked: flag('enabled', check?.enabled ?? true) })}`;
}

function lastRun(check: Check, timeZone: string): Html {
  if (check.lastCheckedAt === null) return html`<span class="muted">not run yet</span>`;
  return html`${stateText(check.lastResult)} <span class="small">${time(check.lastCheckedAt, timeZone)}${
    check.lastLatencyMs === null ? '' : html` · ${check.lastLatencyMs} ms`
  }</span><br><span class="small wrap">${check.lastMessage}</span>`;
}

function checksSection(chrome: Chrome, data: MonitoringData, state: FormState): Html {
  const base = monitoringPath(data.service);
  const rows = data.checks.map(
    (c) => html`<tr>
    <td data-label="Check"><a href="${base}/checks/${c.name}">${c.name}</a><br><span class="small">${c.kind.toUpperCase()} every ${c.intervalMs / 1000} s${c.enabled ? '' : html` · <strong>disabled</strong>`}</span></td>
    <td class="wrap" data-label="Target"><code class="small">${c.target}</code></td>
    <td data-label="State">${c.enabled ? stateText(c.effectiveState) : html`<span class="muted">disabled</span>`}${
      c.consecutiveFailures > 0
        ? html`<br><span class="small">${c.consecutiveFailures} of ${c.failureThreshold} failures</span>`
        : ''
    }</td>
    <td data-label="Last run">${lastRun(c, data.timeZone)}</td>
    <td class="actions"><a href="${base}/checks/${c.name}">Edit<span class="visually-hidden"> ${c.name}</span></a> · <a href="${base}/checks/${c.name}/delete">Delete<span class="visually-hidden"> ${c.name}</span></a></td>
  </tr>`,
  );
  return html`<section aria-labelledby="checks">
    <h2 id="checks">Built-in checks</h2>
    <p class="muted">HTTP(S) and TCP probes run from this server. The service takes the worst state of its enabled checks.</p>
    ${
      data.checks.length === 0
        ? html`<p class="muted">No checks yet.</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label="Checks (scrolls sideways)"><table class="stack-sm">
      <thead><tr><th scope="col">Check</th><th scope="col">Target</th><th scope="col">State</th><th scope="col">Last run</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${rows}</tbody></table></div>`
    }
    <div class="card">
      <h3 id="new-check">New check</h3>
      ${errorSummary(state, 'check')}
      <form method="post" action="${base}/checks" class="stack" novalidate aria-labelledby="new-check">
        ${csrfField(chrome)}
        ${checkFields(state, 'check')}
        <button type="submit">Create check</button>
      </form>
    </div>
  </section>`;
}

export function monitoringPage(chrome: Chrome, data: MonitoringData, failed: MonitoringForm): Html {
  const empty: FormState = { values: {}, errors: {} };
  const a = data.automation;
  const hold =
    a.recoveryPendingSince === null ? undefined : { since: a.recoveryPendingSince, status: a.recoveryPendingStatus };
  return page(
    chrome,
    `Monitoring of ${data.service.name}`,
    html`
  <p><a href="/admin">Back to the dashboard</a> · <a href="/admin/services/${data.service.slug}">Edit ${data.service.name}</a> ·
    <a href="/admin/services/${data.service.slug}/events">Events of ${data.service.name}</a></p>
  ${hold ? recoveryHoldPanel(chrome, data.service, hold, data.statuses, data.timeZone, 'monitoring') : ''}
  ${pushSection(chrome, data)}
  ${automationSection(chrome, data, failed?.form === 'automation' ? failed.state : empty)}
  ${checksSection(chrome, data, failed?.form === 'new-check' ? failed.state : empty)}`,
    { lead: 'Push URL, heartbeat, escalation policy and built-in checks: how this service’s status posts itself.' },
  );
}

export function editCheckPage(
  chrome: Chrome,
  service: Service,
  check: Check,
  state: FormState,
  timeZone: string,
): Html {
  const base = monitoringPath(service);
  return page(
    chrome,
    `Check ${check.name} of ${service.name}`,
    html`
  <div class="card">
    <dl class="kv">
      <dt>State</dt><dd>${check.enabled ? stateText(check.effectiveState) : 'disabled'}</dd>
      <dt>Last run</dt><dd>${lastRun(check, timeZone)}</dd>
    </dl>
  </div>
  <div class="card">
    ${errorSummary(state, 'check')}
    <form method="post" action="${base}/checks/${check.name}" class="stack" novalidate>
      ${csrfField(chrome)}
      ${checkFields(state, 'check', check)}
      <div class="row"><button type="submit">Save</button> <a href="${base}#checks">Back to monitoring</a></div>
    </form>
  </div>
  <p><a href="${base}/checks/${check.name}/delete">Delete check ${check.name}</a></p>`,
  );
}
