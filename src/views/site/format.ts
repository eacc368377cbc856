import type { Level } from '../../domain/levels.ts';
import type { V2ComponentStatus } from '../../domain/component-status.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(key: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const id = `${key}|${timeZone}`;
  let f = formatters.get(id);
  if (!f) formatters.set(id, (f = new Intl.DateTimeFormat('en-GB', { timeZone, ...options })));
  return f;
}

/** `28 Jun 2010, 22:17 UTC` in the site's zone. */
export function dateTime(ms: number, timeZone: string): string {
  return formatter('dt', timeZone, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(ms);
}

/** `Mon 28 Jun 2010` for a civil date (formatted at UTC noon, so no zone can move it). */
export function civilDay(year: number, month: number, day: number): string {
  const parts = formatter('day', 'UTC', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).formatToParts(Date.UTC(year, month - 1, day, 12));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

export function civilMonth(year: number, month: number): string {
  return formatter('month', 'UTC', { month: 'long', year: 'numeric' }).format(Date.UTC(year, month - 1, 15));
}

export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The CSS class of a level (colours live in the stylesheet; text always accompanies them). */
export function levelClass(level: Level | null): string {
  switch (level) {
    case 'NORMAL':
      return 'l0';
    case 'WARNING':
      return 'l1';
    case 'ERROR':
      return 'l2';
    case 'CRITICAL':
      return 'l3';
    default:
      return 'ln';
  }
}

/** `3 h 20 min`, `45 min`, `less than a minute`. */
export function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

const COMPONENT_CLASS: Record<V2ComponentStatus, string> = {
  operational: 'l0',
  degraded_performance: 'l1',
  partial_outage: 'l2',
  major_outage: 'l3',
  under_maintenance: 'lm',
};

/**
 * The CSS class of a status: its colour follows its component status, so every status an
 * admin adds fits the legend (green operational, yellow degraded performance, orange partial
 * outage, red major outage, blue maintenance). Text and icon always go with the colour.
 */
export function statusClass(status: { componentStatus: V2ComponentStatus } | null | undefined): string {
  return status ? COMPONENT_CLASS[status.componentStatus] : 'ln';
}

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
