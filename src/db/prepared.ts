import { PostgresAdapter, type Compilable, type CompiledQuery } from 'kysely';
import type { Db, Dialect } from './connect.ts';

/** Stands in for a value while a prepared query is built; replaced by the value on each run. */
class Slot {
  constructor(readonly name: string) {}
}

/** Which dialect a connection or transaction speaks. */
export function dialectOf(db: Db): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * A query built and compiled once per dialect, then run with new values. Building and compiling
 * a Kysely query costs 4 to 25 µs, about what SQLite takes to run one of ours, and a hot write
 * runs some twenty of them. `build` gets stand-ins for the values: use each only where a single
 * value goes (a comparison, an inserted or updated column, a limit), never to decide the shape
 * of the query (an `in` list, a condition added or left out): such a query is not prepared.
 */
export function prepared<V extends object, R>(build: (db: Db, values: V) => Compilable<R>) {
  // Compiled once per dialect; its parameters are slots (by name) or constants of the query itself.
  const templates = new Map<Dialect, CompiledQuery<R>>();

  function template(db: Db): CompiledQuery<R> {
    const dialect = dialectOf(db);
    let compiled = templates.get(dialect);
    if (compiled === undefined) {
      const used = new Set<string>();
      const target: object = {};
      // Every value the query asks for is a stand-in; V's type is what the builder sees.
      const slots = new Proxy(target, {
        get(_, name) {
          used.add(String(name));
          return new Slot(String(name));
        },
        // Spreading the stand-ins (`values(v)`) would find no columns: name each value instead.
        ownKeys() {
          throw new Error('prepared query: name each value (v.column), do not spread or enumerate them');
        },
      }) as V;
      compiled = build(db, slots).compile();
      const seen = new Set(compiled.parameters.flatMap((p) => (p instanceof Slot ? [p.name] : [])));
      const lost = [...used].filter((name) => !seen.has(name));
      if (lost.length > 0) throw new Error(`prepared query: ${lost.join(', ')} did not become a parameter`);
      templates.set(dialect, compiled);
    }
    return compiled;
  }

  function compile(db: Db, values: V): CompiledQuery<R> {
    const compiled = template(db);
    return {
      ...compiled,
      parameters: compiled.parameters.map((p) => (p instanceof Slot ? (values as Record<string, unknown>)[p.name] : p)),
    };
  }

  return {
    async all(db: Db, values: V): Promise<R[]> {
      return (await db.executeQuery(compile(db, values))).rows;
    },
    async first(db: Db, values: V): Promise<R | undefined> {
      return (await db.executeQuery(compile(db, values))).rows[0];
    },
    /** For an insert, update or delete without `returning`. */
    async run(db: Db, values: V): Promise<void> {
      await db.executeQuery(compile(db, values));
    },
  };
}
