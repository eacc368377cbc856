import type { SiteSettings } from '../../domain/site-settings.ts';

/**
 * Cache-Control of every cached public answer (pages, badges, public JSON). Browsers and
 * CDNs may store it but must revalidate on every use (an ETag makes that a cheap 304), so
 * nobody sees a state older than the last write; `stale-if-error` lets a CDN keep serving
 * the last page for five minutes while the origin is unreachable.
 */
export const PUBLIC_CACHE_CONTROL = 'public, max-age=0, must-revalidate, stale-if-error=300';

/** The Content-Security-Policy of the public pages: no inline script or style, nothing external. */
export function contentSecurityPolicy(settings: Pick<SiteSettings, 'logoUrl'>): string {
  let images = "'self'";
  if (settings.logoUrl && /^https?:/i.test(settings.logoUrl)) images += ` ${new URL(settings.logoUrl).origin}`;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${images}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(settings: Pick<SiteSettings, 'logoUrl'>): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(settings),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-frame-options': 'DENY',
  };
}
