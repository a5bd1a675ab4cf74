// $filter and $search compilers for a store: text -> parse -> check against the model -> parameterised SQL.
import type { Store } from '../../store/store.js';
import type { FilterCompiler, SearchCompiler } from '../query.js';
import { compileSearch } from '../search.js';
import { bindFilter } from './check.js';
import { compilePredicate } from './compile.js';
import { dialectFor } from './dialect.js';
import { parseFilter } from './parser.js';

export { parseFilter } from './parser.js';
export { bindFilter } from './check.js';

type StoreInfo = Pick<Store, 'engine' | 'encodeColumn'>;

export function createFilterCompiler(store: StoreInfo): FilterCompiler {
  const dialect = dialectFor(store.engine);
  return (type, table, text, options) => compilePredicate(bindFilter(type, parseFilter(text), '$filter', options), table, dialect, store);
}

export function createSearchCompiler(store: StoreInfo): SearchCompiler {
  const dialect = dialectFor(store.engine);
  return (type, table, text) => compileSearch(type, table, text, dialect);
}
