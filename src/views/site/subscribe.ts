import { html, type Html } from '../html.ts';
import { layout, type PageChrome } from './layout.ts';

export interface SubscribeFormData {
  services: Array<{ slug: string; name: string }>;
  csrfToken: string;
  /** What the visitor sent, shown again after an error. */
  values?: { email?: string; scope?: string; services?: string[] };
  error?: { message: string; field?: string };
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
  const body = html`<h1>Get status updates by email</h1>
<p>We email you when a service changes status or we post a note about it. First we send you a link to confirm
the address: nothing else is sent until you open it. Every email has a one-click unsubscribe link.</p>
<form method="post" action="/subscribe" class="subscribe">
<input type="hidden" name="csrf" value="${data.csrfToken}">
<p><label for="email">Email address</label><br>
<input type="email" id="email" name="email" required autocomplete="email" maxlength="254" value="${v.email ?? ''}"${data.error && (data.error.field ?? 'email') === 'email' ? html` aria-invalid="true" aria-describedby="email-error"` : ''}></p>
${fieldError('email')}
<fieldset>
<legend>Which services?</legend>
<p><label><input type="radio" name="scope" value="all"${some ? '' : html` checked`}> Every service</label></p>
<p><label><input type="radio" name="scope" value="some"${some ? html` checked` : ''}> Only these:</label></p>
<ul class="choices">
${data.services.map((s) => html`<li><label><input type="checkbox" name="services" value="${s.slug}"${chosen.has(s.slug) ? html` checked` : ''}> ${s.name}</label></li>`)}
</ul>
${fieldError('services')}
</fieldset>
<p><button type="submit">Subscribe</button></p>
</form>
<p>Prefer a feed? <a href="/atom">Atom</a> or <a href="/rss">RSS</a>; add <code>?services=slug,slug</code> for chosen services.</p>`;
  return layout(chrome, {
    title: 'Subscribe',
    body,
    description: `Get status updates of ${chrome.settings.siteName} by email`,
  });
}

/** A short page that says what happened (sent, confirmed, unsubscribed, a bad link). */
export function subscriptionMessagePage(
  chrome: PageChrome,
  page: { title: string; paragraphs: Array<string | Html> },
): Html {
  return layout(chrome, {
    title: page.title,
    body: html`<h1>${page.title}</h1>${page.paragraphs.map((p) => html`<p>${p}</p>`)}<p><a href="/">Back to the status page</a></p>`,
  });
}
