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
  options: { required?: string[] } = {},
): FormState {
  const state: FormState = { values, errors: {} };
  if (error instanceof Invalid) {
    const field = error.field ?? fields.find((name) => error.message.startsWith(`${name} `));
    if (field && fields.includes(field)) state.errors[field] = humanize(error.message, field);
    else state.formError = error.message;
  } else if (error instanceof Conflict) {
    if (conflictField) state.errors[conflictField] = error.message;
    else state.formError = error.message;
  } else {
    throw error;
  }
  // The use case stops at its first refusal; every other empty required field is named too,
  // so one round trip shows every error of the form.
  for (const name of options.required ?? []) {
    if (state.errors[name] === undefined && (values[name] ?? '').trim() === '')
      state.errors[name] = `${fieldLabel(name)} is required`;
  }
  return state;
}

/** Words people write in capitals wherever they stand in a field's name. */
const ACRONYMS: Readonly<Record<string, string>> = { url: 'URL', id: 'ID', smtp: 'SMTP', http: 'HTTP', api: 'API' };

/** A field's name for people: `list_id` → `List ID`, `url` → `URL`. */
export function fieldLabel(field: string): string {
  const words = field.split(/[_-]+/).map((word) => ACRONYMS[word] ?? word);
  const label = words.join(' ');
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** A use case's message (`name must not be empty`) with the field named for people (`Name must not be empty`). */
function humanize(message: string, field: string): string {
  return message.startsWith(`${field} `) ? `${fieldLabel(field)}${message.slice(field.length)}` : message;
}
