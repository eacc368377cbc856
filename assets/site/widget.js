// Stashboard status widget: <script src="https://status.example.com/widget.js" async></script>
// Draws a small corner badge inside a shadow root, so the host page's styles cannot
// reach it and it cannot restyle the host page. Text is set with textContent only.
(() => {
  'use strict';
  const script = document.currentScript;
  if (!script || !script.src) return;
  const origin = new URL(script.src).origin;
  const services = (script.getAttribute('data-services') || '').trim();
  const left = script.getAttribute('data-position') === 'bottom-left';

  const CSS = `
    :host { all: initial; }
    a { all: unset; box-sizing: border-box; cursor: pointer; display: flex; align-items: center; gap: 10px;
      max-width: min(340px, calc(100vw - 32px)); padding: 10px 14px; border-radius: 999px;
      font: 500 14px/1.3 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
      background: #fff; color: #172033; box-shadow: 0 2px 6px rgba(0,0,0,.12), 0 8px 24px rgba(0,0,0,.12); border: 1px solid #e2e6ec; }
    a:focus-visible { outline: 2px solid #1d5fd1; outline-offset: 2px; }
    .dot { width: 10px; height: 10px; border-radius: 50%; flex: none; background: #9aa3ad; }
    .l0 { background: #22a061; } .l1 { background: #e5a400; } .l2 { background: #ea6a1b; } .l3 { background: #d7372b; }
    .text { display: flex; flex-direction: column; min-width: 0; }
    .msg { font-weight: 400; font-size: 12px; color: #556070; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .msg:empty { display: none; }
    @media (prefers-color-scheme: dark) {
      a { background: #151c26; color: #e7eaf0; border-color: #263142; }
      .msg { color: #a1abb9; }
    }`;

  const host = document.createElement('div');
  host.setAttribute('data-stashboard-widget', '');
  // Set through the CSSOM, which a host page's CSP permits, unlike a style attribute.
  const place = { position: 'fixed', bottom: '16px', 'z-index': '2147483000', margin: '0', padding: '0', border: '0' };
  place[left ? 'left' : 'right'] = '16px';
  for (const [name, value] of Object.entries(place)) host.style.setProperty(name, value, 'important');
  const root = host.attachShadow({ mode: 'open' });
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = CSS;
    root.append(style);
  }
  const link = document.createElement('a');
  link.href = `${origin}/`;
  link.target = '_blank';
  link.rel = 'noopener';
  const dot = document.createElement('span');
  dot.className = 'dot';
  const text = document.createElement('span');
  text.className = 'text';
  const headline = document.createElement('strong');
  headline.textContent = 'Checking status…';
  const message = document.createElement('span');
  message.className = 'msg';
  text.append(headline, message);
  link.append(dot, text);
  root.append(link);

  const LEVELS = { NORMAL: 'l0', WARNING: 'l1', ERROR: 'l2', CRITICAL: 'l3' };
  function show(overall) {
    dot.className = `dot ${LEVELS[overall.level] || ''}`;
    headline.textContent = overall.text;
    message.textContent = overall.message || '';
    link.setAttribute(
      'aria-label',
      `${overall.text}${overall.message ? `: ${overall.message}` : ''}. Open the status page.`,
    );
    host.setAttribute('data-level', overall.level);
  }

  function start() {
    (document.body || document.documentElement).append(host);
    if (!('EventSource' in window)) return;
    const source = new EventSource(
      `${origin}/api/v1/live${services ? `?services=${encodeURIComponent(services)}` : ''}`,
    );
    source.addEventListener('change', (event) => {
      try {
        const data = JSON.parse(event.data);
        if (data.overall) show(data.overall);
      } catch {
        /* a malformed message changes nothing */
      }
    });
  }
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start, { once: true });
})();
