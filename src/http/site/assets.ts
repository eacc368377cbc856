import { ASSET_DIR } from '../../asset-dir.ts';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { chooseEncoding, type Encoding } from '../cache/response-cache.ts';
import type { Answer, AnswerSource, HitPath } from '../cache/hit-path.ts';
import { FAVICON_STATES, faviconSvg } from '../../views/favicon.ts';

const SITE_ASSETS = new URL('site/', ASSET_DIR);

interface Asset {
  name: string;
  type: string;
  hash: string;
  url: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

/** The site's stylesheet and scripts, read and compressed once at start. */
export class SiteAssets {
  readonly #byName = new Map<string, Asset>();
  /** Answers for the hit path, by asset and Cache-Control. */
  readonly #sources = new Map<string, AnswerSource>();
  #hits: HitPath | undefined;

  constructor(names: string[] = ['site.css', 'live.js', 'widget.js', 'favicon.svg']) {
    for (const name of names) this.#add(name, readFileSync(new URL(name, SITE_ASSETS)));
    // One favicon per overall state (the page's <link rel="icon"> names the current one).
    for (const state of FAVICON_STATES) this.#add(`favicon-${state}.svg`, Buffer.from(faviconSvg(state)!));
  }

  #add(name: string, identity: Buffer): void {
    const hash = createHash('sha256').update(identity).digest('hex').slice(0, 10);
    const [base, ext] = name.split('.') as [string, string];
    this.#byName.set(name, {
      name,
      type: TYPES[ext]!,
      hash,
      url: `/assets/${base}.${hash}.${ext}`,
      identity,
      gzip: gzipSync(identity, { level: 9 }),
      br: brotliCompressSync(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }),
    });
  }

  get(name: string): Asset {
    const asset = this.#byName.get(name);
    if (!asset) throw new Error(`no asset ${name}`);
    return asset;
  }

  /** The versioned URL of an asset: it changes whenever the content does. */
  url(name: string): string {
    return this.get(name).url;
  }

  /** `/assets/{name}.{hash}.{ext}`: a year and immutable for the current hash. */
  register(app: FastifyInstance, hits?: HitPath): void {
    this.#hits = hits;
    app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
      const match = /^([a-z-]+)\.([0-9a-f]{10})\.(css|js)$/.exec(request.params.file);
      const asset = match && this.#byName.get(`${match[1]}.${match[3]}`);
      if (!asset) return reply.callNotFound();
      // A page rendered by an older instance may ask for an older hash during a rolling
      // deploy: serve the current content then, but only briefly cacheable.
      const current = match[2] === asset.hash;
      return this.#send(request, reply, asset, current ? 'public, max-age=31536000, immutable' : 'public, max-age=60');
    });
    // Fixed URLs that others embed or browsers guess: short-lived caches, revalidated by ETag.
    app.get('/widget.js', async (request, reply) =>
      this.#send(request, reply, this.get('widget.js'), 'public, max-age=300'),
    );
    app.get('/favicon.svg', async (request, reply) =>
      this.#send(request, reply, this.get('favicon.svg'), 'public, max-age=86400'),
    );
    app.get<{ Params: { state: string } }>('/favicons/:state', async (request, reply) => {
      const name = `favicon-${request.params.state}`;
      if (!/^favicon-l[0-3mn]\.svg$/.test(name) || !this.#byName.has(name)) return reply.callNotFound();
      return this.#send(request, reply, this.get(name), 'public, max-age=86400');
    });
  }

  #send(request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheControl: string) {
    if (this.#hits && Object.keys(reply.getHeaders()).length === 0) {
      const id = `${asset.name} ${cacheControl}`;
      let source = this.#sources.get(id);
      if (!source) this.#sources.set(id, (source = assetAnswers(asset, cacheControl)));
      this.#hits.remember(request, source);
    }
    return sendAsset(request.headers, reply, asset, cacheControl);
  }
}

/** The answers sendAsset gives (a 200), for the hit path. */
function assetAnswers(asset: Asset, cacheControl: string): AnswerSource {
  const answers = new Map<Encoding, Answer>();
  for (const encoding of ['br', 'gzip', 'identity'] as const) {
    const body = encoding === 'identity' ? asset.identity : asset[encoding];
    answers.set(encoding, {
      headers: {
        'cache-control': cacheControl,
        etag: `"${asset.hash}"`,
        vary: 'Accept-Encoding',
        'x-content-type-options': 'nosniff',
        'access-control-allow-origin': '*',
        'content-type': asset.type,
        ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
        'content-length': String(body.length),
      },
      body,
    });
  }
  return (encoding) => answers.get(encoding);
}

export function sendAsset(
  headers: Record<string, string | string[] | undefined>,
  reply: FastifyReply,
  asset: Asset,
  cacheControl: string,
) {
  const etag = `"${asset.hash}"`;
  reply
    .header('cache-control', cacheControl)
    .header('etag', etag)
    .header('vary', 'Accept-Encoding')
    .header('x-content-type-options', 'nosniff')
    .header('access-control-allow-origin', '*');
  if (headers['if-none-match'] === etag) return reply.code(304).send();
  const encoding = chooseEncoding(headers['accept-encoding'] as string | undefined);
  reply.type(asset.type);
  if (encoding === 'br') return reply.header('content-encoding', 'br').send(asset.br);
  if (encoding === 'gzip') return reply.header('content-encoding', 'gzip').send(asset.gzip);
  return reply.send(asset.identity);
}
