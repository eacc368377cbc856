import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_MAX_MS } from '../../services/sessions.ts';
import { clearCookie, readCookie, setCookie } from '../cookies.ts';

// Path=/admin: the admin site and the admin API (which accepts the session too).
const PATH = '/admin';
export const SESSION_COOKIE = 'sb_session';
/** Before login there is no session: forms carry a token that must match this cookie (double submit). */
export const FORM_COOKIE = 'sb_form';
const FLASH_COOKIE = 'sb_flash';

function secure(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

export function sessionSecret(request: FastifyRequest): string | undefined {
  return readCookie(request, SESSION_COOKIE);
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string): void {
  setCookie(reply, SESSION_COOKIE, secret, {
    path: PATH,
    secure: secure(request),
    maxAgeSeconds: SESSION_MAX_MS / 1000,
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  clearCookie(reply, SESSION_COOKIE, { path: PATH, secure: secure(request) });
}

export function formCookie(request: FastifyRequest): string | undefined {
  return readCookie(request, FORM_COOKIE);
}

/** The anonymous form token, set on first sight (login and setup pages). */
export function ensureFormCookie(request: FastifyRequest, reply: FastifyReply, fresh: () => string): string {
  const existing = formCookie(request);
  if (existing && /^[A-Za-z0-9_-]{20,100}$/.test(existing)) return existing;
  const token = fresh();
  setCookie(reply, FORM_COOKIE, token, { path: PATH, secure: secure(request) });
  return token;
}

/** A one-line message shown on the next page (after a redirect). */
export function setFlash(request: FastifyRequest, reply: FastifyReply, message: string): void {
  setCookie(reply, FLASH_COOKIE, message.slice(0, 300), { path: PATH, secure: secure(request), maxAgeSeconds: 120 });
}

export function takeFlash(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const message = readCookie(request, FLASH_COOKIE);
  if (message === undefined) return undefined;
  clearCookie(reply, FLASH_COOKIE, { path: PATH, secure: secure(request) });
  return message === '' ? undefined : message;
}
