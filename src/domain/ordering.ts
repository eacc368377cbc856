import { Invalid } from './errors.ts';

/** API lists are ordered by name, case-insensitively, ties broken by slug (the same in every dialect). */
export function byName<T extends { name: string; slug: string }>(a: T, b: T): number {
  const an = a.name.toLowerCase();
  const bn = b.name.toLowerCase();
  if (an !== bn) return an < bn ? -1 : 1;
  return a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
}

/**
 * Display order: the position an admin chose, then the name. Position 0 means "none set",
 * so with no order set everything sorts by name.
 */
export function byPosition<T extends { position: number; name: string; slug: string }>(a: T, b: T): number {
  return a.position - b.position || byName(a, b);
}

export type MoveDirection = 'up' | 'down' | 'top' | 'bottom';

export function isMoveDirection(value: unknown): value is MoveDirection {
  return value === 'up' || value === 'down' || value === 'top' || value === 'bottom';
}

/** The slugs in their new order after moving one of them; the same order when it cannot move further. */
export function moved(slugs: readonly string[], slug: string, direction: MoveDirection): string[] {
  const from = slugs.indexOf(slug);
  if (from < 0) throw new Invalid(`${slug} is not among the items to order`, 'slug');
  const to =
    direction === 'up'
      ? Math.max(0, from - 1)
      : direction === 'down'
        ? Math.min(slugs.length - 1, from + 1)
        : direction === 'top'
          ? 0
          : slugs.length - 1;
  const next = [...slugs];
  next.splice(from, 1);
  next.splice(to, 0, slug);
  return next;
}

/**
 * Checks that `wanted` is a complete reordering of `current` (every slug once, nothing else),
 * so a stale page (an item added or removed meanwhile) cannot silently drop an item.
 */
export function checkReordering(current: readonly string[], wanted: readonly string[], field = 'order'): void {
  const have = new Set(current);
  const seen = new Set<string>();
  for (const slug of wanted) {
    if (!have.has(slug)) throw new Invalid(`${field}: ${JSON.stringify(slug)} is not one of the items to order`, field);
    if (seen.has(slug)) throw new Invalid(`${field}: ${JSON.stringify(slug)} appears twice`, field);
    seen.add(slug);
  }
  if (seen.size !== have.size) {
    const missing = current.filter((s) => !seen.has(s));
    throw new Invalid(`${field}: missing ${missing.map((s) => JSON.stringify(s)).join(', ')}`, field);
  }
}

/** The position for an item added at the end of siblings: none (0) while none of them has one. */
export function positionAtEnd(siblingPositions: readonly number[]): number {
  const max = siblingPositions.reduce((m, p) => Math.max(m, p), 0);
  return max === 0 ? 0 : max + 1;
}

/**
 * Services as the status page shows them: list by list in the lists' order (each list's
 * services in their order), then the services without a list.
 */
export function inDisplayOrder<S extends { position: number; name: string; slug: string; list: { id: number } | null }>(
  services: readonly S[],
  lists: readonly { id: number; position: number; name: string; slug: string }[],
): S[] {
  const rank = new Map([...lists].sort(byPosition).map((l, i) => [l.id, i]));
  const group = (s: S) => (s.list ? (rank.get(s.list.id) ?? lists.length) : lists.length + 1);
  return [...services].sort((a, b) => group(a) - group(b) || byPosition(a, b));
}
