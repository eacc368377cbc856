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

/** A compiled query whose parameters are slots (by name) or constants of the query itself. */
interface Template<R> {
  compiled: CompiledQuery<R>;
  parameters: ReadonlyArray<unknown>;
}

/**
 * A query built and compiled once per dialect, then run with new values. Building and compiling
 * a Kysely query costs 4 to 25 µs, about what SQLite takes to run one of ours, and a hot write
 * runs some twenty of them. `build` gets stand-ins for the values: use each only where a single
 * value goes (a comparison, an inserted or updated column, a limit), never to decide the shape
 * of the query (an `in` list, a condition added or left out): such a query is not prepared.
 */
export function prepared<V extends object, R>(build: (db: Db, values: V) => Compilable<R>) {
  const templates = new Map<Dialect, Template<R>>();

  function template(db: Db): Template<R> {
    const dialect = dialectOf(db);
    let found = templates.get(dialect);
    if (found === undefined) {
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
      const compiled = build(db, slots).compile();
      const seen = new Set(compiled.parameters.flatMap((p) => (p instanceof Slot ? [p.name] : [])));
      const lost = [...used].filter((name) => !seen.has(name));
      if (lost.length > 0) throw new Error(`prepared query: ${lost.join(', ')} did not become a parameter`);
      found = { compiled, parameters: compiled.parameters };
      templates.set(dialect, found);
    }
    return found;
  }

  function compile(db: Db, values: V): CompiledQuery<R> {
    const { compiled, parameters } = template(db);
    return {
      ...compiled,
      parameters: parameters.map((p) => (p instanceof Slot ? (values as Record<string, unknown>)[p.name] : p)),
    };
  }

  return {
    async all(db: Db, values: V): Promise<R[]> {
      return (await db.executeQuery(compile(db, values))).rows;
    },
    async first(db: Db, values: V): Promise<R | undefined> {
      return (await db.executeQuery(compile(db, values))).rows[0];
    },
    /** Rows changed by an insert, update or delete without `returning`. */
    async run(db: Db, values: V): Promise<void> {
      await db.executeQuery(compile(db, values));
    },
  };
}
