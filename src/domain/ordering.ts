/** API lists are ordered by name, case-insensitively, ties broken by slug (the same in every dialect). */
export function byName<T extends { name: string; slug: string }>(a: T, b: T): number {
  const an = a.name.toLowerCase();
  const bn = b.name.toLowerCase();
  if (an !== bn) return an < bn ? -1 : 1;
  return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
}
