// Stashboard page script: keyboard navigation of day strips, and live updates over
// Server-Sent Events. Without it the page loses nothing but liveness.
(() => {
  'use strict';
  const main = document.getElementById('main');

  // Each strip is one tab stop (today's day); arrow keys, Home and End move between days.
  function setupStrips(root) {
    for (const strip of root.querySelectorAll('ol.strip')) {
      const links = strip.querySelectorAll('a');
      links.forEach((link, i) => {
        link.tabIndex = i === links.length - 1 ? 0 : -1;
      });
    }
  }

  document.addEventListener('keydown', (event) => {
    const link = event.target instanceof Element ? event.target.closest('ol.strip a') : null;
    if (!link) return;
    const links = [...link.closest('ol.strip').querySelectorAll('a')].filter((a) => a.offsetParent !== null);
    const i = links.indexOf(link);
    let j;
    if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') j = Math.max(0, i - 1);
    else if (event.key === 'ArrowRight' || event.key === 'ArrowDown') j = Math.min(links.length - 1, i + 1);
    else if (event.key === 'Home') j = 0;
    else if (event.key === 'End') j = links.length - 1;
    else return;
    event.preventDefault();
    link.tabIndex = -1;
    links[j].tabIndex = 0;
    links[j].focus();
  });

  // A tap (or click) on a day shows its details under the strip instead of leaving the page;
  // the details link on to the day's archive. Modified clicks and Enter on a focused day still
  // open the archive.
  document.addEventListener('click', (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest('.day-detail [data-close]')) {
      target.closest('.day-detail').remove();
      return;
    }
    const link = target?.closest('ol.strip a');
    if (!link) return;
    // Enter on a focused day (a click without a pointer) opens its archive: the day's label
    // already shows on focus, and the keyboard user asked to go there.
    if (event.detail === 0) return;
    event.preventDefault();
    const strip = link.closest('ol.strip');
    const ends = strip.nextElementSibling?.classList.contains('strip-ends') ? strip.nextElementSibling : strip;
    let panel = ends.nextElementSibling?.classList.contains('day-detail') ? ends.nextElementSibling : null;
    if (panel && panel.dataset.href === link.getAttribute('href')) {
      panel.remove();
      link.setAttribute('aria-expanded', 'false');
      return;
    }
    for (const open of strip.querySelectorAll('a[aria-expanded="true"]')) open.setAttribute('aria-expanded', 'false');
    if (!panel) {
      panel = document.createElement('div');
      panel.className = 'day-detail';
      panel.setAttribute('role', 'status');
      ends.after(panel);
    }
    panel.dataset.href = link.getAttribute('href');
    const text = document.createElement('p');
    text.textContent = link.textContent.trim();
    const more = document.createElement('a');
    more.href = link.getAttribute('href');
    more.textContent = 'Updates of this day';
    const close = document.createElement('button');
    close.type = 'button';
    close.dataset.close = '';
    close.textContent = 'Close';
    panel.replaceChildren(text, more, close);
    link.setAttribute('aria-expanded', 'true');
  });

  if (main) setupStrips(main);
  if (!main || !('EventSource' in window) || !window.fetch) return;

  const indicator = document.querySelector('[data-live]');
  const announcer = document.createElement('p');
  announcer.className = 'sr-only';
  announcer.setAttribute('aria-live', 'polite');
  document.body.append(announcer);

  let busy = false;
  let again = false;
  let timer = 0;

  // Re-reads this page (cached and cheap on the server) and swaps in its content.
  function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    const focused =
      document.activeElement && main.contains(document.activeElement)
        ? document.activeElement.getAttribute('href')
        : null;
    const before = document.getElementById('overall')?.textContent;
    fetch(location.href, { headers: { accept: 'text/html' }, cache: 'no-cache', credentials: 'same-origin' })
      .then((response) => (response.ok ? response.text() : Promise.reject(new Error(String(response.status)))))
      .then((text) => {
        const next = new DOMParser().parseFromString(text, 'text/html');
        const content = next.getElementById('main');
        if (!content) return;
        main.replaceChildren(...[...content.childNodes].map((node) => document.adoptNode(node)));
        document.title = next.title;
        setupStrips(main);
        if (focused) {
          const target = [...main.querySelectorAll('a')].find((a) => a.getAttribute('href') === focused);
          if (target) {
            target.tabIndex = 0;
            target.focus();
          }
        }
        const after = document.getElementById('overall')?.textContent;
        if (after && after !== before) announcer.textContent = `Status updated: ${after}`;
      })
      .catch(() => {})
      .finally(() => {
        busy = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 120);
  }

  let greeted = false;
  const source = new EventSource('/api/v1/live');
  source.addEventListener('change', (event) => {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;
    }
    // A new greeting means the stream reconnected: changes may have been missed meanwhile.
    if (data.topic === 'hello') {
      if (greeted) schedule();
      greeted = true;
      return;
    }
    schedule();
  });
  source.addEventListener('open', () => {
    if (indicator) indicator.hidden = false;
  });
  source.addEventListener('error', () => {
    if (indicator) indicator.hidden = true;
  });
})();
