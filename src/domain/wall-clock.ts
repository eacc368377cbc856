import { civilDateOf, dateKey, isValidCivilDate, zoneOffset, type CivilDate } from './calendar.ts';

/**
 * Wall-clock date and time in a time zone, as forms show and take them (`yyyy-mm-dd`, `hh:mm`).
 * Pure: the zone rules come from Intl.
 */

export interface ClockTime {
  hour: number;
  minute: number;
}

/** `2026-03-05` → a civil date, or undefined when it is not one. */
export function parseCivilDate(text: string): CivilDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isValidCivilDate(year, month, day) ? { year, month, day } : undefined;
}

/** `09:30` (seconds, if sent, are dropped) → a time of day, or undefined. */
export function parseClockTime(text: string): ClockTime | undefined {
  const m = /^(\d{2}):(\d{2})(?::\d{2}(?:\.\d{1,3})?)?$/.exec(text.trim());
  if (!m) return undefined;
  const [hour, minute] = [Number(m[1]), Number(m[2])];
  return hour <= 23 && minute <= 59 ? { hour, minute } : undefined;
}

/**
 * The instant a wall-clock time in the zone names. A time skipped by a DST jump is read with the
 * offset from before the jump (02:30 on a spring-forward night is 03:30); a repeated one is the first.
 */
export function zonedInstant(date: CivilDate, time: ClockTime, timeZone: string): number {
  const guess = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  const before = guess - zoneOffset(guess - 43_200_000, timeZone);
  const after = guess - zoneOffset(guess + 43_200_000, timeZone);
  const names = (ms: number) => {
    const w = wallClockOf(ms, timeZone);
    return w.date === dateKey(date) && w.time === `${pad(time.hour)}:${pad(time.minute)}`;
  };
  const readings = [before, after].filter(names);
  return readings.length > 0 ? Math.min(...readings) : before;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as the form fields show it in the zone. */
export function wallClockOf(ms: number, timeZone: string): { date: string; time: string } {
  const offset = zoneOffset(ms, timeZone);
  const local = new Date(ms + offset);
  return {
    date: dateKey(civilDateOf(ms, timeZone)),
    time: `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`,
  };
}
