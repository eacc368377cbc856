const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// Characters XML 1.0 does not allow at all (control characters, U+FFFE/U+FFFF, unpaired surrogates):
// dropped, so one bad value can never make a feed or badge unreadable for everyone.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF]|\p{Cs}/gu;

/** Escapes text for HTML and XML, in element content and in quoted attributes alike. */
export function escapeText(value: string): string {
  return value.replace(NOT_XML, '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
