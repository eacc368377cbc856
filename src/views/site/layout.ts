import { html, type Html } from '../html.ts';
import type { SiteSettings } from '../../domain/site-settings.ts';

/** What every public page needs besides its own data. */
export interface PageChrome {
  settings: SiteSettings;
  /** Versioned asset URLs. */
  assets: { css: string; js: string };
  /** The request path, to mark the current navigation entry. */
  path: string;
}

const NAV: Array<[string, string]> = [
  ['/', 'Status'],
  ['/summary', 'Summary'],
  ['/uptime', 'Uptime'],
  ['/service-lists', 'Lists'],
  ['/history', 'History'],
  ['/documentation', 'API'],
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
  const title = page.title === settings.siteName ? settings.siteName : `${page.title} · ${settings.siteName}`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
<meta name="description" content="${page.description ?? `Current status and history of the services of ${settings.siteName}`}">
<link rel="stylesheet" href="${chrome.assets.css}">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="alternate" type="application/rss+xml" title="${settings.siteName} status feed" href="${page.feed ?? '/rss'}">
<link rel="alternate" type="application/atom+xml" title="${settings.siteName} status feed (Atom)" href="${(page.feed ?? '/rss').replace(/^\/rss/, '/atom')}">
<script src="${chrome.assets.js}" defer></script>
${page.head ?? ''}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="wrap">
<a class="brand" href="/">${settings.logoUrl ? html`<img src="${settings.logoUrl}" alt="" height="32">` : ''}<span>${settings.siteName}</span></a>
<nav aria-label="Site">${NAV.map(([href, label]) => navLink(chrome.path, href, label))}<a href="${page.feed ?? '/rss'}" class="feed">RSS</a></nav>
</div></header>
<main id="main" class="wrap" tabindex="-1">
${page.body}
</main>
<footer class="foot"><div class="wrap">
<p>Times are shown in ${settings.timeZone}. ${settings.reportProblemUrl ? html`<a href="${settings.reportProblemUrl}">Report a problem</a>` : ''}</p>
<p class="live" data-live hidden><span class="pulse" aria-hidden="true"></span> Live: this page updates itself</p>
<p><a href="/subscribe">Get updates by email</a> · <a href="/atom">Atom feed</a></p>
<p>Powered by <a href="/documentation">Stashboard</a></p>
</div></footer>
</body>
</html>
`;
}
