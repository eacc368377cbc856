import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { AddressGuard, ResolvedAddress } from './address-guard.ts';

/**
 * The only HTTP client for requests Stashboard makes on a user's behalf. Each hop (the first
 * request and every redirect) is resolved and checked by the address guard, and the socket
 * connects to exactly the address that was checked: the `lookup` of the request answers
 * with it, so a second DNS answer (rebinding) is never consulted.
 */

export interface GuardedRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The whole exchange, redirects included, must finish within this (default 10 s). */
  timeoutMs?: number;
  /** Bytes of body kept; the rest is not read and `truncated` is set (default 1 MiB). */
  maxBytes?: number;
  /** Redirects followed, each re-checked (default 5; 0 returns the redirect itself). */
  maxRedirects?: number;
}

export interface GuardedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body was longer than maxBytes and was cut there. */
  truncated: boolean;
  /** The URL that answered, after redirects. */
  url: string;
  /** The address the final connection went to. */
  address: string;
  /** Every URL redirected to, in order. */
  redirects: string[];
  /** Milliseconds from the first connect to the end of the (possibly truncated) body. */
  elapsedMs: number;
}

export type OutboundFailureKind = 'url' | 'timeout' | 'refused' | 'connect' | 'tls' | 'protocol' | 'redirects';

/** The request failed for a network reason (not a guard refusal: that is AddressRefused). */
export class OutboundFailure extends Error {
  readonly code = 'OUTBOUND_FAILURE';
  constructor(
    readonly kind: OutboundFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundFailure';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

export interface GuardedFetchOptions {
  guard: AddressGuard;
  userAgent?: string;
}

export class GuardedFetch {
  readonly #guard: AddressGuard;
  readonly #userAgent: string;

  constructor(options: GuardedFetchOptions) {
    this.#guard = options.guard;
    this.#userAgent = options.userAgent ?? 'Stashboard';
  }

  async request(request: GuardedRequest): Promise<GuardedResponse> {
    const timeoutMs = request.timeoutMs ?? 10_000;
    const maxRedirects = request.maxRedirects ?? 5;
    let url = parseUrl(request.url);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const started = performance.now();
    let method = (request.method ?? 'GET').toUpperCase();
    let body = request.body;
    let headers: Record<string, string> = { 'user-agent': this.#userAgent, ...lowerKeys(request.headers ?? {}) };
    const redirects: string[] = [];
    try {
      for (;;) {
        const resolved = await withAbort(this.#guard.resolve(url.hostname), controller.signal, timeoutMs);
        const answer = await exchange(
          url,
          resolved,
          method,
          headers,
          body,
          request.maxBytes ?? 1024 * 1024,
          controller.signal,
          timeoutMs,
        );
        const location = answer.headers.location;
        if (!REDIRECTS.has(answer.status) || location === undefined || maxRedirects === 0) {
          return {
            ...answer,
            url: url.toString(),
            address: resolved.address,
            redirects,
            elapsedMs: performance.now() - started,
          };
        }
        if (redirects.length >= maxRedirects)
          throw new OutboundFailure('redirects', `more than ${maxRedirects} redirects`);
        const next = parseUrl(location, url);
        if (next.origin !== url.origin) {
          headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.includes(k)));
        }
        if (
          answer.status === 303
            ? method !== 'HEAD'
            : (answer.status === 301 || answer.status === 302) && method === 'POST'
        ) {
          method = 'GET';
          body = undefined;
          delete headers['content-type'];
          delete headers['content-length'];
        }
        redirects.push(next.toString());
        url = next;
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function parseUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new OutboundFailure('url', `not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundFailure('url', `only http and https URLs may be requested, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new OutboundFailure('url', 'URLs with credentials are not requested');
  return url;
}

function timeoutFailure(timeoutMs: number): OutboundFailure {
  return new OutboundFailure('timeout', `no complete answer within ${timeoutMs} ms`);
}

function withAbort<T>(promise: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  if (signal.aborted) return Promise.reject(timeoutFailure(timeoutMs));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(timeoutFailure(timeoutMs));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function describeNetworkError(error: NodeJS.ErrnoException, url: URL, signal: AbortSignal, timeoutMs: number): Error {
  if (signal.aborted) return timeoutFailure(timeoutMs);
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return new OutboundFailure('refused', `connection to ${url.host} refused`);
  if (
    /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_SSL)/.test(code) ||
    /certificate|SSL/i.test(error.message)
  ) {
    return new OutboundFailure('tls', `TLS failed for ${url.host}: ${error.message}`);
  }
  if (/^(HPE_|ERR_HTTP)/.test(code))
    return new OutboundFailure('protocol', `bad HTTP answer from ${url.host}: ${error.message}`);
  return new OutboundFailure('connect', `cannot reach ${url.host}: ${code || error.message}`);
}

function exchange(
  url: URL,
  resolved: ResolvedAddress,
  method: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  maxBytes: number,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Omit<GuardedResponse, 'url' | 'address' | 'redirects' | 'elapsedMs'>> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // Whatever name the request carries, the socket goes to the checked address.
  const pinned: LookupFunction = (_name, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [resolved]);
    } else {
      callback(null, resolved.address, resolved.family);
    }
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(timeoutFailure(timeoutMs));
    const outgoing = transport.request(
      {
        protocol: url.protocol,
        // An address literal is connected to directly (no lookup): it was checked as is.
        hostname: isIP(host) ? resolved.address : host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
        agent: false,
        lookup: pinned,
        signal,
        ...(url.protocol === 'https:' && !isIP(host) ? { servername: host } : {}),
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const finish = () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks),
            truncated,
          });
        incoming.on('data', (chunk: Buffer) => {
          if (truncated) return;
          const room = maxBytes - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            size = maxBytes;
            truncated = true;
            finish();
            incoming.destroy();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        incoming.on('end', () => {
          if (!truncated) finish();
        });
        incoming.on('error', (error) => {
          if (!truncated) reject(describeNetworkError(error, url, signal, timeoutMs));
        });
        incoming.on('aborted', () => {
          if (!truncated)
            reject(
              signal.aborted
                ? timeoutFailure(timeoutMs)
                : new OutboundFailure('protocol', `${url.host} closed the connection mid-answer`),
            );
        });
      },
    );
    outgoing.on('error', (error) => reject(describeNetworkError(error, url, signal, timeoutMs)));
    outgoing.end(body);
  });
}
