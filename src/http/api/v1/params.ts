import type { FastifyRequest } from 'fastify';
import { HttpError } from '../../errors.ts';

/**
 * A request parameter, from the body (form or JSON) or else the query string.
 * Text fields must be strings; booleans may be booleans or "true"/"false".
 */
export function param(request: FastifyRequest, name: string): string | undefined {
  const value = rawParam(request, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  throw new HttpError(400, `${name} must be a string`);
}

export function flagParam(request: FastifyRequest, name: string): unknown {
  const value = rawParam(request, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  throw new HttpError(400, `${name} must be true or false`);
}

/** A parameter exactly as sent (any JSON type), for use cases that judge the type themselves. */
export function rawParam(request: FastifyRequest, name: string): unknown {
  const body = request.body;
  if (typeof body === 'string') {
    throw new HttpError(400, 'Send parameters as application/x-www-form-urlencoded or application/json');
  }
  if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
    throw new HttpError(400, 'The JSON body must be an object');
  }
  const fromBody = (body as Record<string, unknown> | undefined | null)?.[name];
  // A JSON array is a wrong type (refused by the callers); only a repeated query parameter takes its first value.
  if (fromBody !== undefined) return fromBody;
  const fromQuery = (request.query as Record<string, unknown>)[name];
  return Array.isArray(fromQuery) ? fromQuery[0] : fromQuery;
}
