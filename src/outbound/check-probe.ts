import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  evaluateHttp,
  evaluateTcp,
  failedRun,
  parseTcpTarget,
  type CheckSpec,
  type RunResult,
} from '../domain/check-rules.ts';
import { AddressRefused, ResolveFailed, type AddressGuard } from './address-guard.ts';
import { GuardedFetch, OutboundFailure } from './guarded-fetch.ts';

/** Bytes of an HTTP answer searched for a keyword. */
const BODY_LIMIT = 1024 * 1024;

/** Runs built-in checks over the network, through the address guard. */
export class CheckProbe {
  readonly #guard: AddressGuard;
  readonly #fetch: GuardedFetch;

  constructor(guard: AddressGuard, userAgent = 'Stashboard-Check') {
    this.#guard = guard;
    this.#fetch = new GuardedFetch({ guard, userAgent });
  }

  async run(spec: CheckSpec): Promise<RunResult> {
    try {
      return spec.kind === 'http' ? await this.#http(spec) : await this.#tcp(spec);
    } catch (error) {
      if (error instanceof AddressRefused || error instanceof ResolveFailed || error instanceof OutboundFailure) {
        return failedRun(error.message);
      }
      return failedRun(`check failed: ${(error as Error).message}`);
    }
  }

  async #http(spec: CheckSpec): Promise<RunResult> {
    const answer = await this.#fetch.request({ url: spec.target, timeoutMs: spec.timeoutMs, maxBytes: BODY_LIMIT });
    return evaluateHttp(spec, {
      status: answer.status,
      body: answer.body.toString('utf8'),
      elapsedMs: answer.elapsedMs,
    });
  }

  async #tcp(spec: CheckSpec): Promise<RunResult> {
    const { host, port } = parseTcpTarget(spec.target);
    const started = performance.now();
    const deadline = AbortSignal.timeout(spec.timeoutMs);
    const resolved = await this.#guard.resolve(host);
    await new Promise<void>((resolve, reject) => {
      // Connect to the checked address itself, never to a fresh resolution of the name.
      const socket = connect({ host: resolved.address, port, signal: deadline });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        socket.destroy();
        if (deadline.aborted) reject(new OutboundFailure('timeout', `no TCP connection within ${spec.timeoutMs} ms`));
        else if (error.code === 'ECONNREFUSED')
          reject(new OutboundFailure('refused', `connection to ${spec.target} refused`));
        else reject(new OutboundFailure('connect', `cannot connect to ${spec.target}: ${error.code ?? error.message}`));
      });
    });
    return evaluateTcp(spec, performance.now() - started);
  }
}
