// Every problem with a query expression is a 400 naming what is wrong and where (0-based character position).
import { badRequest, type GraphError } from '../../http/errors.js';

export type FilterErrorKind = 'syntax' | 'type';

/** `Syntax error at position 17 in '$filter': expected ')'.` */
export function filterError(kind: FilterErrorKind, pos: number, option: string, detail: string): GraphError {
  const what = kind === 'syntax' ? 'Syntax error' : 'Invalid expression';
  return badRequest(`${what} at position ${pos} in '${option}': ${detail}.`);
}
