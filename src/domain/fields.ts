import { Invalid } from './errors.ts';

export const LIMITS = { name: 100, description: 1_000, message: 10_000 } as const;

// Tab, newline and carriage return are allowed in long text; no other control character is.
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const CONTROL_IN_NAME = /[\u0000-\u001f\u007f]/;

// Not characters at all, or not allowed in XML: one in a message would make the feeds and badges invalid XML.
const NOT_TEXT = /[\uFFFE\uFFFF]|\p{Cs}/u;

/** Refuses noncharacters U+FFFE/U+FFFF and unpaired surrogates (text that cannot be written as XML). */
export function checkCharacters(field: string, value: string): string {
  if (NOT_TEXT.test(value)) {
    throw new Invalid(
      `${field} contains a character that is not text (U+FFFE, U+FFFF or an unpaired surrogate)`,
      field,
    );
  }
  return value;
}

/** Drops what checkCharacters refuses, for text that did not come through it. */
export function dropNonText(value: string): string {
  return value.replace(/[\uFFFE\uFFFF]|\p{Cs}/gu, '');
}

/** Checks a free-text field: non-empty when required, within its limit, no control characters or non-text. */
export function checkText(field: keyof typeof LIMITS, value: string): string {
  if (value.trim() === '') throw new Invalid(`${field} must not be empty`, field);
  const length = [...value].length;
  if (length > LIMITS[field]) {
    throw new Invalid(`${field} is ${length} characters long; the limit is ${LIMITS[field]}`, field);
  }
  const pattern = field === 'name' ? CONTROL_IN_NAME : CONTROL_IN_TEXT;
  if (pattern.test(value)) throw new Invalid(`${field} contains a control character`, field);
  return checkCharacters(field, value);
}

/** Parses a boolean parameter: a boolean, or the strings "true"/"false". */
export function parseBoolean(field: string, value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Invalid(`${field} must be true or false, not ${JSON.stringify(value)}`, field);
}
