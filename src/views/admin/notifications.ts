import { html, type Html } from '../html.ts';
import type { Channel } from '../../domain/channels.ts';
import type { DeliveryHistoryEntry } from '../../domain/deliveries.ts';
import type { Subscriber } from '../../domain/subscribers.ts';
import type { SmtpSettingsView } from '../../domain/smtp-settings.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { checkbox, errorSummary, input, select, textarea, type FormState } from './forms.ts';
import { time } from './time.ts';

const KIND_LABEL: Record<string, string> = { webhook: 'Webhook', slack: 'Slack', email: 'Email list' };

function target(c: Channel): string {
  return c.kind === 'email' ? c.addresses.join(', ') : (c.url ?? '');
}

function scopeText(c: Pick<Channel, 'services' | 'notes'>): string {
  return `${c.services === null ? 'Every service' : c.services.join(', ')}; ${c.notes ? 'status changes and notes' : 'status changes only'}`;
}

/** The banner on every admin page while a channel is paused. */
export function pausedBanner(paused: Array<Pick<Channel, 'id' | 'name'>>): Html {
  return html`<div class="alert" role="alert"><h2>Notifications paused</h2><p>${paused.length === 1 ? 'A channel keeps failing and is paused:' : 'Channels keep failing and are paused:'}
  ${paused.map((c, i) => html`${i > 0 ? ', ' : ''}<a href="/admin/notifications/channels/${c.id}">${c.name}</a>`)}.
  Its notices wait until you resume it.</p></div>`;
}

function serviceChoices(
  state: FormState,
  prefix: string,
  services: Array<{ slug: string; name: string }>,
  chosen: string[] | null,
): Html {
  const submitted = state.values.services;
  const picked = new Set(submitted !== undefined ? submitted.split(',').filter(Boolean) : (chosen ?? []));
  const error = state.errors.services;
  return html`<fieldset id="${prefix}-services"><legend>Services</legend>
  <span class="hint">None ticked: every service, including services added later.</span>
  ${error ? html`<span class="error">${error}</span>` : ''}
  <div class="choices">${services.map((s) => html`<label class="choice"><input type="checkbox" name="services" value="${s.slug}"${picked.has(s.slug) ? html` checked` : ''}> <span>${s.name}</span></label>`)}</div>
  </fieldset>`;
}

function channelFields(
  state: FormState,
  prefix: string,
  services: Array<{ slug: string; name: string }>,
  channel?: Channel,
): Html {
  const kind = state.values.kind ?? channel?.kind ?? 'webhook';
  return html`
  ${
    channel
      ? ''
      : select({
          state,
          idPrefix: prefix,
          name: 'kind',
          label: 'Kind',
          value: kind,
          options: [
            { value: 'webhook', label: 'Webhook (signed JSON)' },
            { value: 'slack', label: 'Slack incoming webhook' },
            { value: 'email', label: 'Email list' },
          ],
        })
  }
  ${input({ state, idPrefix: prefix, name: 'name', label: 'Name', required: true, maxlength: 100, value: channel?.name })}
  ${
    !channel || channel.kind !== 'email'
      ? input({
          state,
          idPrefix: prefix,
          name: 'url',
          label: 'URL',
          type: 'url',
          value: channel?.url ?? '',
          hint: 'For webhooks and Slack: where notices are POSTed. Internal addresses are refused unless the server allows them (--outbound-allow).',
        })
      : ''
  }
  ${
    !channel || channel.kind === 'email'
      ? textarea({
          state,
          idPrefix: prefix,
          name: 'addresses',
          label: 'Email addresses',
          rows: 3,
          value: channel?.addresses.join('\n') ?? '',
          hint: 'For email lists: one address per line (or separated by commas). Each gets a blind copy.',
        })
      : ''
  }
  ${serviceChoices(state, prefix, services, channel?.services ?? null)}
  ${checkbox({ state, idPrefix: prefix, name: 'notes', label: 'Notes too, not only status changes', checked: state.values.notes !== undefined ? state.values.notes === 'true' : (channel?.notes ?? false) })}`;
}

export interface NotificationsOverview {
  channels: Channel[];
  services: Array<{ slug: string; name: string }>;
  subscribers: { confirmed: number; pending: number };
  smtp: SmtpSettingsView;
  timeZone: string;
}

