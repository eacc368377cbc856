import { HttpError } from './errors.ts';

export interface FormBody {
  /** Every parameter in order, duplicates kept (OAuth signs them all). */
  entries: Array<[string, string]>;
  /** The first value of each parameter. */
  fields: Record<string, string>;
}

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new HttpError(400, `The form body is malformed: ${what} has a bad percent-escape or is not UTF-8`);
  }
}

/**
 * Parses an application/x-www-form-urlencoded body strictly: unlike URLSearchParams, a bad
 * percent-escape or invalid UTF-8 is a 400 rather than silently turned into other text.
 */
export function parseFormBody(body: string): FormBody {
  const entries: Array<[string, string]> = [];
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decode(eq === -1 ? part : part.slice(0, eq), 'a parameter name');
    entries.push([key, decode(eq === -1 ? '' : part.slice(eq + 1), JSON.stringify(key))]);
  }
  const fields: Record<string, string> = {};
  for (const [key, value] of entries) if (!(key in fields)) fields[key] = value;
  return { entries, fields };
}
