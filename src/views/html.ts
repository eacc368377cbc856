import { escapeText } from './escape.ts';

/** Markup produced by `html`: interpolating it into another `html` template inserts it unescaped. */
export class Html {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

/** Values a template accepts: nothing (null, undefined, false render as ''), text, numbers, markup, lists of these. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeText(String(value));
}

/**
 * The escape-by-default tagged template: every interpolated value is escaped for HTML
 * (element content and quoted attributes alike) unless it is itself an `html` result.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i += 1) out += render(values[i]!) + (strings[i + 1] ?? '');
  return new Html(out);
}
