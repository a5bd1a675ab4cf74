// The checked form of a $filter: every name resolved against the model, every literal converted to the
// canonical value of the type it is compared with. The compiler turns this into SQL.
import type { EdmPrimitive } from '../../model/edm.js';
import type { EnumType, StructuredType } from '../../model/model.js';
import type { ComparisonOp } from './ast.js';

export type ScalarType = { kind: 'primitive'; edm: EdmPrimitive } | { kind: 'enum'; enumType: EnumType };
export type ElementType = ScalarType | { kind: 'complex'; complexType: StructuredType };

/** Where a JSON document lives: a stored column, or the element a lambda is iterating over. */
export type JsonRoot = { kind: 'column'; column: string } | { kind: 'element'; alias: string };

export type Value =
  /** A literal in canonical form (DateTimeOffset as canonical text, GUID lower-case, enum member name). */
  | { kind: 'literal'; type: ScalarType; value: unknown }
  /**
   * A stored column of the queried table. `foldCase`: the column holds lower-cased text (case-insensitive
   * keys), so strings compared with it are lower-cased too.
   */
  | { kind: 'column'; type: ScalarType; column: string; foldCase?: boolean }
  /** A primitive inside JSON (`address/city`, `a/city`, or `t` itself over a primitive collection). */
  | { kind: 'json'; type: ScalarType; root: JsonRoot; path: string[] }
  | { kind: 'call'; type: ScalarType; fn: 'tolower' | 'toupper'; arg: Value };

/** A complex value (only tested against null). */
export interface ComplexRef {
  kind: 'complex';
  root: JsonRoot;
  path: string[];
}

export type Predicate =
  | { kind: 'const'; value: boolean }
  | { kind: 'compare'; op: ComparisonOp; left: Value; right: Value }
  | { kind: 'isNull'; negate: boolean; operand: Value | ComplexRef }
  | { kind: 'in'; operand: Value; values: Value[]; includesNull: boolean }
  | { kind: 'logical'; op: 'and' | 'or'; left: Predicate; right: Predicate }
  | { kind: 'not'; operand: Predicate }
  /** A Boolean-valued property used as a condition. */
  | { kind: 'truthy'; operand: Value }
  | { kind: 'stringTest'; fn: 'startswith' | 'endswith' | 'contains'; subject: Value; search: Value }
  | { kind: 'lambda'; op: 'any' | 'all'; root: JsonRoot; path: string[]; alias: string; body?: Predicate };

export function typeName(t: ScalarType | ElementType): string {
  switch (t.kind) {
    case 'primitive':
      return t.edm;
    case 'enum':
      return t.enumType.qualifiedName;
    case 'complex':
      return t.complexType.qualifiedName;
  }
}
