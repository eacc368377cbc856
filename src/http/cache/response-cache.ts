import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeBus } from '../../changes/bus.ts';
import { HttpError } from '../errors.ts';
import type { Answer, HitPath } from './hit-path.ts';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** What a renderer produces; only these (200) answers are cached. */
export interface Rendered {
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  /** When the answer goes stale by itself (e.g. the day history rolls over at midnight). */
  expiresAt?: number;
}

export interface CacheEntry {
  type: string;
  headers: Record<string, string>;
  identity: Buffer;
  gzip: Buffer | undefined;
  br: Buffer | undefined;
  etag: string;
  expiresAt: number;
  bytes: number;
  /** Served since eviction last passed it (see #store). */
  used: boolean;
}

export interface CacheOptions {
  bus: ChangeBus;
  /** Called before serving a read (e.g. a cross-instance freshness check); failures are ignored. */
  beforeRead?: () => Promise<void> | undefined;
  /** The injected clock (entries expire by it). */
  now: () => number;
  maxEntries?: number;
  maxBytes?: number;
  /** An upper bound on any entry's life, in case a notice is ever missed. */
  maxAgeMs?: number;
  /**
   * Renders (cache misses that start work) one client address may cause per `renderWindowMs`:
   * that many at once, then one each `renderWindowMs / rendersPerAddress` as the allowance
   * refills; beyond it a miss answers 429. Hits and joining a render in flight are never counted.
   */
  rendersPerAddress?: number;
  renderWindowMs?: number;
  /** Renders in progress at once, whoever asked; more wait their turn (default 2). */
  concurrentRenders?: number;
  /** A monotonic clock for the render limit (the data clock `now` may stand still in tests). */
  monotonic?: () => number;
  /** Learns which URLs are cached, to answer their next GET before the framework (see hit-path.ts). */
  hits?: HitPath;
}

/** Bodies below this are sent as they are: compression would not pay for its headers. */
const COMPRESS_FROM = 256;

/** Forgets every address's render allowance when this many addresses are remembered. */
const MAX_TRACKED_ADDRESSES = 100_000;

/**
 * Rendered pages and public JSON answers, keyed by origin, route, path parameters and the
 * route's known query parameters (anything else in the URL cannot force a render). Any change notice drops
 * every entry (and forgets renders in flight), so an answer is never stale after a write.
 * Each entry is compressed once (gzip and brotli); concurrent misses share one render; ETags
 * give 304s.
 */
export class ResponseCache {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #inflight = new Map<string, Promise<CacheEntry>>();
  readonly #options: Required<Omit<CacheOptions, 'beforeRead' | 'hits'>> & Pick<CacheOptions, 'beforeRead' | 'hits'>;
  /** Per address: renders it may still start now, as of `at` (monotonic ms). */
  readonly #allowances = new Map<string, { renders: number; at: number }>();
  #rendering = 0;
  readonly #waitingToRender: Array<() => void> = [];
  readonly #unsubscribe: () => void;
  #generation = 0;
  #bytes = 0;
  readonly stats = { hits: 0, misses: 0, renders: 0, invalidations: 0 };

