import { lookup as dnsLookup } from 'node:dns/promises';
import { cidr, inCidr, isSingleAddress, parseCidr, parseIp, type Cidr, type IpAddress } from './ip-address.ts';
import { codeOrMessageOf } from '../domain/errors.ts';

/**
 * The outbound address guard: before Stashboard connects anywhere on a user's behalf (checks,
 * webhooks), the destination is resolved and every address it resolves to is checked, so
 * a status page cannot be turned into a probe of the network it runs in (SSRF).
 * Connections are then pinned to the checked address (see guarded-fetch.ts).
 */

/** Why an address is refused; `undefined` from classifyAddress means it is public. */
export type AddressClass =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'metadata'
  | 'shared (CGNAT)'
  | 'multicast'
  | 'reserved'
  | 'broadcast';

const RANGES: Array<[Cidr, AddressClass]> = (
  [
    // Cloud metadata first: it lies inside link-local and unique-local ranges.
    ['169.254.169.254/32', 'metadata'],
    ['fd00:ec2::254/128', 'metadata'],
    ['0.0.0.0/8', 'unspecified'],
    ['10.0.0.0/8', 'private'],
    ['100.64.0.0/10', 'shared (CGNAT)'],
    ['127.0.0.0/8', 'loopback'],
    ['169.254.0.0/16', 'link-local'],
    ['172.16.0.0/12', 'private'],
    ['192.0.0.0/24', 'reserved'],
    ['192.168.0.0/16', 'private'],
    ['198.18.0.0/15', 'reserved'],
    ['224.0.0.0/4', 'multicast'],
    ['255.255.255.255/32', 'broadcast'],
    ['240.0.0.0/4', 'reserved'],
    ['::/128', 'unspecified'],
    ['::1/128', 'loopback'],
    ['100::/64', 'reserved'],
    ['fc00::/7', 'private'],
    ['fe80::/10', 'link-local'],
    ['fec0::/10', 'link-local'],
    ['ff00::/8', 'multicast'],
    // NAT64 local-use (RFC 8215): the IPv4 address may sit at several offsets and the
    // translator is the operator's own, so where it leads cannot be told from the address.
    ['64:ff9b:1::/48', 'reserved'],
    // Teredo (RFC 4380): tunnels to an obfuscated IPv4 address through a relay.
    ['2001::/32', 'reserved'],
  ] as const
).map(([text, kind]) => [cidr(text), kind]);

// IPv6 forms that carry an IPv4 address inside; the IPv4 address decides.
const MAPPED = cidr('::ffff:0:0/96');
const COMPATIBLE = cidr('::/96');
const NAT64 = cidr('64:ff9b::/96');
// SIIT IPv4-translated addresses (RFC 2765): `::ffff:0:a.b.c.d`.
const TRANSLATED = cidr('::ffff:0:0:0/96');
const SIX_TO_FOUR = cidr('2002::/16');

/** The IPv4 address an IPv6 address embeds (mapped, translated, compatible, NAT64, 6to4), if any. */
export function embeddedIpv4(ip: IpAddress): IpAddress | undefined {
  if (ip.family !== 6) return undefined;
  if (inCidr(ip, MAPPED) || inCidr(ip, TRANSLATED) || inCidr(ip, NAT64)) {
    return { family: 4, bytes: ip.bytes.slice(12, 16) };
  }
  // `::` and `::1` are themselves, not IPv4-compatible forms of 0.0.0.0 and 0.0.0.1.
  if (inCidr(ip, COMPATIBLE) && ip.bytes.slice(12).some((b, i) => (i < 3 ? b !== 0 : b > 1))) {
    return { family: 4, bytes: ip.bytes.slice(12, 16) };
  }
  if (inCidr(ip, SIX_TO_FOUR)) return { family: 4, bytes: ip.bytes.slice(2, 6) };
  return undefined;
}

/** The class that makes an address off limits, or undefined for an ordinary public address. */
export function classifyAddress(address: string | IpAddress): AddressClass | undefined {
  const ip = typeof address === 'string' ? parseIp(address) : address;
  if (!ip) return 'reserved';
  const inner = embeddedIpv4(ip);
  if (inner) return classifyAddress(inner);
  return RANGES.find(([range]) => inCidr(ip, range))?.[1];
}

