import type { Actor } from '../services/context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request (set by the admin mount's authentication). */
    actor: Actor;
    /** The form body's parameters in order, duplicates kept (OAuth signs them all). */
    formEntries: Array<[string, string]> | undefined;
  }
}
