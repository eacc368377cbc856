import { html, type Html, type HtmlValue } from '../html.ts';
import { csrfField, page, type Chrome } from './layout.ts';

/** A confirmation page for a deletion: what goes, and one button. */
export function confirmPage(
  chrome: Chrome,
  title: string,
  action: string,
  explanation: HtmlValue,
  button: string,
  cancel: string,
): Html {
  return page(
    chrome,
    title,
    html`<div class="card">
  ${explanation}
  <form method="post" action="${action}" class="row">
    ${csrfField(chrome)}
    <button type="submit" class="danger">${button}</button>
    <a class="button secondary" href="${cancel}">Cancel</a>
  </form></div>`,
  );
}