  constructor(options: CacheOptions) {
    this.#options = {
      maxEntries: 2_000,
      maxBytes: 64 * 1024 * 1024,
      maxAgeMs: 5 * 60_000,
      rendersPerAddress: 20,
      renderWindowMs: 10_000,
      concurrentRenders: 2,
      monotonic: () => performance.now(),
      ...options,
    };
    this.#unsubscribe = options.bus.subscribe(() => this.invalidate());
  }

  invalidate(): void {
    this.#generation += 1;
    this.#entries.clear();
    this.#inflight.clear();
    this.#bytes = 0;
    this.stats.invalidations += 1;
  }

  close(): void {
    this.#unsubscribe();
    this.invalidate();
  }

  /**
   * The cache key: the origin (answers hold absolute URLs), the matched route with its decoded
   * path parameters, and only the query parameters the route reads (`known`), in a fixed order.
   * `/?x=1`, `/?x=2` and `/services/%61pi` are therefore the same entries as `/` and `/services/api`.
   */
  static keyOf(request: FastifyRequest, known: readonly string[] = []): string {
    const url = request.url;
    const q = url.indexOf('?');
    let key = `${request.protocol}://${request.host}${request.routeOptions.url ?? (q < 0 ? url : url.slice(0, q))}`;
    // Parameters come in the route's own order, so no sorting is needed for a stable key.
    const params = request.params as Record<string, string> | undefined;
    if (params) for (const name in params) key += `\u0000${name}=${encodeURIComponent(params[name] ?? '')}`;
    if (q >= 0 && known.length > 0) {
      const raw = new URLSearchParams(url.slice(q + 1));
      for (const name of known)
        for (const value of raw.getAll(name)) key += `\u0001${name}=${encodeURIComponent(value)}`;
    }
    return key;
  }

  /**
   * Serves from the cache, rendering on a miss. A hit is a map lookup and a write: no
   * promise, no database, no serialisation.
   */
  serve(
    request: FastifyRequest,
    reply: FastifyReply,
    cacheControl: string,
    render: () => Promise<Rendered>,
    known: readonly string[] = [],
  ): FastifyReply | Promise<FastifyReply> {
    const key = ResponseCache.keyOf(request, known);
    const hit = this.#options.beforeRead ? undefined : this.#hit(key);
    if (hit) {
      this.#remember(request, reply, key, cacheControl);
      return send(request, reply, hit, cacheControl);
    }
    return this.lookup(key, render, request.ip).then((entry) => {
      this.#remember(request, reply, key, cacheControl);
      return send(request, reply, entry, cacheControl);
    });
  }

  /**
   * Tells the hit path how to answer this URL from now on: the entry under `key` while it
   * lasts, with the headers the reply has so far (set by the mount's hooks) and the entry's.
   */
  #remember(request: FastifyRequest, reply: FastifyReply, key: string, cacheControl: string): void {
    const hits = this.#options.hits;
    if (!hits || this.#options.beforeRead) return;
    const before: Record<string, string> = {};
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (typeof value === 'string') before[name] = value;
      else if (typeof value === 'number') before[name] = String(value);
      // Anything else (a list) would be written differently: leave this URL to the framework.
      else if (value !== undefined) return;
    }
    if ('connection' in before) return;
    // Keyed weakly: an entry the cache drops is not kept alive by a URL remembered here.
    const answersOf = new WeakMap<CacheEntry, Map<Encoding, Answer>>();
    hits.remember(request, (encoding) => {
      const entry = this.#hit(key);
      if (!entry) return undefined;
      let answers = answersOf.get(entry);
      if (!answers) answersOf.set(entry, (answers = new Map()));
      let answer = answers.get(encoding);
      if (!answer) {
        const body = (encoding === 'br' ? entry.br : encoding === 'gzip' ? entry.gzip : undefined) ?? entry.identity;
        const sent = body === entry.identity ? 'identity' : encoding;
        answer = {
          headers: { ...before, ...headersOf(entry, sent, cacheControl), 'content-length': String(body.length) },
          body,
        };
        answers.set(encoding, answer);
      }
      return answer;
    });
  }

  /** The fresh entry for `key`, if any (counted as a hit). */
  #hit(key: string): CacheEntry | undefined {
    const hit = this.#entries.get(key);
    if (!hit || hit.expiresAt <= this.#options.now()) return undefined;
    this.stats.hits += 1;
    // A flag, not a move to the back of the map: a hit should not reorder a map (see #store).
    hit.used = true;
    return hit;
  }

  /** The cached answer for the request (rendering it on a miss, within the address's render limit). */
  entry(request: FastifyRequest, render: () => Promise<Rendered>, known: readonly string[] = []): Promise<CacheEntry> {
    return this.lookup(ResponseCache.keyOf(request, known), render, request.ip);
  }

  /**
   * Takes one render from the address's allowance; false when none is left. The allowance
   * refills continuously, so after a first burst an address's renders come evenly spaced,
   * never all at once when a window turns.
   */
  #mayRender(address: string): boolean {
    const now = this.#options.monotonic();
    const { rendersPerAddress: limit, renderWindowMs: windowMs } = this.#options;
    if (this.#allowances.size >= MAX_TRACKED_ADDRESSES) this.#allowances.clear();
    const allowance = this.#allowances.get(address) ?? { renders: limit, at: now };
    allowance.renders = Math.min(limit, allowance.renders + ((now - allowance.at) * limit) / windowMs);
    allowance.at = now;
    this.#allowances.set(address, allowance);
    if (allowance.renders < 1) return false;
    allowance.renders -= 1;
    return true;
  }

  /** Seconds until the address may start another render. */
  #renderWait(address: string): number {
    const left = this.#allowances.get(address)?.renders ?? 0;
    return Math.max(1, Math.ceil(((1 - left) * this.#options.renderWindowMs) / this.#options.rendersPerAddress / 1000));
  }

  #leaveRenderPlace(): void {
    const next = this.#waitingToRender.shift();
    if (next) next();
    else this.#rendering -= 1;
  }

  async lookup(key: string, render: () => Promise<Rendered>, address?: string): Promise<CacheEntry> {
    if (this.#options.beforeRead) {
      try {
        await this.#options.beforeRead();
      } catch {
        // The freshness check could not run: serve what we have rather than fail.
      }
    }
    const now = this.#options.now();
    const fresh = this.#hit(key);
    if (fresh) return fresh;
    const hit = this.#entries.get(key);
    if (hit) this.#remove(key, hit);
    this.stats.misses += 1;
    const generation = this.#generation;
    const flightKey = `${generation}\u0000${key}`;
    let flight = this.#inflight.get(flightKey);
    if (!flight) {
      if (address !== undefined && !this.#mayRender(address)) {
        const wait = this.#renderWait(address);
        throw new HttpError(
          429,
          `Too many requests for pages that are not cached yet from this address; try again in ${wait} ${wait === 1 ? 'second' : 'seconds'}`,
          { 'retry-after': String(wait) },
        );
      }
      flight = this.#build(render, now).then(
        (entry) => {
          if (this.#inflight.get(flightKey) === flight) this.#inflight.delete(flightKey);
          // A change arrived while rendering: the result may predate it, so do not keep it.
          if (generation === this.#generation) this.#store(key, entry);
          return entry;
        },
        (error: unknown) => {
          if (this.#inflight.get(flightKey) === flight) this.#inflight.delete(flightKey);
          throw error;
        },
      );
      this.#inflight.set(flightKey, flight);
    }
    return flight;
  }

  /**
   * Renders in one of the `concurrentRenders` places, waiting for one if need be: renders run
   * a few at a time, so a burst of misses (a first visit of many pages, many addresses at once)
   * never crowds out the answers that are ready, /healthz among them. With a place free the
   * render starts at once (before the caller's next statement).
   */
  async #build(render: () => Promise<Rendered>, now: number): Promise<CacheEntry> {
    if (this.#rendering < this.#options.concurrentRenders) this.#rendering += 1;
    else await new Promise<void>((resolve) => this.#waitingToRender.push(resolve));
    try {
      return await this.#buildNow(render, now);
    } finally {
      this.#leaveRenderPlace();
    }
  }

  async #buildNow(render: () => Promise<Rendered>, now: number): Promise<CacheEntry> {
    this.stats.renders += 1;
    const rendered = await render();
    const identity = typeof rendered.body === 'string' ? Buffer.from(rendered.body) : rendered.body;
    const compress = identity.length >= COMPRESS_FROM;
    const [gz, br] = compress
      ? await Promise.all([
          gzipAsync(identity, { level: 6 }),
          brotliAsync(identity, {
            params: {
              [zlib.BROTLI_PARAM_QUALITY]: identity.length > 256 * 1024 ? 5 : 9,
              [zlib.BROTLI_PARAM_SIZE_HINT]: identity.length,
            },
          }),
        ])
      : [undefined, undefined];
    const etag = createHash('sha1').update(identity).digest('base64url').slice(0, 20);
    const maxExpiry = now + this.#options.maxAgeMs;
    return {
      type: rendered.type,
      headers: rendered.headers ?? {},
      identity,
      gzip: gz,
      br,
      etag,
      expiresAt: Math.min(rendered.expiresAt ?? maxExpiry, maxExpiry),
      bytes: identity.length + (gz?.length ?? 0) + (br?.length ?? 0),
      used: false,
    };
  }

  #store(key: string, entry: CacheEntry): void {
    const old = this.#entries.get(key);
    if (old) this.#remove(key, old);
    if (entry.bytes > this.#options.maxBytes / 4) return;
    this.#entries.set(key, entry);
    this.#bytes += entry.bytes;
    // Eviction takes from the front (the oldest), giving an entry served since it last came
    // by a second chance at the back: an approximation of least recently used ("clock") that
    // costs a hit one flag. The map's iteration visits the moved entries again, so this ends.
    for (const [k, e] of this.#entries) {
      if (this.#entries.size <= this.#options.maxEntries && this.#bytes <= this.#options.maxBytes) break;
      if (e.used) {
        e.used = false;
        this.#entries.delete(k);
        this.#entries.set(k, e);
      } else {
        this.#remove(k, e);
      }
    }
  }

  #remove(key: string, entry: CacheEntry): void {
    if (this.#entries.get(key) === entry) {
      this.#entries.delete(key);
      this.#bytes -= entry.bytes;
    }
  }
}

export type Encoding = 'br' | 'gzip' | 'identity';

/** Browsers send a handful of distinct Accept-Encoding values: parse each once. */
const chosen = new Map<string, Encoding>();

/** Picks br, then gzip, then identity, honouring q=0 refusals. */
export function chooseEncoding(header: string | undefined): Encoding {
  if (!header) return 'identity';
  let encoding = chosen.get(header);
  if (encoding === undefined) {
    encoding = parseEncoding(header);
    if (chosen.size >= 256) chosen.clear();
    chosen.set(header, encoding);
  }
  return encoding;
}

function parseEncoding(header: string): Encoding {
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    accepted.set(name!, q ? Number(q[1]) : 1);
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag.replace(/^"|"$/g, '').replace(/-(br|gz)$/, '') === etag;
  });
}

