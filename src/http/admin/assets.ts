import { ASSET_DIR } from '../../asset-dir.ts';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const FILES = {
  'admin.css': 'text/css; charset=utf-8',
  'admin.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
} as const;
type AssetName = keyof typeof FILES;

const loaded = new Map<AssetName, { body: Buffer; version: string }>();

function load(name: AssetName): { body: Buffer; version: string } {
  let asset = loaded.get(name);
  if (!asset) {
    const body = readFileSync(new URL(`admin/${name}`, ASSET_DIR));
    asset = { body, version: createHash('sha256').update(body).digest('base64url').slice(0, 12) };
    loaded.set(name, asset);
  }
  return asset;
}

/** An asset's URL, versioned by its content so it can be cached for long. */
export function adminAssetUrl(name: AssetName): string {
  return `/admin/assets/${name}?v=${load(name).version}`;
}

/** The stylesheet's URL, versioned by its content so it can be cached for long. */
export function stylesheetUrl(): string {
  return adminAssetUrl('admin.css');
}

export async function adminAssetRoutes(app: FastifyInstance): Promise<void> {
  for (const name of Object.keys(FILES) as AssetName[]) {
    const asset = load(name);
    app.get(`/assets/${name}`, { config: { access: 'public' } }, async (_request, reply) =>
      reply
        .type(FILES[name])
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('etag', `"${asset.version}"`)
        .send(asset.body),
    );
  }
}
