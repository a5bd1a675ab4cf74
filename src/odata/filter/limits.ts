// Bounds on $filter and $search expressions, checked while parsing, before anything reaches SQL. A URL is
// at most 16 KB, but an inner $batch URL is not, so these hold in the query code itself:
// - nesting (parentheses, not, functions, lambdas): the parsers recurse once per level, and SQLite refuses
//   expressions deeper than 1000, so the depth stays far below both the JS stack and the engines' limits;
// - size (operators, operands, values): each value is one SQL parameter, and SQLite takes at most 32766 of
//   them while PostgreSQL's 16-bit count wraps past 65535;
// - chains of `and`/`or` are built as balanced trees, so a long flat chain is not a deep one.
import { filterError } from './errors.js';

export const MAX_DEPTH = 100;
export const MAX_NODES = 2000;
export const MAX_IN_VALUES = 1000;

export const tooDeep = (pos: number, option: string) =>
  filterError('type', pos, option, `the expression is nested more than ${MAX_DEPTH} levels deep`);

export const tooComplex = (pos: number, option: string) =>
  filterError('type', pos, option, `the expression is too complex: more than ${MAX_NODES} operators, operands and values`);

export const tooManyValues = (pos: number, option: string, count: number) =>
  filterError('type', pos, option, `the 'in' list has ${count} values; at most ${MAX_IN_VALUES} are allowed`);

/** U+0000 cannot be stored or compared on PostgreSQL; refused on every engine so that both answer alike. */
export function refuseNul(text: string, option: string): void {
  const at = text.indexOf('\u0000');
  if (at >= 0) throw filterError('syntax', at, option, 'the character U+0000 (NUL) is not allowed');
}

/**
 * `a op b op c ...` as a balanced tree of `op` nodes: associative operators mean the same whatever the
 * grouping, and a balanced tree is log2(n) deep where a left-leaning one is n deep. `join(left, right, i)`
 * makes the node for the operator between operands i-1 and i.
 */
export function balanced<T>(operands: T[], join: (left: T, right: T, operator: number) => T): T {
  const build = (from: number, to: number): T => {
    if (to - from === 1) return operands[from]!;
    const mid = (from + to) >> 1;
    return join(build(from, mid), build(mid, to), mid - 1);
  };
  return build(0, operands.length);
}
