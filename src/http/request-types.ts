import type { Actor } from '../services/context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Who made the request: null until a mount or the admin site's guard has said (the
     * public API's anonymous reader, an authenticated credential, a signed-in user).
     */
    actor: Actor | null;
    /** The form body's parameters in order, duplicates kept (OAuth signs them all). */
    formEntries: Array<[string, string]> | undefined;
  }
}
