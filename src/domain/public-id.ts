/**
 * The 12-character ids of v2 objects (components, incidents, updates; contract §2):
 * `[a-z0-9]`, random, never reused, stable across renames. v1 keeps slugs.
 */
export const PUBLIC_ID_LENGTH = 12;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const PATTERN = /^[a-z0-9]{12}$/;

export function isPublicId(value: unknown): value is string {
  return typeof value === 'string' && PATTERN.test(value);
}

/**
 * Makes an id from random bytes without bias: bytes of 252 and more (252 = 7 × 36) are
 * skipped, so `randomBytes` is asked for more until 12 characters are drawn.
 */
export function publicIdFrom(randomBytes: (n: number) => Uint8Array): string {
  let id = '';
  while (id.length < PUBLIC_ID_LENGTH) {
    for (const byte of randomBytes(16)) {
      if (byte >= 252) continue;
      id += ALPHABET[byte % 36];
      if (id.length === PUBLIC_ID_LENGTH) break;
    }
  }
  return id;
}