export function notificationsPage(chrome: Chrome, data: NotificationsOverview, state: FormState): Html {
  const rows = data.channels.map(
    (c) => html`<tr>
    <td data-label="Name"><a href="/admin/notifications/channels/${c.id}">${c.name}</a></td>
    <td data-label="Kind">${KIND_LABEL[c.kind]}</td>
    <td data-label="Target" class="small">${target(c)}</td>
    <td data-label="Sends" class="small">${scopeText(c)}</td>
    <td data-label="State">${c.pausedAt !== null ? html`<strong>Paused</strong> since ${time(c.pausedAt, data.timeZone)}` : c.consecutiveFailures > 0 ? `${c.consecutiveFailures} failures in a row` : 'Working'}</td>
  </tr>`,
  );
  return page(
    chrome,
    'Notifications',
    html`
  <div class="cards">
  <div class="card"><h2>Email subscribers</h2>
    <p>${data.subscribers.confirmed} confirmed, ${data.subscribers.pending} waiting for confirmation. Visitors subscribe at <a href="/subscribe">/subscribe</a>.</p>
    <p><a href="/admin/notifications/subscribers">See subscribers</a></p></div>
  <div class="card"><h2>Email sending (SMTP)</h2>
    <p>${data.smtp.configured ? html`Through <code>${data.smtp.host}:${data.smtp.port}</code> from <code>${data.smtp.from}</code>.` : html`<strong>Not set up:</strong> no email is sent until it is.`}</p>
    <p><a href="/admin/notifications/email">Email settings and test</a></p></div>
  </div>
  <h2>Channels</h2>
  ${
    data.channels.length === 0
      ? html`<p class="muted">No channels yet.</p>`
      : html`<div class="table-wrap"><table class="stack-sm">
    <thead><tr><th>Name</th><th>Kind</th><th>Target</th><th>Sends</th><th>State</th></tr></thead><tbody>${rows}</tbody></table></div>`
  }
  <div class="card"><h2>Add a channel</h2>
  ${errorSummary(state, 'ch')}
  <form method="post" action="/admin/notifications/channels" class="stack" novalidate>
    ${csrfField(chrome)}
    ${channelFields(state, 'ch', data.services)}
    <button type="submit">Add channel</button>
  </form></div>`,
    { lead: 'Where status changes are sent: webhooks, Slack, email lists and the visitors who subscribed.' },
  );
}

export function channelPage(
  chrome: Chrome,
  channel: Channel,
  history: DeliveryHistoryEntry[],
  services: Array<{ slug: string; name: string }>,
  state: FormState,
  timeZone: string,
  /** True in the answer that made or rotated the signing secret: the only time it is shown. */
  showSecret = false,
): Html {
  const tries = (d: DeliveryHistoryEntry) =>
    d.tries.map(
      (t) =>
        html`<li>${time(t.at, timeZone)}: ${t.ok ? 'delivered' : 'failed'}${
          t.statusCode !== null ? html` (HTTP ${t.statusCode})` : ''
        }${t.error ? html` — ${t.error}` : ''} <span class="muted">${t.durationMs} ms</span></li>`,
    );
  const rows = history.map(
    (d) => html`<tr>
    <td data-label="Notice">#${d.outboxId} <span class="small muted">${d.topic}</span></td>
    <td data-label="State">${d.state === 'pending' ? html`pending${d.attempts > 0 ? html`, next try ${time(d.nextAttemptAt, timeZone)}` : ''}` : d.state}</td>
    <td data-label="Attempts"><ul class="small">${tries(d)}</ul></td>
  </tr>`,
  );
  return page(
    chrome,
    channel.name,
    html`
  ${
    channel.pausedAt !== null
      ? html`<div class="alert" role="alert"><h2>Paused</h2><p>Since ${time(channel.pausedAt, timeZone)}: ${channel.pauseReason}</p>
    <form method="post" action="/admin/notifications/channels/${channel.id}/resume">${csrfField(chrome)}<button type="submit">Resume</button></form></div>`
      : ''
  }
  <div class="card">
    <p>${KIND_LABEL[channel.kind]} · ${scopeText(channel)}</p>
    ${channel.kind === 'webhook' && !showSecret ? html`<p>Signed with HMAC-SHA256 (see <a href="/documentation">the documentation</a> and docs/notifications.md). The signing secret was shown once, when it was made; to give a receiver a new one, make a new signing secret below.</p>` : ''}
  </div>
  ${
    channel.kind === 'webhook' && showSecret
      ? html`<section class="secret" aria-labelledby="new-secret" role="status"><h2 id="new-secret">Signing secret</h2>
    <p>Copy it to the receiver now: it is shown only this once. Every request is signed with it (HMAC-SHA256, see <a href="/documentation">the documentation</a> and docs/notifications.md).</p>
    <p><code>${channel.secret}</code></p></section>`
      : ''
  }
  <h2>Deliveries</h2>
  ${
    history.length === 0
      ? html`<p class="muted">Nothing sent yet.</p>`
      : html`<div class="table-wrap"><table class="stack-sm">
    <thead><tr><th>Notice</th><th>State</th><th>Attempts</th></tr></thead><tbody>${rows}</tbody></table></div>`
  }
  <div class="card"><h2>Change</h2>
  ${errorSummary(state, 'ed')}
  <form method="post" action="/admin/notifications/channels/${channel.id}" class="stack" novalidate>
    ${csrfField(chrome)}
    ${channelFields(state, 'ed', services, channel)}
    ${channel.kind === 'webhook' ? checkbox({ state, idPrefix: 'ed', name: 'rotate_secret', label: 'Make a new signing secret (the receiver must be given it)', checked: false }) : ''}
    <button type="submit">Save</button>
  </form></div>
  <form method="post" action="/admin/notifications/channels/${channel.id}/delete" class="row">${csrfField(chrome)}
    <button type="submit" class="danger">Delete this channel</button></form>`,
  );
}

