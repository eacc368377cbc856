/** The values of a repeatable query parameter, comma-separated values split, blanks dropped. */
export function queryList(query: unknown, name: string): string[] {
  const raw = (query as Record<string, unknown>)[name];
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return values
    .filter((v): v is string => typeof v === 'string')
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}
