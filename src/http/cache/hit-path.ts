import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import proxyAddr from '@fastify/proxy-addr';
import { LineBuilder } from '../../log-line.ts';
import { loggableUrl } from '../logging.ts';
import { chooseEncoding, type Encoding } from './response-cache.ts';

/** One representation of a cached answer, ready to write: every header (content-length included) and the body. */
export interface Answer {
  headers: Record<string, string>;
  body: Buffer;
}

/** The current answer for an encoding, or undefined when there is none any more (dropped, expired). */
export type AnswerSource = (encoding: Encoding) => Answer | undefined;

/** Who may set X-Forwarded-*: Fastify's own form of the setting (see app.ts). */
export type TrustFn = (address: string, hop: number) => boolean;

export interface HitPathOptions {
  /** The log: its level says whether request lines are written. */
  log: Logger;
  /**
   * Writes the first `length` bytes of `line` to the log's destination. The hit path writes its
   * request line itself: the same line as pino writes, built as bytes from constant parts
   * instead of by pino's generic serializer (which was a tenth of a hit's cost).
   */
  writeLine: (line: Buffer, length: number) => void;
  /** The time of a request line, in epoch milliseconds: the wall clock, as pino's own lines have it. */
  logTime: () => number;
  /** The request ids Fastify gives its requests (one sequence for both paths). */
  genReqId: () => string;
  /** The proxy setting as given to Fastify; false: X-Forwarded-* is never honoured. */
  trust: TrustFn | false;
  /** Reports an answered request (Prometheus), when metrics are on. */
  onAnswered?: (method: string, route: string, status: number, seconds: number) => void;
  /** False when a read must first check for other instances' writes (then Fastify's path does that). */
  fresh?: () => boolean;
  /** Remembered URLs; all are forgotten when there would be more. */
  maxRoutes?: number;
}

interface Remembered {
  /** The route pattern, for metrics. */
  route: string;
  /** The request line's fields from `method` to `ms`'s name, as JSON in UTF-8. */
  lineMiddle: Buffer;
  source: AnswerSource;
}

/** pino's level number for `info`. */
const INFO = 30;
/** What starts and ends the request line (pino's level and time fields; the message). */
const LINE_START = Buffer.from(`{"level":${INFO},"time":`);
const LINE_END = Buffer.from(`,"msg":"request"}\n`);
const IP_FIELD = Buffer.from(`,"ip":`);

/**
 * The cache hit path, in front of Fastify. A public GET that Fastify answered from a cache is
 * remembered by its origin and exact URL; the next GET of that URL is written straight from
 * the cached bytes, with the same headers and the same log line, and none of the per-request
 * work of the framework (request and reply objects, route hooks, onSend). Anything else, or
 * anything this path cannot answer exactly as Fastify would (a query string, a conditional
 * request, a body, HEAD, a dropped entry, draining, a read that must check freshness first),
 * goes to Fastify. See docs/decisions/cache-hit-path.md.
 */
export class HitPath {
  /** Remembered URLs by protocol, then host, then URL (no key string is built per request). */
  readonly #routes = new Map<string, Map<string, Map<string, Remembered>>>();
  #remembered = 0;
  readonly #options: HitPathOptions;
  readonly #maxRoutes: number;
  /** What pino puts after the level and time: its base fields (pid, hostname), then the request id's name. */
  readonly #lineBase = Buffer.from(`,"pid":${process.pid},"hostname":${JSON.stringify(hostname())},"reqId":`);
  readonly #line = new LineBuilder();
  /** Set on SIGTERM: answers then carry `Connection: close`, which Fastify's path adds. */
  draining = false;
  /** Requests answered here (the rest went to Fastify). */
  answered = 0;

  constructor(options: HitPathOptions) {
    this.#options = options;
    this.#maxRoutes = options.maxRoutes ?? 10_000;
  }

  get size(): number {
    return this.#remembered;
  }

