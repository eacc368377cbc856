import { html, type Html } from '../html.ts';

/** A `<time>` element showing an instant in the site's time zone, with the exact UTC instant in its attribute. */
export function time(ms: number, timeZone: string): Html {
  const text = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(ms);
  return html`<time datetime="${new Date(ms).toISOString()}">${text}</time>`;
}
