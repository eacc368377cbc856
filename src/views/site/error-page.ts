import { html, type Html } from '../html.ts';
import { layout, type PageChrome } from './layout.ts';

/** The HTML page for a 404 or any other error on a non-API path. */
export function errorPage(chrome: PageChrome, status: number, message: string): Html {
  const title =
    status === 404
      ? 'Page not found'
      : status === 503
        ? 'Temporarily unavailable'
        : status >= 500
          ? 'Something went wrong'
          : 'That did not work';
  const body = html`<section class="card error-page" aria-labelledby="error-title">
<p class="code">${status}</p>
<h1 id="error-title">${title}</h1>
<p>${message}</p>
<p><a href="/">Go to the status page</a></p>
</section>`;
  return layout(chrome, { title, body });
}