  /** Called by Fastify's path as it serves a cached 200: the next GET of this URL may take the hit path. */
  remember(request: FastifyRequest, source: AnswerSource): void {
    if (this.draining || request.method !== 'GET' || request.url.includes('?')) return;
    // Fastify's own origin (it honours the proxy setting the same way as answer() below).
    let hosts = this.#routes.get(request.protocol);
    if (!hosts) this.#routes.set(request.protocol, (hosts = new Map()));
    let urls = hosts.get(request.host);
    if (!urls) hosts.set(request.host, (urls = new Map()));
    if (!urls.has(request.url)) {
      if (this.#remembered >= this.#maxRoutes) {
        this.#routes.clear();
        this.#remembered = 0;
        return this.remember(request, source);
      }
      this.#remembered += 1;
    }
    const lineMiddle = Buffer.from(
      `,"method":"GET","url":${JSON.stringify(loggableUrl(request.url))},"status":200,"ms":`,
    );
    urls.set(request.url, { route: request.routeOptions.url ?? request.url, lineMiddle, source });
  }

  /** Answers the request if it is a remembered cache hit; false hands it to Fastify. */
  answer(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' || this.draining || this.#remembered === 0) return false;
    const url = req.url ?? '';
    if (url.includes('?')) return false;
    // The raw headers, read once: the headers object Node would build for req.headers is not needed.
    let host: string | undefined;
    let acceptEncoding: string | undefined;
    let forwardedHost: string | undefined;
    let forwardedProto: string | undefined;
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      // Only names of these lengths matter; comparing the length first spares lower-casing the rest.
      const length = name.length;
      if (length !== 4 && (length < 13 || length > 17)) continue;
      const lower = name.toLowerCase();
      // Conditional requests and bodies go to Fastify; so does any of these headers sent twice.
      if (lower === 'if-none-match' || lower === 'content-length' || lower === 'transfer-encoding') return false;
      if (lower === 'host') {
        if (host !== undefined) return false;
        host = raw[i + 1]!;
      } else if (lower === 'accept-encoding') {
        if (acceptEncoding !== undefined) return false;
        acceptEncoding = raw[i + 1]!;
      } else if (lower === 'x-forwarded-host') {
        if (forwardedHost !== undefined) return false;
        forwardedHost = raw[i + 1]!;
      } else if (lower === 'x-forwarded-proto') {
        if (forwardedProto !== undefined) return false;
        forwardedProto = raw[i + 1]!;
      }
    }
    // protocol://host exactly as Fastify's request.protocol and request.host make them.
    const socket = req.socket;
    const trust = this.#options.trust;
    const trusted = trust !== false && socket.remoteAddress !== undefined && trust(socket.remoteAddress, 0);
    const protocol =
      trusted && forwardedProto
        ? lastEntry(forwardedProto)
        : (socket as { encrypted?: boolean }).encrypted
          ? 'https'
          : 'http';
    const origin = trusted && forwardedHost ? lastEntry(forwardedHost) : (host ?? '');
    const remembered = this.#routes.get(protocol)?.get(origin)?.get(url);
    if (!remembered) return false;
    if (this.#options.fresh && !this.#options.fresh()) return false;
    const started = performance.now();
    const answer = remembered.source(chooseEncoding(acceptEncoding));
    if (!answer) return false;
    res.writeHead(200, answer.headers);
    res.end(answer.body);
    this.answered += 1;
    const ms = performance.now() - started;
    if (this.#options.log.levelVal <= INFO) {
      const ip = this.#ipOf(req);
      const line = this.#line
        .reset()
        .bytes(LINE_START)
        .integer(this.#options.logTime())
        .bytes(this.#lineBase)
        .string(this.#options.genReqId())
        .bytes(remembered.lineMiddle)
        .tenths(ms);
      if (ip !== undefined) line.bytes(IP_FIELD).string(ip);
      line.bytes(LINE_END);
      this.#options.writeLine(line.buffer, line.length);
    }
    this.#options.onAnswered?.('GET', remembered.route, 200, ms / 1000);
    return true;
  }

  /** request.ip as Fastify makes it. */
  #ipOf(req: IncomingMessage): string | undefined {
    const trust = this.#options.trust;
    if (trust === false) return req.socket.remoteAddress;
    const addresses = proxyAddr.all(req, trust);
    return addresses[addresses.length - 1];
  }
}

function lastEntry(text: string): string {
  const comma = text.lastIndexOf(',');
  return comma === -1 ? text.trim() : text.slice(comma + 1).trim();
}
