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
