/** Typed failures raised by rules and use cases; `http/errors.ts` maps each kind to a status once. */
export class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class NotFound extends DomainError {}
/** A parameter is missing or not valid; `field` names it when one field is at fault (forms show the message next to it). */
export class Invalid extends DomainError {
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}
export class Conflict extends DomainError {}
export class Forbidden extends DomainError {}
export class Unauthorized extends DomainError {}
/** The database could not be reached; the request may succeed later. */
export class Unavailable extends DomainError {}

/** What a caught value says: its `message` when it has one, else the value as text. */
export function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}

/** A caught system error's `code` (ENOTFOUND, ECONNREFUSED), else its message. */
export function codeOrMessageOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code !== undefined && code !== null ? String(code) : messageOf(error);
}
