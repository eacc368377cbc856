import { Invalid, Forbidden } from '../domain/errors.ts';
import { checkText, type LIMITS } from '../domain/fields.ts';
import { slugify } from '../domain/slug.ts';
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

export function requireAdmin(actor: Actor): void {
  if (actor.scope === 'editor')
    throw new Forbidden(`${actor.name} is an editor: editors may only post and delete events and notes`);
  if (actor.scope !== 'admin') throw new Forbidden(`${actor.name} may only post and read events`);
}

/** Deleting events: admins and editors (an `events`-scope token may only post and read). */
export function requireEventEditor(actor: Actor): void {
  if (actor.scope !== 'admin' && actor.scope !== 'editor')
    throw new Forbidden(`${actor.name} may only post and read events`);
}
