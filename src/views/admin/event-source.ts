import { html, type Html } from '../html.ts';

/** Where an event came from, for people: its author field (`check:api-http`, `push`, `user:a@b.c`, ...) in words. */
export function eventSource(author: string): { label: string; detail?: string; automated: boolean } {
  const colon = author.indexOf(':');
  const kind = colon === -1 ? author : author.slice(0, colon);
  const rest = colon === -1 ? '' : author.slice(colon + 1);
  switch (kind) {
    case 'check':
      return { label: `Check ${rest}`, automated: true };
    case 'push':
      return { label: 'Push URL', automated: true };
    case 'heartbeat':
      return { label: 'Heartbeat (no push in time)', automated: true };
    case 'alertmanager':
      return { label: 'Alertmanager', detail: rest || undefined, automated: true };
    case 'token':
      return { label: `API token “${rest}”`, automated: false };
    case 'oauth':
      return { label: 'OAuth client', detail: rest || undefined, automated: false };
    case 'user':
      return { label: rest, automated: false };
    case 'cli':
      return { label: 'Command line', automated: false };
    default:
      return { label: author, automated: false };
  }
}

/** The source as shown in event lists; the raw author stays available as the title. */
export function eventSourceLabel(author: string): Html {
  const source = eventSource(author);
  return html`<span class="source" title="${author}">${source.label}${
    source.detail ? html` <span class="muted small wrap">(${source.detail})</span>` : ''
  }${source.automated ? html` <span class="tag">automated</span>` : ''}</span>`;
}
