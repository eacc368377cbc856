// The real clock and randomness: the one place outside the entry points that reads them (eslint allows it).
import { randomBytes, randomInt } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { Clock, Ids } from './context.ts';
import { publicIdFrom } from '../domain/public-id.ts';

export const systemClock: Clock = { now: () => Date.now() };

export function systemIds(): Ids {
  const ulid = monotonicFactory();
  return {
    eventSid: () => ulid(),
    shortId: () => randomBytes(6).toString('hex'),
    publicId: () => publicIdFrom(randomBytes),
    secret: (bytes) => randomBytes(bytes).toString('base64url'),
    chance: (probability) => randomInt(1_000_000) < probability * 1_000_000,
  };
}
