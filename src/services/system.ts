// The real clock and randomness: the one place outside the entry points that reads them (eslint allows it).
import { randomBytes, randomInt } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { Clock, Ids } from './context.ts';
import { publicIdFrom } from '../domain/public-id.ts';

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Uniform numbers in [0, 1) from the system's secure randomness, a byte each, drawn 4 KB at a
 * time: ulid's own source asks the system once per character (16 times per id).
 */
function pooledRandom(): () => number {
  let pool = Buffer.alloc(0);
  let next = 0;
  return () => {
    if (next >= pool.length) {
      pool = randomBytes(4096);
      next = 0;
    }
    return pool[next++]! / 256;
  };
}

export function systemIds(): Ids {
  const ulid = monotonicFactory(pooledRandom());
  return {
    eventSid: () => ulid(),
    shortId: () => randomBytes(6).toString('hex'),
    publicId: () => publicIdFrom(randomBytes),
    secret: (bytes) => randomBytes(bytes).toString('base64url'),
    chance: (probability) => randomInt(1_000_000) < probability * 1_000_000,
  };
}
