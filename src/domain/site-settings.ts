import { Invalid } from './errors.ts';

/** What the public site shows and how: set by flags/env, overridable in the database. */
export interface SiteSettings {
  siteName: string;
  /** An image URL (absolute http(s) or a path on this site), or null for none. */
  logoUrl: string | null;
  /** Where customers report a problem (http(s) or mailto: URL), or null for none. */
  reportProblemUrl: string | null;
  /** IANA time zone in which days (history strips, archives) begin and end. */
  timeZone: string;
  /** How many days the history strips cover. */
  historyDays: number;
  /** The public base URL (e.g. https://status.example.com), or null to use the request's. */
  siteUrl: string | null;
  /** Plain text shown at the top of the front page (paragraphs separated by blank lines), or null. */
  about: string | null;
}

export const SITE_DEFAULTS: Readonly<SiteSettings> = Object.freeze({
  siteName: 'Stashboard',
  logoUrl: null,
  reportProblemUrl: null,
  timeZone: 'UTC',
  historyDays: 90,
  siteUrl: null,
  about: null,
});

export const HISTORY_DAYS_MIN = 5;
export const HISTORY_DAYS_MAX = 366;
const SITE_NAME_MAX = 100;
const URL_MAX = 2_000;
const ABOUT_MAX = 2_000;

export const SITE_SETTING_KEYS = Object.keys(SITE_DEFAULTS) as Array<keyof SiteSettings>;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone !== '';
  } catch {
    return false;
  }
}

function url(field: string, value: unknown, schemes: RegExp, allowPath: boolean): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string') throw new Invalid(`${field} must be a URL or empty`);
  if (value.length > URL_MAX) throw new Invalid(`${field} is longer than ${URL_MAX} characters`);
  // Browsers drop or reinterpret these (`/\\evil.example` is another host to them): refused, not kept as typed.
  if (/[\s\u0000-\u001f\u007f\\]/.test(value)) {
    throw new Invalid(`${field} must not contain spaces, line breaks, control characters or backslashes`);
  }
  if (allowPath && value.startsWith('/')) {
    const base = 'http://stashboard.invalid';
    const relative = new URL(value, base);
    if (value.startsWith('//') || relative.origin !== base) {
      throw new Invalid(`${field} must be a path on this site (one leading /) or an absolute URL`);
    }
    // The parsed form is stored: what every browser will request.
    return `${relative.pathname}${relative.search}${relative.hash}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Invalid(
      `${field} must be an absolute URL${allowPath ? ' or a path starting with /' : ''}, not ${JSON.stringify(value)}`,
    );
  }
  if (!schemes.test(parsed.protocol))
    throw new Invalid(
      `${field} must use ${schemes.source.replace(/[\^$()]/g, '').replace(/\|/g, ' or ')}, not ${parsed.protocol}`,
    );
  return parsed.href;
}

/**
 * Checks one setting and returns its normalised value; throws Invalid naming the field.
 * Strings may be given for numbers (flags, forms).
 */
export function checkSiteSetting<K extends keyof SiteSettings>(key: K, value: unknown): SiteSettings[K] {
  try {
    return checkOne(key, value);
  } catch (error) {
    if (error instanceof Invalid && error.field === undefined) throw new Invalid(error.message, key);
    throw error;
  }
}

function checkOne<K extends keyof SiteSettings>(key: K, value: unknown): SiteSettings[K] {
  switch (key) {
    case 'siteName': {
      if (typeof value !== 'string' || value.trim() === '') throw new Invalid('siteName must not be empty');
      if ([...value].length > SITE_NAME_MAX) throw new Invalid(`siteName is longer than ${SITE_NAME_MAX} characters`);
      if (/[\u0000-\u001f\u007f]/.test(value)) throw new Invalid('siteName contains a control character');
      return value.trim() as SiteSettings[K];
    }
    case 'logoUrl':
      return url('logoUrl', value, /^(https?:)$/, true) as SiteSettings[K];
    case 'reportProblemUrl':
      return url('reportProblemUrl', value, /^(https?:|mailto:)$/, true) as SiteSettings[K];
    case 'siteUrl': {
      const checked = url('siteUrl', value, /^(https?:)$/, false);
      return (checked === null ? null : checked.replace(/\/+$/, '')) as SiteSettings[K];
    }
    case 'about': {
      if (value === null || (typeof value === 'string' && value.trim() === '')) return null as SiteSettings[K];
      if (typeof value !== 'string') throw new Invalid('about must be text');
      if ([...value].length > ABOUT_MAX) throw new Invalid(`about is longer than ${ABOUT_MAX} characters`);
      if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value))
        throw new Invalid('about contains a control character');
      return value.trim().replace(/\r\n?/g, '\n') as SiteSettings[K];
    }
    case 'timeZone': {
      if (typeof value !== 'string' || !isTimeZone(value))
        throw new Invalid(`timeZone must be an IANA time zone such as Europe/Berlin, not ${JSON.stringify(value)}`);
      return value as SiteSettings[K];
    }
    case 'historyDays': {
      const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < HISTORY_DAYS_MIN || n > HISTORY_DAYS_MAX) {
        throw new Invalid(
          `historyDays must be a whole number from ${HISTORY_DAYS_MIN} to ${HISTORY_DAYS_MAX}, not ${JSON.stringify(value)}`,
        );
      }
      return n as SiteSettings[K];
    }
    default:
      throw new Invalid(`${JSON.stringify(key)} is not a site setting; known: ${SITE_SETTING_KEYS.join(', ')}`);
  }
}

/** Checks a partial set of settings; unknown keys are refused. */
export function checkSiteSettings(partial: unknown): Partial<SiteSettings> {
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial))
    throw new Invalid('site settings must be an object');
  const checked: Partial<Record<keyof SiteSettings, unknown>> = {};
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (!(SITE_SETTING_KEYS as string[]).includes(key)) {
      throw new Invalid(`${JSON.stringify(key)} is not a site setting; known: ${SITE_SETTING_KEYS.join(', ')}`);
    }
    checked[key as keyof SiteSettings] = checkSiteSetting(key as keyof SiteSettings, value);
  }
  return checked as Partial<SiteSettings>;
}

/** Defaults overridden by stored values; stored values that no longer validate are ignored. */
export function mergeSiteSettings(defaults: Readonly<SiteSettings>, stored: unknown): SiteSettings {
  const merged: SiteSettings = { ...defaults };
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return merged;
  for (const key of SITE_SETTING_KEYS) {
    if (!(key in stored)) continue;
    try {
      (merged as unknown as Record<string, unknown>)[key] = checkSiteSetting(
        key,
        (stored as Record<string, unknown>)[key],
      );
    } catch {
      // A value written by an older version that no longer validates: fall back to the default.
    }
  }
  return merged;
}
