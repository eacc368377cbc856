import { isIPv4, isIPv6 } from 'node:net';

/**
 * An IP address as bytes (4 for IPv4, 16 for IPv6), so ranges compare by prefix whatever
 * spelling the address came in (`::ffff:7f00:1`, `0:0:0:0:0:ffff:127.0.0.1`, ...).
 */
export interface IpAddress {
  family: 4 | 6;
  bytes: Uint8Array;
}

/** A range: an address and how many leading bits must match. */
export interface Cidr {
  address: IpAddress;
  prefix: number;
}

export function parseIp(text: string): IpAddress | undefined {
  // A zone (`fe80::1%eth0`) names an interface; the address itself decides the class.
  const bare = text.replace(/%.*$/, '');
  if (isIPv4(bare)) return { family: 4, bytes: Uint8Array.from(bare.split('.').map(Number)) };
  if (!isIPv6(bare)) return undefined;
  let head = bare;
  const tailBytes: number[] = [];
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (dotted) {
    tailBytes.push(...dotted[1]!.split('.').map(Number));
    head = `${bare.slice(0, dotted.index)}:${'0:0'}`;
  }
  const [left, right] = head.includes('::') ? (head.split('::') as [string, string]) : [head, undefined];
  const words = (part: string) => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const leftWords = words(left);
  const rightWords = right === undefined ? [] : words(right);
  const missing = 8 - leftWords.length - rightWords.length;
  const all = [...leftWords, ...new Array<number>(right === undefined ? 0 : missing).fill(0), ...rightWords];
  if (all.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  all.forEach((word, i) => {
    bytes[i * 2] = word >> 8;
    bytes[i * 2 + 1] = word & 0xff;
  });
  if (tailBytes.length === 4) bytes.set(tailBytes, 12);
  return { family: 6, bytes };
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return [...ip.bytes].join('.');
  const words: string[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((ip.bytes[i]! << 8) | ip.bytes[i + 1]!).toString(16));
  return words.join(':');
}

/** `10.0.0.0/8`, `fc00::/7`, or a bare address (a range of one). */
export function parseCidr(text: string): Cidr | undefined {
  const [addressText, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || addressText === undefined) return undefined;
  const address = parseIp(addressText);
  if (!address) return undefined;
  const bits = address.family === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: bits };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
  return { address, prefix: Number(prefixText) };
}

export function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`not a CIDR: ${text}`);
  return parsed;
}

export function inCidr(ip: IpAddress, range: Cidr): boolean {
  if (ip.family !== range.address.family) return false;
  const full = Math.floor(range.prefix / 8);
  for (let i = 0; i < full; i++) if (ip.bytes[i] !== range.address.bytes[i]) return false;
  const rest = range.prefix % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (ip.bytes[full]! & mask) === (range.address.bytes[full]! & mask);
}

/** Whether the range is exactly one address. */
export function isSingleAddress(range: Cidr): boolean {
  return range.prefix === (range.address.family === 4 ? 32 : 128);
}
