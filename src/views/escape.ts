const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML and XML, in element content and in quoted attributes alike. */
export function escapeText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
