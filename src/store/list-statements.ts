// Compiled list statements for conditions that carry a shape (WhereShape: every compiled $filter). The first
// list of a shape builds its query with stand-ins for every value (tenant, parent, the filter's literals, the
// keyset position, skip, limit) and compiles it once with Kysely; the compiled parameters then say which
// value goes where. Later lists of that shape bind their own values to the same SQL text, which on SQLite
// runs as a prepared statement (the hot statements' path). Kysely's building and compiling cost ~8% of a
// `$filter` request.
import type { CompiledQuery } from 'kysely';
import type { OrderTerm, Scope, WhereShape } from './store.js';

/** A value's stand-in while a shape's query is compiled. */
class Param {
  constructor(readonly i: number) {}
}

/** How each compiled parameter is had: a value of the list (by index), or a constant of the shape's text. */
type Source = { i: number } | { constant: unknown };

interface Compiled {
  sql: string;
  sources: Source[];
}

/** What a list query binds, besides the condition's own values (they follow these, in values order). */
export interface ListValues {
  scope: Scope;
  after?: readonly unknown[];
  skip?: number;
  limit: number;
}

/** The stand-ins a shape's query is built with: the same structure as ListValues, each value a Param. */
export interface ListParams {
  scope: Scope;
  after?: unknown[];
  skip?: number;
  limit: number;
  /** Stand-in for the condition's i-th value. */
  where(i: number): unknown;
}

const MAX_SHAPES = 500;

export class ListStatementCache {
  private readonly compiled = new Map<string, Compiled>();

  /**
   * The SQL text and parameters of a list whose condition has `shape`. `compile` builds the query from the
   * stand-ins it is given (and is called only the first time a shape is seen).
   */
  statement(
    table: string,
    shape: WhereShape,
    order: readonly OrderTerm[],
    v: ListValues,
    compile: (params: ListParams) => CompiledQuery<unknown>,
  ): { sql: string; params: unknown[] } {
    // Everything that decides the text apart from the values: the table, the condition's shape, the order, which
    // keyset values are NULL (keysetAfter writes IS NULL for them) and whether there is an offset.
    const after = v.after ? v.after.map((x) => (x === null ? 'n' : 'v')).join('') : '-';
    const orderKey = order.map((o) => `${o.column}${o.desc ? '-' : '+'}${o.nullable === false ? '!' : ''}`).join(',');
    const key = `${table}\u0000${orderKey}\u0000${after}\u0000${v.skip ? 1 : 0}\u0000${shape.key}`;
    // The list's values, in one array: scope, limit, skip, after..., then the condition's.
    const values: unknown[] = [v.scope.tenantId, v.scope.parentKey, v.limit, v.skip ?? 0, ...(v.after ?? []), ...shape.values];
    let c = this.compiled.get(key);
    if (!c) {
      const base = 4 + (v.after?.length ?? 0);
      const query = compile({
        scope: { tenantId: new Param(0) as unknown as string, parentKey: new Param(1) as unknown as string },
        limit: new Param(2) as unknown as number,
        skip: v.skip ? (new Param(3) as unknown as number) : undefined,
        after: v.after?.map((x, j) => (x === null ? null : new Param(4 + j))),
        where: (i) => new Param(base + i),
      });
      c = { sql: query.sql, sources: query.parameters.map((p) => (p instanceof Param ? { i: p.i } : { constant: p })) };
      // Filters are the client's to vary: keep the number of shapes bounded.
      if (this.compiled.size >= MAX_SHAPES) this.compiled.clear();
      this.compiled.set(key, c);
    }
    return { sql: c.sql, params: c.sources.map((s) => ('i' in s ? values[s.i] : s.constant)) };
  }
}
