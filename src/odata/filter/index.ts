// $filter and $search compilers for a store: text -> parse -> check against the model -> parameterised SQL.
import type { Store, WhereBuilder } from '../../store/store.js';
import type { FilterCompiler, SearchCompiler } from '../query.js';
import { compileSearch } from '../search.js';
import { bindFilter } from './check.js';
import { compilePredicate } from './compile.js';
import { dialectFor } from './dialect.js';
import { parseFilter } from './parser.js';

export { parseFilter } from './parser.js';
export { bindFilter } from './check.js';

type StoreInfo = Pick<Store, 'engine' | 'encodeColumn'>;

/** Compiled filters kept per type (and so per API version): at most this many texts each. */
const KEPT_PER_TYPE = 500;

/**
 * A compiled filter depends only on its type, table, text and options (no `now()`: it is refused), so the same
 * `$filter` asked again (a client polling, every page of one query) is not lexed, parsed, checked and compiled
 * again. Refusals are not kept: they throw.
 */
export function createFilterCompiler(store: StoreInfo): FilterCompiler {
  const dialect = dialectFor(store.engine);
  const kept = new WeakMap<object, Map<string, WhereBuilder>>();
  return (type, table, text, options) => {
    let byText = kept.get(type);
    if (!byText) kept.set(type, (byText = new Map()));
    const key = `${options?.unknownEnumMembers ? 1 : 0}${table.name}\0${text}`;
    let where = byText.get(key);
    if (!where) {
      where = compilePredicate(bindFilter(type, parseFilter(text), '$filter', options), table, dialect, store);
      if (byText.size >= KEPT_PER_TYPE) byText.clear();
      byText.set(key, where);
    }
    return where;
  };
}

export function createSearchCompiler(store: StoreInfo): SearchCompiler {
  const dialect = dialectFor(store.engine);
  return (type, table, text) => compileSearch(type, table, text, dialect);
}
