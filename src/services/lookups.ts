import type { Db } from '../db/connect.ts';
import { findServiceBySlug } from '../db/repositories/services.ts';
import { NotFound } from '../domain/errors.ts';
import type { Service } from '../domain/resources.ts';

/** The service named by `slug`, read through `db` (a connection or the open transaction), or NotFound. */
export async function requireService(db: Db, slug: string): Promise<Service> {
  const service = await findServiceBySlug(db, slug);
  if (!service) throw new NotFound(`Service ${slug} does not exist`);
  return service;
}
