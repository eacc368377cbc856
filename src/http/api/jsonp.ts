import type { FastifyRequest } from 'fastify';
import { HttpError } from '../errors.ts';

const CALLBACK = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$/;

/** The JSONP callback of a GET, if any; a bad name is a 400 (never echoed into script). */
export function jsonpCallback(request: FastifyRequest): string | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  const value = (request.query as Record<string, unknown>).callback;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 64 || !CALLBACK.test(value)) {
    throw new HttpError(400, 'callback must be a JavaScript identifier path of at most 64 characters');
  }
  return value;
}

export function safeJsonpCallback(request: FastifyRequest): string | undefined {
  try {
    return jsonpCallback(request);
  } catch {
    return undefined;
  }
}
