import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';

/**
 * Push secrets are kept only as their SHA-256 from now on (shown once, when made): hash any
 * secret that has no hash yet, then forget every stored secret. Push URLs keep working.
 */
export const pushSecretHashesMigration = {
  async up(db: Kysely<any>): Promise<void> {
    const rows = (await db
      .selectFrom('service_automation')
      .select(['service_id', 'push_secret'])
      .where('push_secret', 'is not', null)
      .where('push_secret_hash', 'is', null)
      .execute()) as Array<{ service_id: number; push_secret: string }>;
    for (const row of rows) {
      await db
        .updateTable('service_automation')
        .set({ push_secret_hash: createHash('sha256').update(row.push_secret).digest('hex') })
        .where('service_id', '=', row.service_id)
        .execute();
    }
    await db.updateTable('service_automation').set({ push_secret: null }).execute();
  },
};
