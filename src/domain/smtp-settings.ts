import { Invalid } from './errors.ts';
import { checkEmail } from './accounts.ts';

/** How the SMTP connection is secured: TLS from the start (port 465), STARTTLS required, or whatever the server offers. */
export type SmtpSecurity = 'tls' | 'starttls' | 'none';
export const SMTP_SECURITY: readonly SmtpSecurity[] = ['tls', 'starttls', 'none'];

export interface SmtpSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  user: string;
  password: string;
  /** The From address, optionally with a display name: `Status <status@example.com>`. */
  from: string;
}

export const SMTP_DEFAULTS: Readonly<SmtpSettings> = Object.freeze({
  host: '',
  port: 587,
  security: 'starttls',
  user: '',
  password: '',
  from: '',
});

export function smtpConfigured(settings: SmtpSettings): boolean {
  return settings.host !== '' && settings.from !== '';
}

/** The address inside a From value (`Name <a@b>` or `a@b`). */
export function fromAddress(from: string): string {
  const match = /<([^<>]+)>\s*$/.exec(from);
  return (match ? match[1]! : from).trim();
}

/**
 * Checks a full set of SMTP settings (strings from a form or JSON). A password given as
 * undefined keeps `current.password` (forms never echo it back).
 */
export function checkSmtpSettings(input: Record<string, unknown>, current: SmtpSettings): SmtpSettings {
  const str = (key: string, fallback: string): string => {
    const value = input[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string') throw new Invalid(`${key} must be text`, key);
    return value.trim();
  };
  const host = str('host', current.host);
  if (host.length > 253 || /[\s/]/.test(host)) throw new Invalid('host must be a host name or address', 'host');
  const portText = str('port', String(current.port));
  if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535)
    throw new Invalid('port must be a number from 1 to 65535', 'port');
  const security = str('security', current.security);
  if (!(SMTP_SECURITY as readonly string[]).includes(security))
    throw new Invalid(`security must be one of ${SMTP_SECURITY.join(', ')}`, 'security');
  const user = str('user', current.user);
  if (user.length > 320) throw new Invalid('user is too long', 'user');
  const password = input.password === undefined || input.password === '' ? current.password : str('password', '');
  if (password.length > 1000) throw new Invalid('password is too long', 'password');
  const from = str('from', current.from);
  if (from !== '') {
    if (/[\r\n]/.test(from) || from.length > 320)
      throw new Invalid('from must be one address, optionally with a name', 'from');
    try {
      checkEmail(fromAddress(from));
    } catch {
      throw new Invalid(`from ${JSON.stringify(from.slice(0, 80))} has no valid email address`, 'from');
    }
  }
  if (host !== '' && from === '') throw new Invalid('from is required when a host is set', 'from');
  return { host, port: Number(portText), security: security as SmtpSecurity, user, password, from };
}

/** What the admin sees: everything but the password, which is only said to be set or not. */
export interface SmtpSettingsView extends Omit<SmtpSettings, 'password'> {
  passwordSet: boolean;
  configured: boolean;
}

export function smtpSettingsView(settings: SmtpSettings): SmtpSettingsView {
  const { password, ...rest } = settings;
  return { ...rest, passwordSet: password !== '', configured: smtpConfigured(settings) };
}
