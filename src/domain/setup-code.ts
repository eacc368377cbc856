/** The one-time setup code: 20 characters of Crockford base32 (100 bits), shown in groups of four. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function formatSetupCode(random: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 20; i += 1) out += ALPHABET[random[i]! % 32];
  return out.match(/.{4}/g)!.join('-');
}

/** What a person types is compared without case, spaces or dashes; easily confused letters are read as digits. */
export function normalizeSetupCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}
