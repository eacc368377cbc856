import { Unavailable } from '../domain/errors.ts';

// Loaded when a password is first hashed or checked: API-only deployments never need it.
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;
const lib = () => (argon2 ??= import('@node-rs/argon2'));
const hash = async (password: string) => (await lib()).hash(password);
const verify = async (stored: string, password: string) => (await lib()).verify(stored, password);

/**
 * Each argon2 run takes 19 MiB and a thread for a noticeable time: at most this many run at
 * once, the rest wait their turn (a flood of logins or setups cannot exhaust memory or starve
 * other requests of the thread pool), and beyond `MAX_WAITING` waiting ones a run is refused.
 */
const MAX_CONCURRENT = 2;
const MAX_WAITING = 200;

/** How many argon2 runs there were and the most that ran at once (for tests and diagnostics). */
export const argonStats = { hashes: 0, verifies: 0, running: 0, peak: 0 };

const waiting: Array<() => void> = [];

async function bounded<T>(work: () => Promise<T>): Promise<T> {
  if (argonStats.running >= MAX_CONCURRENT) {
    if (waiting.length >= MAX_WAITING) throw new Unavailable('Too many password checks at once; try again shortly');
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  argonStats.running += 1;
  argonStats.peak = Math.max(argonStats.peak, argonStats.running);
  try {
    return await work();
  } finally {
    argonStats.running -= 1;
    waiting.shift()?.();
  }
}

// The library's defaults are argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane).
export function hashPassword(password: string): Promise<string> {
  return bounded(() => {
    argonStats.hashes += 1;
    return hash(password);
  });
}

let decoy: Promise<string> | undefined;

/**
 * Checks a password against a stored hash; with no hash (unknown account) it checks a decoy
 * instead, so that an answer takes as long whether the account exists or not.
 */
export async function passwordMatches(stored: string | undefined, password: string): Promise<boolean> {
  if (stored === undefined) {
    decoy ??= hash('decoy password that matches nothing');
    const target = await decoy;
    await bounded(() => {
      argonStats.verifies += 1;
      return verify(target, password).catch(() => false);
    });
    return false;
  }
  return bounded(() => {
    argonStats.verifies += 1;
    return verify(stored, password).catch(() => false);
  });
}
