import { html, type Html } from '../html.ts';
import { layout, type PageChrome } from './layout.ts';

export interface SubscribeFormData {
  services: Array<{ slug: string; name: string }>;
  csrfToken: string;
  /** What the visitor sent, shown again after an error. */
  values?: { email?: string; scope?: string; services?: string[] };
  error?: { message: string; field?: string };
  /** False when no SMTP server is set up: the page says so instead of promising mail. */
  deliveryConfigured?: boolean;
}

const feeds = html`<ul class="feeds">
  <li><a href="/atom">Atom feed</a></li>
  <li><a href="/rss">RSS feed</a></li>
</ul>`;

function serviceChoices(
  services: Array<{ slug: string; name: string }>,
  some: boolean,
  chosen: Set<string>,
  error: Html | '',
): Html {
  return html`<fieldset>
    <legend>Which services?</legend>
    <p>
      <label><input type="radio" name="scope" value="all" ${some ? '' : html` checked`} /> Every service</label>
    </p>
    <p>
      <label><input type="radio" name="scope" value="some" ${some ? html` checked` : ''} /> Only these:</label>
    </p>
    <ul class="choices">
      ${services.map(
        (s) =>
          html`<li>
            <label
              ><input type="checkbox" name="services" value="${s.slug}" ${chosen.has(s.slug) ? html` checked` : ''} />
              ${s.name}</label
            >
          </li>`,
      )}
    </ul>
    ${error}
  </fieldset>`;
}

/** The subscription form: an email address, every service or chosen ones. Works without JavaScript. */
export function subscribePage(chrome: PageChrome, data: SubscribeFormData): Html {
  const v = data.values ?? {};
  const some = v.scope === 'some';
  const chosen = new Set(v.services ?? []);
  const fieldError = (field: string) =>
    data.error && (data.error.field ?? 'email') === field
      ? html`<p class="notice" id="${field}-error" role="alert">${data.error.message}</p>`
      : '';
  if (data.deliveryConfigured === false) {
    return layout(chrome, {
      title: 'Subscribe',
      description: `Follow the status of ${chrome.settings.siteName}`,
      body: html`<section class="card subscribe-card">
        <h1>Get status updates</h1>
        <p class="notice" role="status">
          Email updates are not available here yet: this status page has no email delivery set up, so we cannot send you
          anything. Follow a feed in your reader instead; it has every status change and note.
        </p>
        ${feeds}
        <p class="muted">Add <code>?services=slug,slug</code> to a feed's address for chosen services only.</p>
      </section>`,
    });
  }
  const body = html`<section class="card subscribe-card">
      <h1>Get status updates by email</h1>
      <p>
        We email you when a service changes status or we post a note about it. First we send you a link to confirm the
        address: nothing else is sent until you open it. Every email has a link to change your services or to leave with
        one click.
      </p>
      <form method="post" action="/subscribe" class="subscribe">
        <input type="hidden" name="csrf" value="${data.csrfToken}" />
        <p>
          <label for="email">Email address</label><br />
          <input
            type="email"
            id="email"
            name="email"
            required
            autocomplete="email"
            maxlength="254"
            value="${v.email ?? ''}"
            ${data.error && (data.error.field ?? 'email') === 'email' ? html` aria-invalid="true" aria-describedby="email-error"` : ''}
          />
        </p>
        ${fieldError('email')} ${serviceChoices(data.services, some, chosen, fieldError('services'))}
        <p><button type="submit">Subscribe</button></p>
      </form>
    </section>
    <section class="card">
      <h2>Prefer a feed?</h2>
      ${feeds}
      <p class="muted">Add <code>?services=slug,slug</code> to a feed's address for chosen services only.</p>
    </section>`;
  return layout(chrome, {
    title: 'Subscribe',
    body,
    description: `Get status updates of ${chrome.settings.siteName} by email`,
  });
}

export interface ManageData {
  email: string;
  /** Null: every service. */
  services: string[] | null;
  all: Array<{ slug: string; name: string }>;
  token: string;
  csrfToken: string;
  error?: string;
  saved?: boolean;
}

/** "Manage my subscription", linked from every email: change the services, or leave. */
export function managePage(chrome: PageChrome, data: ManageData): Html {
  const chosen = new Set(data.services ?? []);
  const body = html`<section class="card subscribe-card">
    <h1>Your subscription</h1>
    <p>Updates go to <strong>${data.email}</strong>.</p>
    ${data.saved ? html`<p class="notice" role="status">Saved: your choice of services is changed.</p>` : ''}
    <form method="post" action="/subscribe/manage" class="subscribe">
      <input type="hidden" name="csrf" value="${data.csrfToken}" />
      <input type="hidden" name="token" value="${data.token}" />
      ${serviceChoices(
        data.all,
        data.services !== null,
        chosen,
        data.error ? html`<p class="notice" id="services-error" role="alert">${data.error}</p>` : '',
      )}
      <p><button type="submit" name="action" value="save">Save my choice</button></p>
    </form>
    <h2>Leave</h2>
    <form method="post" action="/subscribe/manage" class="subscribe">
      <input type="hidden" name="csrf" value="${data.csrfToken}" />
      <input type="hidden" name="token" value="${data.token}" />
      <p>
        <button type="submit" name="action" value="leave" class="secondary">Unsubscribe ${data.email}</button>
      </p>
    </form>
  </section>`;
  return layout(chrome, { title: 'Your subscription', body });
}

/** A short page that says what happened (sent, confirmed, unsubscribed, a bad link). */
export function subscriptionMessagePage(
  chrome: PageChrome,
  page: { title: string; paragraphs: Array<string | Html> },
): Html {
  return layout(chrome, {
    title: page.title,
    body: html`<section class="card subscribe-card">
      <h1>${page.title}</h1>
      ${page.paragraphs.map((p) => html`<p>${p}</p>`)}
      <p><a href="/">Back to the status page</a></p>
    </section>`,
  });
}
