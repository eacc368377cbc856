import type { FastifyRequest } from 'fastify';
import { Conflict, Invalid } from '../../domain/errors.ts';
import type { FormState } from '../../views/admin/forms.ts';

/** The submitted form's text fields (a form body is parsed into strings; anything else is ignored). */
export function formValues(request: FastifyRequest): Record<string, string> {
  const body = request.body;
  const values: Record<string, string> = {};
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
      if (typeof value === 'string' && key !== '_csrf') values[key] = value;
    }
  }
  return values;
}

/** Empty means absent: HTML forms send every field, and an untouched optional one as ''. */
export function orUndefined(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Turns a refusal from a use case into a form to show again: an Invalid error next to its
 * field (or the field its message starts with), a Conflict next to `conflictField`.
 * Anything else (NotFound, Forbidden, unexpected) is thrown on.
 */
export function formFromError(
  error: unknown,
  values: Record<string, string>,
  fields: string[],
  conflictField?: string,
): FormState {
  const state: FormState = { values, errors: {} };
  if (error instanceof Invalid) {
    const field = error.field ?? fields.find((name) => error.message.startsWith(`${name} `));
    if (field && fields.includes(field)) state.errors[field] = error.message;
    else state.formError = error.message;
    return state;
  }
  if (error instanceof Conflict) {
    if (conflictField) state.errors[conflictField] = error.message;
    else state.formError = error.message;
    return state;
  }
  throw error;
}