export function subscribersPage(chrome: Chrome, subscribers: Subscriber[], timeZone: string): Html {
  const rows = subscribers.map(
    (s) => html`<tr>
    <td data-label="Email">${s.email}</td>
    <td data-label="Services" class="small">${s.services === null ? 'every service' : s.services.join(', ')}</td>
    <td data-label="Confirmed">${s.confirmedAt !== null ? time(s.confirmedAt, timeZone) : 'not yet'}</td>
    <td><form method="post" action="/admin/notifications/subscribers/${s.id}/delete">${csrfField(chrome)}<button type="submit" class="link danger-text">Remove</button></form></td>
  </tr>`,
  );
  return page(
    chrome,
    'Email subscribers',
    html`
  ${
    subscribers.length === 0
      ? html`<p class="muted">Nobody has subscribed yet.</p>`
      : html`<div class="table-wrap"><table class="stack-sm">
    <thead><tr><th>Email</th><th>Services</th><th>Confirmed</th><th><span class="visually-hidden">Remove</span></th></tr></thead><tbody>${rows}</tbody></table></div>`
  }
  <p><a href="/admin/notifications">Back to notifications</a></p>`,
  );
}

export function emailSettingsPage(
  chrome: Chrome,
  smtp: SmtpSettingsView,
  state: FormState,
  testState: FormState,
  testResult?: { ok: boolean; error?: string },
): Html {
  return page(
    chrome,
    'Email settings',
    html`
  <div class="card"><h2>SMTP server</h2>
  ${errorSummary(state, 'smtp')}
  <form method="post" action="/admin/notifications/email" class="stack" novalidate>
    ${csrfField(chrome)}
    ${input({ state, idPrefix: 'smtp', name: 'host', label: 'Host', value: smtp.host, hint: 'Empty: no email is sent.' })}
    ${input({ state, idPrefix: 'smtp', name: 'port', label: 'Port', type: 'number', inputmode: 'numeric', value: String(smtp.port) })}
    ${select({
      state,
      idPrefix: 'smtp',
      name: 'security',
      label: 'Security',
      value: smtp.security,
      options: [
        { value: 'starttls', label: 'STARTTLS (required), usually port 587' },
        { value: 'tls', label: 'TLS from the start, usually port 465' },
        { value: 'none', label: 'None or opportunistic (local relays only)' },
      ],
    })}
    ${input({ state, idPrefix: 'smtp', name: 'user', label: 'User name', value: smtp.user, autocomplete: 'off' })}
    ${input({
      state,
      idPrefix: 'smtp',
      name: 'password',
      label: 'Password',
      type: 'password',
      autocomplete: 'new-password',
      hint: smtp.passwordSet ? 'A password is stored; leave empty to keep it.' : 'No password stored.',
    })}
    ${input({ state, idPrefix: 'smtp', name: 'from', label: 'From', value: smtp.from, hint: 'e.g. Example status <status@example.com>' })}
    <button type="submit">Save email settings</button>
  </form></div>
  <div class="card"><h2>Send a test email</h2>
  ${
    testResult
      ? testResult.ok
        ? html`<p class="flash" role="status">The test email was accepted by the SMTP server.</p>`
        : html`<div class="alert" role="alert"><h2>The test email failed</h2><p>${testResult.error ?? ''}</p></div>`
      : ''
  }
  ${errorSummary(testState, 'test')}
  <form method="post" action="/admin/notifications/email/test" class="stack" novalidate>
    ${csrfField(chrome)}
    ${input({ state: testState, idPrefix: 'test', name: 'to', label: 'To', type: 'email', value: chrome.user?.email ?? '' })}
    <button type="submit" class="secondary">Send test email</button>
  </form></div>
  <p><a href="/admin/notifications">Back to notifications</a></p>`,
  );
}
