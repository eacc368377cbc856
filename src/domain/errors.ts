/** Typed failures raised by rules and use cases; `http/errors.ts` maps each kind to a status once. */
export class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class NotFound extends DomainError {}
export class Invalid extends DomainError {}
export class Conflict extends DomainError {}
export class Forbidden extends DomainError {}
export class Unauthorized extends DomainError {}
/** The database could not be reached; the request may succeed later. */
export class Unavailable extends DomainError {}
