import { Invalid, Forbidden } from '../domain/errors.ts';
import { checkText, type LIMITS } from '../domain/fields.ts';
import { slugify } from '../domain/slug.ts';
import { permits, refusal, type Action } from '../domain/permissions.ts';
import type { Actor } from './context.ts';

/** A required text parameter: present, non-empty and valid. */
export function required(field: keyof typeof LIMITS, value: string | undefined): string {
  if (value === undefined || value === '') throw new Invalid(`${field} is required`, field);
  return checkText(field, value);
}

/** An optional text parameter: absent stays undefined; present must be valid. */
export function optional(field: keyof typeof LIMITS, value: string | undefined): string | undefined {
  return value === undefined ? undefined : checkText(field, value);
}

export function slugFor(name: string): string {
  const slug = slugify(name);
  if (slug === '')
    throw new Invalid(`name ${JSON.stringify(name)} has no letters or digits to make a slug from`, 'name');
  return slug;
}

/** Throws Forbidden unless the permission table lets `actor` do `action`: the first thing every guarded use case does. */
export function authorize(actor: Actor, action: Action): void {
  if (!permits(actor.scope, action)) throw new Forbidden(refusal(actor, action));
}

/** Admin-only configuration: the same as `authorize(actor, 'configuration.read')`. */
export function requireAdmin(actor: Actor): void {
  authorize(actor, 'configuration.read');
}
