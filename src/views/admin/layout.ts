import { html, type Html, type HtmlValue } from '../html.ts';

/** What every signed-in page knows about the request. */
export interface Chrome {
  user: { email: string; role: 'admin' | 'editor' } | undefined;
  csrf: string;
  /** The path of the page, to mark the current navigation item. */
  path: string;
  flash?: string;
  /** A site-wide warning shown above every page (e.g. a paused notification channel). */
  banner?: Html;
  stylesheet: string;
  /** The page script (progressive enhancement only: every page works without it). */
  script?: string;
  favicon?: string;
}

const NAV: Array<{ href: string; label: string; adminOnly: boolean }> = [
  { href: '/admin', label: 'Dashboard', adminOnly: false },
  { href: '/admin/incidents', label: 'Incidents', adminOnly: false },
  { href: '/admin/services', label: 'Services', adminOnly: true },
  { href: '/admin/lists', label: 'Lists', adminOnly: true },
  { href: '/admin/order', label: 'Order', adminOnly: true },
  { href: '/admin/statuses', label: 'Statuses', adminOnly: true },
  { href: '/admin/credentials', label: 'Credentials', adminOnly: true },
  { href: '/admin/users', label: 'Users', adminOnly: true },
  { href: '/admin/settings', label: 'Settings', adminOnly: true },
  { href: '/admin/notifications', label: 'Notifications', adminOnly: true },
  { href: '/admin/audit', label: 'Audit log', adminOnly: true },
  { href: '/', label: 'Status page', adminOnly: false },
];

function isCurrent(href: string, path: string): boolean {
  if (href === '/') return false;
  return href === '/admin' ? path === '/admin' || path === '/admin/' : path === href || path.startsWith(`${href}/`);
}

export function csrfField(chrome: Pick<Chrome, 'csrf'>): Html {
  return html`<input type="hidden" name="_csrf" value="${chrome.csrf}">`;
}

export function page(chrome: Chrome, title: string, body: HtmlValue, options: { lead?: HtmlValue } = {}): Html {
  const user = chrome.user;
  const nav = user
    ? html`<nav aria-label="Admin sections"><ul>${NAV.filter((n) => !n.adminOnly || user.role === 'admin').map(
        (n) =>
          html`<li><a href="${n.href}"${isCurrent(n.href, chrome.path) ? html` aria-current="page"` : ''}>${n.label}</a></li>`,
      )}</ul></nav>
      <div class="who"><a href="/admin/account">${user.email}</a> <span>(${user.role})</span>
        <form method="post" action="/admin/logout">${csrfField(chrome)}<button type="submit">Log out</button></form></div>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
${chrome.user ? html`<meta name="csrf-token" content="${chrome.csrf}">` : ''}
<title>${title} · Stashboard admin</title>
<link rel="stylesheet" href="${chrome.stylesheet}">
${chrome.favicon ? html`<link rel="icon" href="${chrome.favicon}" type="image/svg+xml">` : ''}
${chrome.script ? html`<script src="${chrome.script}" defer></script>` : ''}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><a class="brand" href="/admin">Stashboard admin</a>${nav || html`<a class="public-link" href="/">Status page</a>`}</header>
<main id="main">
<h1>${title}</h1>
${options.lead ? html`<p class="lead">${options.lead}</p>` : ''}
${chrome.banner ?? ''}
${chrome.flash ? html`<p class="flash" role="status">${chrome.flash}</p>` : ''}
${body}
</main>
</body>
</html>`;
}