/** The operator's exceptions: address ranges and host names outbound requests may reach anyway. */
export interface AllowList {
  ranges: Cidr[];
  /** Lower-case host names; `.example.com` also matches every subdomain. */
  hosts: string[];
}

export const EMPTY_ALLOW_LIST: AllowList = Object.freeze({ ranges: [], hosts: [] }) as AllowList;

const HOST_NAME = /^\.?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

/**
 * Parses `127.0.0.1,10.0.0.0/8,::1,intranet.example,.corp.example`; throws an Error naming
 * the first entry that is neither a CIDR, an address nor a host name.
 */
export function parseAllowList(text: string | readonly string[]): AllowList {
  const entries = (typeof text === 'string' ? text.split(',') : text).map((e) => e.trim()).filter((e) => e !== '');
  const list: AllowList = { ranges: [], hosts: [] };
  for (const entry of entries) {
    const range = parseCidr(entry);
    if (range) list.ranges.push(range);
    else if (HOST_NAME.test(entry.toLowerCase()) && !entry.includes('/'))
      list.hosts.push(entry.toLowerCase().replace(/\.$/, ''));
    else throw new Error(`not an address, CIDR range or host name: ${JSON.stringify(entry)}`);
  }
  return list;
}

function hostAllowed(host: string, list: AllowList): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return list.hosts.some((h) => (h.startsWith('.') ? name.endsWith(h) || name === h.slice(1) : name === h));
}

/** An outbound destination was refused by the guard. */
export class AddressRefused extends Error {
  readonly code = 'ADDRESS_REFUSED';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly addressClass: AddressClass,
  ) {
    super(
      `refused to connect to ${host}${host === address ? '' : ` (${address})`}: a ${addressClass} address; ` +
        'allow it with --outbound-allow if this is intended',
    );
    this.name = 'AddressRefused';
  }
}

/** Resolution failed: no address for the host. */
export class ResolveFailed extends Error {
  readonly code = 'RESOLVE_FAILED';
  constructor(
    readonly host: string,
    cause: unknown,
  ) {
    super(`cannot resolve ${host}: ${codeOrMessageOf(cause)}`);
    this.name = 'ResolveFailed';
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (default: the system resolver, as connect would). */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (host) => {
  const found = await dnsLookup(host, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export interface AddressGuardOptions {
  allow?: AllowList;
  resolve?: Resolver;
}

export class AddressGuard {
  readonly allow: AllowList;
  readonly #resolve: Resolver;

  constructor(options: AddressGuardOptions = {}) {
    this.allow = options.allow ?? EMPTY_ALLOW_LIST;
    this.#resolve = options.resolve ?? systemResolver;
  }

  /**
   * Throws AddressRefused unless the address may be reached. Cloud metadata addresses are
   * reachable only when the allow-list names that exact address: a broad range such as
   * 169.254.0.0/16 or an allowed host name does not open them.
   */
  checkAddress(host: string, address: string): void {
    const ip = parseIp(address);
    if (!ip) throw new AddressRefused(host, address, 'reserved');
    const kind = classifyAddress(ip);
    if (kind === undefined) return;
    const candidates = [ip, embeddedIpv4(ip)].filter((a): a is IpAddress => a !== undefined);
    const matching = this.allow.ranges.filter((r) => candidates.some((c) => inCidr(c, r)));
    if (kind === 'metadata') {
      if (matching.some(isSingleAddress)) return;
      throw new AddressRefused(host, address, kind);
    }
    if (matching.length > 0 || hostAllowed(host, this.allow)) return;
    throw new AddressRefused(host, address, kind);
  }

  /**
   * Resolves `host` and checks every address it resolves to (one refused address refuses
   * the host: a name must not mix public and internal addresses). Returns the address to
   * connect to; connect to exactly that one.
   */
  async resolve(host: string): Promise<ResolvedAddress> {
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    const literal = parseIp(bare);
    if (literal) {
      this.checkAddress(bare, bare);
      return { address: bare, family: literal.family };
    }
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.#resolve(bare);
    } catch (error) {
      throw new ResolveFailed(bare, error);
    }
    if (addresses.length === 0) throw new ResolveFailed(bare, new Error('no addresses'));
    for (const a of addresses) this.checkAddress(bare, a.address);
    return addresses[0]!;
  }
}
