import { Invalid } from './errors.ts';

/** A parsed date parameter: the instant it names, and whether it named a whole day. */
export interface ParsedDate {
  ms: number;
  dateOnly: boolean;
}

const DAY_MS = 86_400_000;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ZONES: Record<string, number> = {
  gmt: 0,
  ut: 0,
  utc: 0,
  z: 0,
  edt: -4 * 60,
  est: -5 * 60,
  cdt: -5 * 60,
  cst: -6 * 60,
  mdt: -6 * 60,
  mst: -7 * 60,
  pdt: -7 * 60,
  pst: -8 * 60,
};

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const RFC2822 =
  /^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(\d{1,2})[\s-]+([a-z]{3})[a-z]*[\s-]+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s*([a-z]{1,3}|[+-]\d{4}))?$/i;

function offsetMinutes(zone: string | undefined): number | undefined {
  if (!zone) return 0; // no offset means UTC
  const named = ZONES[zone.toLowerCase()];
  if (named !== undefined) return named;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (Number(m[2]) > 23 || Number(m[3] ?? 0) > 59) return undefined;
  return m[1] === '-' ? -minutes : minutes;
}

function build(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  frac: number,
  offset: number,
): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return undefined;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > daysInMonth) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59)) + frac;
  return ms - offset * 60_000;
}

/** Parses the date formats the API accepts; returns undefined when the text is not one. */
export function parseDate(text: string): ParsedDate | undefined {
  const value = text.trim();
  let m = ISO.exec(value);
  if (m) {
    const offset = offsetMinutes(m[8]);
    if (offset === undefined) return undefined;
    const frac = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
    const ms = build(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), frac, offset);
    return ms === undefined ? undefined : { ms, dateOnly: m[4] === undefined };
  }
  m = RFC2822.exec(value);
  if (m) {
    const month = MONTHS.indexOf(m[2]!.toLowerCase()) + 1;
    const offset = offsetMinutes(m[7]);
    if (month === 0 || offset === undefined) return undefined;
    const ms = build(+m[3]!, month, +m[1]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), 0, offset);
    return ms === undefined ? undefined : { ms, dateOnly: m[4] === undefined };
  }
  return undefined;
}

/**
 * Turns optional `start`/`end` parameters into an inclusive millisecond range.
 * Comparisons are at whole seconds, as timestamps are shown; a date without a time
 * covers its whole day.
 */
export function parseDateRange(start?: string, end?: string): { from?: number; to?: number } {
  const range: { from?: number; to?: number } = {};
  if (start !== undefined && start !== '') {
    const p = parseDate(start);
    if (!p) throw new Invalid(`start is not a date: ${JSON.stringify(start)}`);
    range.from = Math.floor(p.ms / 1000) * 1000;
  }
  if (end !== undefined && end !== '') {
    const p = parseDate(end);
    if (!p) throw new Invalid(`end is not a date: ${JSON.stringify(end)}`);
    range.to = p.dateOnly ? p.ms + DAY_MS - 1 : Math.floor(p.ms / 1000) * 1000 + 999;
  }
  return range;
}

/** RFC 1123 in GMT, as the API shows timestamps. */
export function formatRfc1123(ms: number): string {
  return new Date(ms).toUTCString();
}
