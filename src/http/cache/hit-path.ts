import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { FastifyRequest } from 'fastify';
import { stdTimeFunctions, type Logger } from 'pino';
import proxyAddr from '@fastify/proxy-addr';
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
   * Writes to the log's destination. The hit path writes its request line itself: the same line
   * as pino writes, built from constant parts instead of pino's generic serializer (which was a
   * tenth of a hit's cost).
   */
  writeLine: (line: string) => void;
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
  /** The request line's fields from `method` to `ms`'s name, as JSON. */
  lineMiddle: string;
  source: AnswerSource;
}

/** pino's level number for `info`. */
const INFO = 30;

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
  readonly #routes = new Map<string, Remembered>();
  readonly #options: HitPathOptions;
  readonly #maxRoutes: number;
  /** What pino puts after the level and time: its base fields (pid, hostname), then the request id's name. */
  readonly #lineBase = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())},"reqId":"`;
  /** Set on SIGTERM: answers then carry `Connection: close`, which Fastify's path adds. */
  draining = false;
  /** Requests answered here (the rest went to Fastify). */
  answered = 0;

  constructor(options: HitPathOptions) {
    this.#options = options;
    this.#maxRoutes = options.maxRoutes ?? 10_000;
  }

  get size(): number {
    return this.#routes.size;
  }

  /** Called by Fastify's path as it serves a cached 200: the next GET of this URL may take the hit path. */
  remember(request: FastifyRequest, source: AnswerSource): void {
    if (this.draining || request.method !== 'GET' || request.url.includes('?')) return;
    // Fastify's own origin (it honours the proxy setting the same way as originOf below).
    const key = `${request.protocol}://${request.host}${request.url}`;
    if (this.#routes.size >= this.#maxRoutes && !this.#routes.has(key)) this.#routes.clear();
    const lineMiddle = `","method":"GET","url":${JSON.stringify(loggableUrl(request.url))},"status":200,"ms":`;
    this.#routes.set(key, { route: request.routeOptions.url ?? request.url, lineMiddle, source });
  }

  /** Answers the request if it is a remembered cache hit; false hands it to Fastify. */
  answer(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== 'GET' || this.draining || this.#routes.size === 0) return false;
    const url = req.url ?? '';
    const headers = req.headers;
    if (
      url.includes('?') ||
      headers['if-none-match'] !== undefined ||
      headers['content-length'] !== undefined ||
      headers['transfer-encoding'] !== undefined
    ) {
      return false;
    }
    const remembered = this.#routes.get(this.#originOf(req) + url);
    if (!remembered) return false;
    if (this.#options.fresh && !this.#options.fresh()) return false;
    const started = performance.now();
    const answer = remembered.source(chooseEncoding(headers['accept-encoding']));
    if (!answer) return false;
    res.writeHead(200, answer.headers);
    res.end(answer.body);
    this.answered += 1;
    const ms = performance.now() - started;
    if (this.#options.log.levelVal <= INFO) {
      const ip = this.#ipOf(req);
      this.#options.writeLine(
        `{"level":${INFO}${stdTimeFunctions.epochTime()}${this.#lineBase}${this.#options.genReqId()}${remembered.lineMiddle}${
          Math.round(ms * 10) / 10
        }${ip === undefined ? '' : `,"ip":${JSON.stringify(ip)}`},"msg":"request"}\n`,
      );
    }
    this.#options.onAnswered?.('GET', remembered.route, 200, ms / 1000);
    return true;
  }

  /** `protocol://host` exactly as Fastify's request.protocol and request.host make it. */
  #originOf(req: IncomingMessage): string {
    const socket = req.socket;
    const trust = this.#options.trust;
    const trusted = trust !== false && socket.remoteAddress !== undefined && trust(socket.remoteAddress, 0);
    const forwardedProto = trusted ? req.headers['x-forwarded-proto'] : undefined;
    const forwardedHost = trusted ? req.headers['x-forwarded-host'] : undefined;
    const protocol = forwardedProto
      ? lastEntry(forwardedProto)
      : (socket as { encrypted?: boolean }).encrypted
        ? 'https'
        : 'http';
    const host = forwardedHost ? lastEntry(forwardedHost) : (req.headers.host ?? req.headers[':authority'] ?? '');
    return `${protocol}://${host as string}`;
  }

  /** request.ip as Fastify makes it. */
  #ipOf(req: IncomingMessage): string | undefined {
    const trust = this.#options.trust;
    if (trust === false) return req.socket.remoteAddress;
    const addresses = proxyAddr.all(req, trust);
    return addresses[addresses.length - 1];
  }
}

function lastEntry(value: string | string[]): string {
  const text = Array.isArray(value) ? value.join(',') : value;
  const comma = text.lastIndexOf(',');
  return comma === -1 ? text.trim() : text.slice(comma + 1).trim();
}
