import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Conflict, DomainError, Forbidden, Invalid, NotFound, Unauthorized, Unavailable } from '../domain/errors.ts';

/** The one table from domain error to HTTP status. */
const STATUS_BY_ERROR: Array<[new (...args: never[]) => DomainError, number]> = [
  [Invalid, 400],
  [Unauthorized, 401],
  [Forbidden, 403],
  [NotFound, 404],
  [Conflict, 409],
  [Unavailable, 503],
];

/** An HTTP-level refusal that is not a domain rule (wrong method, bad JSONP callback, ...). */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  constructor(statusCode: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.statusCode = statusCode;
    this.headers = headers;
  }
}

export const AUTH_CHALLENGE = 'Bearer realm="Stashboard", OAuth realm="Stashboard"';

export interface ErrorAnswer {
  status: number;
  message: string;
  headers: Record<string, string>;
  /** True when the error was not expected: logged, and shown only as an opaque message. */
  unexpected: boolean;
}

export function describeError(error: unknown, requestId: string): ErrorAnswer {
  if (error instanceof HttpError) {
    return { status: error.statusCode, message: error.message, headers: error.headers, unexpected: false };
  }
  if (error instanceof DomainError) {
    const status = STATUS_BY_ERROR.find(([type]) => error instanceof type)?.[1] ?? 500;
    const headers: Record<string, string> = status === 401 ? { 'www-authenticate': AUTH_CHALLENGE } : {};
    if (status === 503) headers['retry-after'] = '5';
    return { status, message: error.message, headers, unexpected: status === 500 };
  }
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, message: clientErrorMessage(fastifyError), headers: {}, unexpected: false };
  }
  return { status: 500, message: `Internal server error (request ${requestId})`, headers: {}, unexpected: true };
}

function clientErrorMessage(error: Partial<FastifyError>): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Send parameters as application/x-www-form-urlencoded or application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The JSON body is empty';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The body is not valid JSON';
    default:
      return error.message ?? 'Bad request';
  }
}

export function sendJsonError(
  reply: FastifyReply,
  answer: Pick<ErrorAnswer, 'status' | 'message' | 'headers'>,
): FastifyReply {
  return reply
    .code(answer.status)
    .headers(answer.headers)
    .type('application/json; charset=utf-8')
    .send({ error: true, code: answer.status, message: answer.message });
}

export function isApiPath(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  return /^\/(admin\/)?api(\/|$)/.test(path);
}

export function isPublicApiPath(request: FastifyRequest): boolean {
  return /^\/api(\/|$)/.test(request.url.split('?')[0] ?? '');
}
