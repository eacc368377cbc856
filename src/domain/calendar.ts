/** Calendar days in an IANA time zone, computed with Intl (no time-zone database of our own). */

export interface CivilDate {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
}

/** One calendar day in a time zone: [start, end) in epoch milliseconds. */
export interface ZonedDay extends CivilDate {
  /** `yyyy-mm-dd` */
  key: string;
  start: number;
  end: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    partsFormatters.set(timeZone, f);
  }
  return f;
}

function wallClock(
  ms: number,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') {
    // The default zone, asked on every event written: Date's own fields, no formatter.
    const d = new Date(ms);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    };
  }
  const out: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return {
    year: out.year!,
    month: out.month!,
    day: out.day!,
    hour: out.hour! % 24,
    minute: out.minute!,
    second: out.second!,
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
export function zoneOffset(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

export function civilDateOf(ms: number, timeZone: string): CivilDate {
  const w = wallClock(ms, timeZone);
  return { year: w.year, month: w.month, day: w.day };
}

export function isValidCivilDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The first instant of a civil date's day in the zone (handles DST shifts, including at midnight). */
export function startOfCivilDay(date: CivilDate, timeZone: string): number {
  const guess = Date.UTC(date.year, date.month - 1, date.day);
  let t = guess - zoneOffset(guess, timeZone);
  t = guess - zoneOffset(t, timeZone);
  // Where midnight does not exist (a DST jump at 00:00), the day starts at the first instant after it.
  const w = civilDateOf(t, timeZone);
  if (w.day !== date.day) t += 3_600_000;
  return t;
}

/** The civil date `n` days after (negative: before) the given one. */
export function addDays(date: CivilDate, n: number): CivilDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + n));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function dateKey(date: CivilDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

export function zonedDay(date: CivilDate, timeZone: string): ZonedDay {
  const start = startOfCivilDay(date, timeZone);
  const end = startOfCivilDay(addDays(date, 1), timeZone);
  return { ...date, key: dateKey(date), start, end };
}

/** The last `count` days up to and including today (in the zone), oldest first. */
export function lastDays(now: number, count: number, timeZone: string): ZonedDay[] {
  const today = civilDateOf(now, timeZone);
  const days: ZonedDay[] = [];
  let end = startOfCivilDay(addDays(today, 1), timeZone);
  for (let i = 0; i < count; i += 1) {
    const date = addDays(today, -i);
    const start = startOfCivilDay(date, timeZone);
    days.push({ ...date, key: dateKey(date), start, end });
    end = start;
  }
  return days.reverse();
}

/** An archive period: a year, a month or a day, in the zone. */
export interface Period {
  kind: 'year' | 'month' | 'day';
  year: number;
  month?: number;
  day?: number;
  start: number;
  end: number;
}

export function period(timeZone: string, year: number, month?: number, day?: number): Period | undefined {
  if (month === undefined) {
    if (!isValidCivilDate(year, 1, 1)) return undefined;
    return {
      kind: 'year',
      year,
      start: startOfCivilDay({ year, month: 1, day: 1 }, timeZone),
      end: startOfCivilDay({ year: year + 1, month: 1, day: 1 }, timeZone),
    };
  }
  if (day === undefined) {
    if (!isValidCivilDate(year, month, 1)) return undefined;
    const next = month === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: month + 1, day: 1 };
    return {
      kind: 'month',
      year,
      month,
      start: startOfCivilDay({ year, month, day: 1 }, timeZone),
      end: startOfCivilDay(next, timeZone),
    };
  }
  if (!isValidCivilDate(year, month, day)) return undefined;
  const z = zonedDay({ year, month, day }, timeZone);
  return { kind: 'day', year, month, day, start: z.start, end: z.end };
}

/** The periods before and after one of the same kind (undefined beyond the supported range). */
export function neighbours(p: Period, timeZone: string): { previous?: Period; next?: Period } {
  if (p.kind === 'year') return { previous: period(timeZone, p.year - 1), next: period(timeZone, p.year + 1) };
  if (p.kind === 'month') {
    const prev = p.month === 1 ? [p.year - 1, 12] : [p.year, p.month! - 1];
    const next = p.month === 12 ? [p.year + 1, 1] : [p.year, p.month! + 1];
    return { previous: period(timeZone, prev[0]!, prev[1]!), next: period(timeZone, next[0]!, next[1]!) };
  }
  const date = { year: p.year, month: p.month!, day: p.day! };
  const prev = addDays(date, -1);
  const next = addDays(date, 1);
  return {
    previous: period(timeZone, prev.year, prev.month, prev.day),
    next: period(timeZone, next.year, next.month, next.day),
  };
}

/** The days of the zone that overlap [from, to), oldest first (none when to <= from). */
export function daysCovering(from: number, to: number, timeZone: string): ZonedDay[] {
  const days: ZonedDay[] = [];
  if (to <= from) return days;
  let date = civilDateOf(from, timeZone);
  let start = startOfCivilDay(date, timeZone);
  while (start < to) {
    const next = addDays(date, 1);
    const end = startOfCivilDay(next, timeZone);
    days.push({ ...date, key: dateKey(date), start, end });
    date = next;
    start = end;
  }
  return days;
}
