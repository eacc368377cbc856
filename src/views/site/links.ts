import { html, type Html } from '../html.ts';

// http(s) URLs only; trailing punctuation that usually ends a sentence stays text.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
const TRAILING = /[.,;:!?)\]}'"]+$/;

/**
 * A message as text with its http and https URLs as links. Everything stays escaped by the
 * template; links carry rel="nofollow noopener ugc" (the text is written by people, not us).
 */
export function linkify(text: string): Html {
  const parts: Array<string | Html> = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let url = match[0];
    const trailing = TRAILING.exec(url);
    // Keep a closing parenthesis that belongs to the URL, e.g. a Wikipedia link.
    if (trailing) {
      let cut = trailing[0];
      if (cut.startsWith(')') && url.includes('(')) cut = cut.slice(1);
      url = url.slice(0, url.length - cut.length);
    }
    let valid = false;
    try {
      const parsed = new URL(url);
      valid = (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
    } catch {
      valid = false;
    }
    if (!valid) continue;
    parts.push(text.slice(last, match.index));
    parts.push(html`<a href="${url}" rel="nofollow noopener ugc">${url}</a>`);
    last = match.index + url.length;
  }
  parts.push(text.slice(last));
  return html`${parts}`;
}
