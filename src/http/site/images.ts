import { ASSET_DIR } from '../../asset-dir.ts';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ICON_SET, STATUS_IMAGE_NAMES } from '../../domain/status-images.ts';

const ICON_DIR = new URL(`icons/${ICON_SET}/`, ASSET_DIR);

/** The status images, read once at start and served from memory with a week-long cache. */
export async function imageRoutes(app: FastifyInstance): Promise<void> {
  const icons = new Map<string, { body: Buffer; etag: string }>();
  for (const name of STATUS_IMAGE_NAMES) {
    const body = readFileSync(new URL(`${name}.svg`, ICON_DIR));
    icons.set(name, { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` });
  }
  app.get<{ Params: { file: string } }>(`/images/icons/${ICON_SET}/:file`, async (request, reply) => {
    const icon = icons.get(request.params.file.replace(/\.svg$/, ''));
    if (!icon || !request.params.file.endsWith('.svg')) return reply.callNotFound();
    reply.header('etag', icon.etag).header('cache-control', 'public, max-age=604800');
    if (request.headers['if-none-match'] === icon.etag) return reply.code(304).send();
    return reply.type('image/svg+xml').header('x-content-type-options', 'nosniff').send(icon.body);
  });
}
