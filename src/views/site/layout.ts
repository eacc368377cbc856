import { html, type Html } from '../html.ts';
import type { SiteSettings } from '../../domain/site-settings.ts';

/** What every public page needs besides its own data. */
export interface PageChrome {
  settings: SiteSettings;
  /** Versioned asset URLs. */
  assets: { css: string; js: string };
  /** The request path, to mark the current navigation entry. */
  path: string;
  /** The public origin (`https://status.example.com`), for absolute URLs in sharing tags. */
  origin?: string;
  /** The site's overall state, carried by the title and the favicon. */
  state?: PageState;
}

/** The overall state as the title and favicon show it. */
export interface PageState {
  /** `All systems operational`, `Down`, ... */
  text: string;
  /** The state's CSS class (`l0`...`l3`, `lm`, `ln`): also names its favicon. */
  cls: string;
}

const NAV: Array<[string, string]> = [
  ['/', 'Status'],
  ['/summary', 'Summary'],
  ['/uptime', 'Uptime'],
  ['/service-lists', 'Lists'],
  ['/history', 'History'],
];

function navLink(path: string, href: string, label: string): Html {
  const current = href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
  return html`<a href="${href}"${current ? html` aria-current="page"` : ''}>${label}</a>`;
}

export function layout(
  chrome: PageChrome,
  page: { title: string; body: Html; description?: string; feed?: string; head?: Html },
): Html {
  const { settings } = chrome;
  const base = page.title === settings.siteName ? settings.siteName : `${page.title} · ${settings.siteName}`;
  // The state first, so a browser tab or a shared link says it at a glance.
  const title = chrome.state ? `${chrome.state.text} — ${base}` : base;
  const description = page.description ?? `Current status and history of the services of ${settings.siteName}`;
  const url = chrome.origin ? `${chrome.origin}${chrome.path}` : undefined;
  const image = settings.logoUrl && chrome.origin ? new URL(settings.logoUrl, chrome.origin).toString() : undefined;
  const favicon = chrome.state ? `/favicons/${chrome.state.cls}.svg` : '/favicon.svg';
  const feed = page.feed ?? '/rss';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
<meta name="description" content="${description}">
${
  // A page with sharing tags of its own (an incident's permalink) gives them in its head.
  page.head
    ? ''
    : html`<meta property="og:type" content="website">
<meta property="og:site_name" content="${settings.siteName}">
<meta property="og:title" content="${title}">
<meta property="og:description" content="${description}">
${url ? html`<meta property="og:url" content="${url}">` : ''}
${image ? html`<meta property="og:image" content="${image}">` : ''}`
}
<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="${title}">
<meta name="twitter:description" content="${description}">
<link rel="stylesheet" href="${chrome.assets.css}">
<link rel="icon" href="${favicon}" type="image/svg+xml">
<link rel="alternate" type="application/rss+xml" title="${settings.siteName} status feed" href="${feed}">
<link rel="alternate" type="application/atom+xml" title="${settings.siteName} status feed (Atom)" href="${feed.replace(/^\/rss/, '/atom')}">
<script src="${chrome.assets.js}" defer></script>
${page.head ?? ''}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="wrap">
<a class="brand" href="/">${settings.logoUrl ? html`<img src="${settings.logoUrl}" alt="" height="32">` : ''}<span>${settings.siteName}</span></a>
<nav aria-label="Site">${NAV.map(([href, label]) => navLink(chrome.path, href, label))}<a href="/subscribe" class="subscribe"${chrome.path === '/subscribe' ? html` aria-current="page"` : ''}>Subscribe</a></nav>
</div></header>
<main id="main" class="wrap" tabindex="-1">
${page.body}
</main>
<footer class="foot"><div class="wrap">
<p>Times are shown in ${settings.timeZone}. ${settings.reportProblemUrl ? html`<a href="${settings.reportProblemUrl}">Report a problem</a>` : ''}</p>
<p class="live" data-live hidden><span class="pulse" aria-hidden="true"></span> Live: this page updates itself</p>
<p class="foot-links"><a href="/subscribe">Subscribe</a> · <a href="${feed}">RSS</a> · <a href="${feed.replace(/^\/rss/, '/atom')}">Atom</a> · <a href="/documentation">API</a></p>
<p>Powered by Stashboard</p>
</div></footer>
</body>
</html>
`;
}
