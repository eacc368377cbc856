import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isApiPath, isPublicApiPath, sendJsonError } from './errors.ts';
import { requestLogLine } from './logging.ts';

/**
 * Errors Fastify raises before routing: a path that is not valid percent-encoding, a path
 * segment longer than the router takes. Neither the app's error handler nor any hook runs
 * for these, so the JSON error shape, the public mount's CORS header and the request's log
 * line are done here.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const answer =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? { status: 404, message: 'No such resource: a path segment is too long', headers: {} }
      : { status: 400, message: 'The path is not valid percent-encoded UTF-8', headers: {} };
  if (!isApiPath(request)) {
    reply.code(answer.status).type('text/plain; charset=utf-8').send(answer.message);
  } else {
    if (isPublicApiPath(request)) reply.header('access-control-allow-origin', '*');
    sendJsonError(reply, answer);
  }
  request.log.info(requestLogLine(request, answer.status, reply.elapsedTime), 'request');
}
