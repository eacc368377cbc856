import { createHmac } from 'node:crypto';

/** RFC 3986 percent-encoding, as OAuth 1.0a (RFC 5849 §3.6) requires. */
export function oauthEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The signature base string of RFC 5849 §3.4.1: method, base URI and the normalized
 * parameters (query, form body and oauth_* protocol parameters, without oauth_signature).
 */
export function signatureBaseString(method: string, baseUri: string, params: Array<[string, string]>): string {
  const normalized = params
    .filter(([key]) => key !== 'oauth_signature' && key !== 'realm')
    .map(([key, value]) => [oauthEncode(key), oauthEncode(value)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  return [method.toUpperCase(), oauthEncode(baseUri), oauthEncode(normalized)].join('&');
}

/** The base string URI: lower-case scheme and host, the port only when it is not the default. */
export function baseStringUri(protocol: string, host: string, path: string): string {
  const scheme = protocol.toLowerCase();
  let authority = host.toLowerCase();
  if ((scheme === 'http' && authority.endsWith(':80')) || (scheme === 'https' && authority.endsWith(':443'))) {
    authority = authority.replace(/:\d+$/, '');
  }
  return `${scheme}://${authority}${path}`;
}

export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${oauthEncode(consumerSecret)}&${oauthEncode(tokenSecret)}`;
  return createHmac('sha1', key).update(baseString).digest('base64');
}

/** Parses `Authorization: OAuth k="v", ...` into its (decoded) parameters; undefined if not OAuth. */
export function parseOAuthHeader(header: string): Array<[string, string]> | undefined {
  const match = /^OAuth\s+(.*)$/is.exec(header.trim());
  if (!match) return undefined;
  const params: Array<[string, string]> = [];
  for (const part of match[1]!.split(',')) {
    const pair = /^\s*([^=\s]+)\s*=\s*"([^"]*)"\s*$/.exec(part);
    if (!pair) continue;
    try {
      params.push([decodeURIComponent(pair[1]!), decodeURIComponent(pair[2]!)]);
    } catch {
      return undefined;
    }
  }
  return params;
}

/** The one set of OAuth 1.0a credentials old clients sign with (secrets: shown to admins only). */
export interface OAuthCredentials {
  consumerKey: string;
  consumerSecret: string;
  accessToken: string;
  accessTokenSecret: string;
}
