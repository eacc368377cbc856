import { html, type Html } from './html.ts';

/**
 * The response-time graph on a service's page: an image (its SVG comes from
 * /services/<slug>/response-times.svg, refreshed every minute, outside the page cache)
 * with the numbers one link away.
 */
export function responseTimesFigure(slug: string, name: string): Html {
  const base = `/services/${encodeURIComponent(slug)}/response-times`;
  return html`<figure class="response-times"><img src="${base}.svg" width="320" height="64" alt="Graph of ${name}'s response times over the last 24 hours">
<figcaption>Response times, last 24 hours (<a href="${base}.json">numbers</a>)</figcaption></figure>`;
}
