import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_MAX_MS } from '../../services/sessions.ts';
import { clearCookie, readCookie, setCookie } from '../cookies.ts';

// Path=/admin: the admin site and the admin API (which accepts the session too).
const PATH = '/admin';
export const SESSION_COOKIE = 'sb_session';
/** Before login there is no session: forms carry a signed token that must match this cookie (double submit). */
export const FORM_COOKIE = 'sb_form';
const FLASH_COOKIE = 'sb_flash';

function secure(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

/**
 * Over HTTPS the admin cookies are `__Host-` cookies: the browser accepts them only from this
 * host itself, Secure, with Path=/ and no Domain, so a sibling subdomain cannot plant one
 * (cookie tossing). Over plain HTTP (development) they keep their plain names and Path=/admin.
 */
function nameOf(request: FastifyRequest, base: string): string {
  return secure(request) ? `__Host-${base}` : base;
}

function where(request: FastifyRequest): { path: string; secure: boolean } {
  return secure(request) ? { path: '/', secure: true } : { path: PATH, secure: false };
}

export function sessionSecret(request: FastifyRequest): string | undefined {
  return readCookie(request, nameOf(request, SESSION_COOKIE));
}

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, secret: string): void {
  setCookie(reply, nameOf(request, SESSION_COOKIE), secret, {
    ...where(request),
    maxAgeSeconds: SESSION_MAX_MS / 1000,
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  clearCookie(reply, nameOf(request, SESSION_COOKIE), where(request));
}

export function formCookie(request: FastifyRequest): string | undefined {
  return readCookie(request, nameOf(request, FORM_COOKIE));
}

/** Makes and checks the signed anonymous form tokens (see services/form-tokens.ts). */
export interface FormTokens {
  fresh: () => Promise<string>;
  valid: (token: string | undefined) => Promise<boolean>;
}

/** The anonymous form token, set on first sight (login and setup pages); a cookie this server did not sign is replaced. */
export async function ensureFormCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  tokens: FormTokens,
): Promise<string> {
  const existing = formCookie(request);
  if (existing && (await tokens.valid(existing))) return existing;
  const token = await tokens.fresh();
  setCookie(reply, nameOf(request, FORM_COOKIE), token, where(request));
  return token;
}

/** A one-line message shown on the next page (after a redirect). */
export function setFlash(request: FastifyRequest, reply: FastifyReply, message: string): void {
  setCookie(reply, nameOf(request, FLASH_COOKIE), message.slice(0, 300), { ...where(request), maxAgeSeconds: 120 });
}

export function takeFlash(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const message = readCookie(request, nameOf(request, FLASH_COOKIE));
  if (message === undefined) return undefined;
  clearCookie(reply, nameOf(request, FLASH_COOKIE), where(request));
  return message === '' ? undefined : message;
}