function send(request: FastifyRequest, reply: FastifyReply, entry: CacheEntry, cacheControl: string): FastifyReply {
  const encoding = chooseEncoding(request.headers['accept-encoding'] as string | undefined);
  const body = encoding === 'br' ? entry.br : encoding === 'gzip' ? entry.gzip : undefined;
  const sent = body ? (encoding as 'br' | 'gzip') : 'identity';
  reply.headers(headersOf(entry, sent, cacheControl));
  if (matchesEtag(request.headers['if-none-match'], entry.etag)) {
    // A 304 carries the validators, not the representation's type or encoding.
    reply.removeHeader('content-type');
    reply.removeHeader('content-encoding');
    return reply.code(304).send();
  }
  return reply.send(body ?? entry.identity);
}

const headerCache = new WeakMap<CacheEntry, Map<string, Record<string, string>>>();

/** The response headers of one representation of an entry, built once. */
function headersOf(entry: CacheEntry, encoding: Encoding, cacheControl: string): Record<string, string> {
  let byVariant = headerCache.get(entry);
  if (!byVariant) headerCache.set(entry, (byVariant = new Map()));
  const variant = `${encoding} ${cacheControl}`;
  let headers = byVariant.get(variant);
  if (!headers) {
    // One ETag per representation (RFC 9110): the encodings differ byte for byte.
    const suffix = encoding === 'br' ? '-br' : encoding === 'gzip' ? '-gz' : '';
    headers = {
      ...entry.headers,
      'cache-control': cacheControl,
      vary: 'Accept-Encoding',
      etag: `"${entry.etag}${suffix}"`,
      'content-type': entry.type,
      ...(encoding === 'identity' ? {} : { 'content-encoding': encoding }),
    };
    byVariant.set(variant, headers);
  }
  return headers;
}
