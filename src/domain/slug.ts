/**
 * Derives a slug from a name: lower-cased, accents folded, runs of anything other than
 * a-z0-9 turned into one '-', trimmed of '-'. May return '' (the caller rejects that).
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
