import { Invalid } from './errors.ts';
import { checkEmail } from './accounts.ts';

export type ChannelKind = 'webhook' | 'slack' | 'email';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['webhook', 'slack', 'email'];

/** An outbound channel as the admin sees it. */
export interface Channel {
  id: number;
  kind: ChannelKind;
  name: string;
  /** The webhook or Slack URL. */
  url: string | null;
  /** The email list's addresses. */
  addresses: string[];
  /** The webhook signing key (empty for other kinds). */
  secret: string;
  /** Service slugs, or null for every service. */
  services: string[] | null;
  /** Notes too, not only status changes. */
  notes: boolean;
  /** The payload format of a webhook (§11): Stashboard's own, or Statuspage's webhook format. */
  format: ChannelFormat;
  consecutiveFailures: number;
  pausedAt: number | null;
  pauseReason: string;
  createdAt: number;
}

export type ChannelFormat = 'stashboard' | 'statuspage';
export const CHANNEL_FORMATS: readonly ChannelFormat[] = ['stashboard', 'statuspage'];

/** `format`: `stashboard` (default) or, for webhooks only, `statuspage`. */
export function checkChannelFormat(kind: ChannelKind, value: string | undefined): ChannelFormat {
  if (value === undefined || value === '') return 'stashboard';
  if (!(CHANNEL_FORMATS as readonly string[]).includes(value))
    throw new Invalid(`format must be one of ${CHANNEL_FORMATS.join(', ')}, not ${JSON.stringify(value)}`, 'format');
  if (value === 'statuspage' && kind !== 'webhook')
    throw new Invalid('format statuspage is for webhook channels only', 'format');
  return value as ChannelFormat;
}

const NAME_MAX = 100;
const URL_MAX = 2_000;
const ADDRESSES_MAX = 200;

export function checkChannelKind(value: string | undefined): ChannelKind {
  if (value === undefined || !(CHANNEL_KINDS as readonly string[]).includes(value)) {
    throw new Invalid(`kind must be one of ${CHANNEL_KINDS.join(', ')}, not ${JSON.stringify(value ?? '')}`, 'kind');
  }
  return value as ChannelKind;
}

export function checkChannelName(value: string | undefined): string {
  const name = (value ?? '').trim();
  if (name === '') throw new Invalid('name is required', 'name');
  if ([...name].length > NAME_MAX) throw new Invalid(`name is longer than ${NAME_MAX} characters`, 'name');
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new Invalid('name contains a control character', 'name');
  return name;
}

/** An http(s) URL without credentials in it. */
export function checkChannelUrl(value: string | undefined): string {
  const text = (value ?? '').trim();
  if (text === '') throw new Invalid('url is required', 'url');
  if (text.length > URL_MAX) throw new Invalid(`url is longer than ${URL_MAX} characters`, 'url');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Invalid('url must be an absolute http or https URL', 'url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Invalid(`url must use http or https, not ${url.protocol}`, 'url');
  if (url.username || url.password) throw new Invalid('url must not carry a user name or password', 'url');
  return url.toString();
}

/** Addresses separated by commas, semicolons or line breaks; at least one. */
export function checkAddresses(value: string | undefined): string[] {
  const parts = (value ?? '')
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new Invalid('addresses must name at least one email address', 'addresses');
  if (parts.length > ADDRESSES_MAX)
    throw new Invalid(`addresses may name at most ${ADDRESSES_MAX} addresses`, 'addresses');
  const checked = parts.map((part) => {
    try {
      return checkEmail(part);
    } catch {
      throw new Invalid(`${JSON.stringify(part.slice(0, 80))} is not an email address`, 'addresses');
    }
  });
  return [...new Set(checked)];
}

/** `services` as given by a form or the API: slugs separated by commas or spaces; empty means every service. */
export function parseServiceSlugs(value: unknown): string[] | null {
  const values = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  const slugs = values
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(/[\s,]+/))
    .map((s) => s.trim())
    .filter(Boolean);
  return slugs.length === 0 ? null : [...new Set(slugs)].sort();
}
