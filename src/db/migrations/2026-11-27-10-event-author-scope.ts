import { sql, type Kysely } from 'kysely';

/**
 * Events record the scope of the actor who posted them (domain/permissions.ts), so that what
 * automation wrote is recognised by who wrote it, not by the author's name. Existing events get
 * the scope their author's name implies for built-in automation (`check:<id>`, `push`,
 * `heartbeat`, `alertmanager:<key>`: names only automation is given); any other stays unknown (null).
 */
export const eventAuthorScopeMigration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('events').addColumn('author_scope', 'text').execute();
    await sql`update events set author_scope = 'check' where author like 'check:%'`.execute(db);
    await sql`update events set author_scope = 'alertmanager' where author like 'alertmanager:%'`.execute(db);
    await sql`update events set author_scope = 'push' where author = 'push'`.execute(db);
    await sql`update events set author_scope = 'heartbeat' where author = 'heartbeat'`.execute(db);
  },
};
