import { ASSET_DIR } from '../../asset-dir.ts';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const CSS_FILE = new URL('admin/admin.css', ASSET_DIR);

let stylesheet: { body: Buffer; version: string } | undefined;

function load(): { body: Buffer; version: string } {
  stylesheet ??= (() => {
    const body = readFileSync(CSS_FILE);
    return { body, version: createHash('sha256').update(body).digest('base64url').slice(0, 12) };
  })();
  return stylesheet;
}

/** The stylesheet's URL, versioned by its content so it can be cached for long. */
export function stylesheetUrl(): string {
  return `/admin/assets/admin.css?v=${load().version}`;
}

export async function adminAssetRoutes(app: FastifyInstance): Promise<void> {
  const css = load();
  app.get('/assets/admin.css', { config: { access: 'public' } }, async (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('etag', `"${css.version}"`)
      .send(css.body),
  );
}
