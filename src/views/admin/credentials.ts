import { html, type Html } from '../html.ts';
import type { ApiToken } from '../../domain/resources.ts';
import type { OAuthCredentials } from '../../domain/oauth-signature.ts';
import { csrfField, page, type Chrome } from './layout.ts';
import { errorSummary, input, radios, type FormState } from './forms.ts';
import { time } from './time.ts';

export interface CredentialsData {
  tokens: ApiToken[];
  oauth: OAuthCredentials;
  /** Scheme and host of this site, for the examples. */
  origin: string;
  timeZone: string;
  /** A token just created: its secret, shown this once. */
  created?: { token: ApiToken; secret: string };
}

function tokenExamples(origin: string, secret: string): Html {
  const api = `${origin}/admin/api/v1`;
  return html`<h3>curl</h3>
<pre tabindex="0"><code>curl -X POST ${api}/services/SERVICE/events \\
  -H "Authorization: Bearer ${secret}" \\
  -d status=down -d message="Elevated error rates"</code></pre>
<h3>Python (standard library)</h3>
<pre tabindex="0"><code>import urllib.parse, urllib.request

req = urllib.request.Request(
    "${api}/services/SERVICE/events",
    data=urllib.parse.urlencode({"status": "down", "message": "Elevated error rates"}).encode(),
    headers={"Authorization": "Bearer ${secret}"})
print(urllib.request.urlopen(req).read().decode())</code></pre>`;
}

function oauthExamples(origin: string, c: OAuthCredentials): Html {
  const api = `${origin}/admin/api/v1`;
  return html`<h3>Python, as the original Stashboard client (oauth2)</h3>
<pre tabindex="0"><code>import oauth2 as oauth
import urllib

consumer = oauth.Consumer(key="${c.consumerKey}", secret="${c.consumerSecret}")
token = oauth.Token("${c.accessToken}", "${c.accessTokenSecret}")
client = oauth.Client(consumer, token=token)

base_url = "${api}"
data = urllib.urlencode({"status": "down", "message": "Elevated error rates"})
resp, content = client.request(base_url + "/services/SERVICE/events", "POST", body=data)
print content</code></pre>
<h3>Ruby (oauth gem)</h3>
<pre tabindex="0"><code>require "oauth"

consumer = OAuth::Consumer.new("${c.consumerKey}", "${c.consumerSecret}", site: "${origin}")
access = OAuth::AccessToken.new(consumer, "${c.accessToken}", "${c.accessTokenSecret}")
puts access.post("/admin/api/v1/services/SERVICE/events", "status" =&gt; "down", "message" =&gt; "Elevated error rates").body</code></pre>
<p class="muted small">curl cannot sign OAuth 1.0a requests by itself: with curl, use an API token.</p>`;
}

export function credentialsPage(chrome: Chrome, data: CredentialsData, state: FormState): Html {
  const rows = data.tokens.map(
    (t) => html`<tr>
    <td class="wrap" data-label="Name">${t.name} <code class="small">${t.id}</code></td>
    <td data-label="Scope">${t.scope}</td>
    <td class="small" data-label="Created">${time(t.createdAt, data.timeZone)}</td>
    <td class="small" data-label="Last used">${t.lastUsedAt === null ? html`<span class="muted">never</span>` : time(t.lastUsedAt, data.timeZone)}</td>
    <td data-label="State">${t.revokedAt === null ? 'active' : html`revoked ${time(t.revokedAt, data.timeZone)}`}</td>
    <td class="actions">${t.revokedAt === null ? html`<form method="post" action="/admin/credentials/tokens/${t.id}/revoke">${csrfField(chrome)}<button type="submit" class="link danger-text">Revoke<span class="visually-hidden"> ${t.name}</span></button></form>` : ''}</td>
  </tr>`,
  );
  return page(
    chrome,
    'Credentials',
    html`
  ${
    data.created
      ? html`<section class="secret" aria-labelledby="new-secret" role="status">
    <h2 id="new-secret">Token “${data.created.token.name}” created</h2>
    <p>Copy its secret now: it is shown only this once and stored only as a hash.</p>
    <p><code>${data.created.secret}</code></p>
    ${tokenExamples(data.origin, data.created.secret)}
  </section>`
      : ''
  }
  <section aria-labelledby="tokens">
    <h2 id="tokens">API tokens</h2>
    <p class="muted">Scripts send a token as <code>Authorization: Bearer …</code> to the admin API. Scope <strong>admin</strong> may do everything;
      <strong>events</strong> may only post and read events (for monitoring scripts).</p>
    ${
      data.tokens.length === 0
        ? html`<p class="muted">No tokens yet.</p>`
        : html`<div class="table-wrap" tabindex="0" role="region" aria-label="API tokens (scrolls sideways)"><table class="stack-sm">
      <thead><tr><th scope="col">Name</th><th scope="col">Scope</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${rows}</tbody></table></div>`
    }
    <div class="card">
      <h3>New token</h3>
      ${errorSummary(state, 'token')}
      <form method="post" action="/admin/credentials/tokens" class="stack" novalidate>
        ${csrfField(chrome)}
        ${input({ state, idPrefix: 'token', name: 'name', label: 'Name', required: true, maxlength: 100, hint: 'Who uses it, e.g. “uptime checker”' })}
        ${radios({
          state,
          idPrefix: 'token',
          name: 'scope',
          label: 'Scope',
          value: 'events',
          options: [
            { value: 'events', label: 'events: post and read events' },
            { value: 'admin', label: 'admin: everything' },
          ],
        })}
        <button type="submit">Create token</button>
      </form>
    </div>
    ${data.created ? '' : html`<details class="card"><summary>Examples with a token</summary>${tokenExamples(data.origin, 'sb_YOUR.TOKEN')}</details>`}
  </section>
  <section aria-labelledby="oauth">
    <h2 id="oauth">OAuth 1.0a</h2>
    <p class="muted">What clients written for the original Stashboard sign their requests with (HMAC-SHA1).</p>
    <div class="card">
      <dl class="kv">
        <dt>Consumer key</dt><dd><code>${data.oauth.consumerKey}</code></dd>
        <dt>Consumer secret</dt><dd><code>${data.oauth.consumerSecret}</code></dd>
        <dt>Access token</dt><dd><code>${data.oauth.accessToken}</code></dd>
        <dt>Access token secret</dt><dd><code>${data.oauth.accessTokenSecret}</code></dd>
      </dl>
      <p><a class="button secondary" href="/admin/credentials/oauth/regenerate">Regenerate OAuth credentials</a></p>
      <details><summary>Examples with these credentials</summary>${oauthExamples(data.origin, data.oauth)}</details>
    </div>
  </section>`,
  );
}
