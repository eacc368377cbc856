import type { Session } from '../../services/sessions.ts';

/** Who may reach an admin page: anyone (login, setup), any signed-in user, or admins only (the default). */
export type Access = 'public' | 'editor' | 'admin';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user's session on admin pages; undefined when anonymous. */
    adminSession: Session | undefined;
  }
  interface FastifyContextConfig {
    /** Absent means `admin`: a new route is closed to editors and anonymous users unless it says otherwise. */
    access?: Access;
  }
}
