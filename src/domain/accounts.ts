import { Invalid } from './errors.ts';

/** What a user may do: `admin` everything; `editor` what the permission table allows editors (permissions.ts). */
export type Role = 'admin' | 'editor';
export const ROLES: readonly Role[] = ['admin', 'editor'];

/** A person who signs in to the admin site (the password hash never leaves db/). */
export interface User {
  id: number;
  email: string;
  role: Role;
  createdAt: number;
  passwordChangedAt: number;
}

export const PASSWORD_MIN = 10;
// Far above any real passphrase; bounds the work a single login attempt can cause.
export const PASSWORD_MAX = 256;
const EMAIL_MAX = 254;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function checkRole(value: string | undefined): Role {
  if (value === undefined || !isRole(value)) {
    throw new Invalid(`role must be one of ${ROLES.join(', ')}, not ${JSON.stringify(value ?? '')}`, 'role');
  }
  return value;
}

/** Emails compare case-insensitively: stored trimmed and lower-cased. */
export function normalizeEmail(value: string): string {
  return value.trim().toLowerCase();
}

export function checkEmail(value: string | undefined): string {
  const email = normalizeEmail(value ?? '');
  if (email === '') throw new Invalid('email is required', 'email');
  if (email.length > EMAIL_MAX || !/^[^\s@<>"]+@[^\s@<>"]+$/.test(email)) {
    throw new Invalid(`email ${JSON.stringify(email.slice(0, 80))} is not an email address`, 'email');
  }
  return email;
}

export function checkNewPassword(value: string | undefined, field = 'password'): string {
  if (value === undefined || value === '') throw new Invalid(`${field} is required`, field);
  const length = [...value].length;
  if (length < PASSWORD_MIN) throw new Invalid(`${field} must be at least ${PASSWORD_MIN} characters long`, field);
  if (length > PASSWORD_MAX) throw new Invalid(`${field} must be at most ${PASSWORD_MAX} characters long`, field);
  return value;
}
