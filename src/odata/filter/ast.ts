// The syntax tree of a $filter expression, as parsed: nothing here is checked against the model yet.
// Every node keeps the position of its first character, for error messages.

export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type LogicalOp = 'and' | 'or';

export type LiteralKind = 'string' | 'number' | 'boolean' | 'null' | 'guid' | 'dateTimeOffset' | 'date' | 'enum';

export interface LiteralNode {
  kind: 'literal';
  pos: number;
  literal: LiteralKind;
  /** Source text (for numbers, GUIDs and dates) or the unescaped string / enum member. */
  value: string;
  /** For enum literals: the qualified enum type named in the literal. */
  typeName?: string;
  text: string;
}

export interface Segment {
  name: string;
  pos: number;
}

/** `displayName`, `address/city`, `a/city` (a lambda variable), `$it/displayName`. */
export interface PathNode {
  kind: 'path';
  pos: number;
  segments: Segment[];
}

/** `addresses/any(a: a/city eq 'Buffalo')`, `phones/any()`, `addresses/all(a: ...)`. */
export interface LambdaNode {
  kind: 'lambda';
  pos: number;
  /** Position of `any` / `all`. */
  opPos: number;
  op: 'any' | 'all';
  collection: PathNode;
  variable?: Segment;
  body?: Node;
}

export interface CallNode {
  kind: 'call';
  pos: number;
  /** Lower-cased function name. */
  name: string;
  args: Node[];
}

export interface ComparisonNode {
  kind: 'compare';
  pos: number;
  opPos: number;
  op: ComparisonOp;
  left: Node;
  right: Node;
}

export interface LogicalNode {
  kind: 'logical';
  pos: number;
  opPos: number;
  op: LogicalOp;
  left: Node;
  right: Node;
}

export interface NotNode {
  kind: 'not';
  pos: number;
  operand: Node;
}

export interface InNode {
  kind: 'in';
  pos: number;
  opPos: number;
  left: Node;
  items: LiteralNode[];
}

export type Node = LiteralNode | PathNode | LambdaNode | CallNode | ComparisonNode | LogicalNode | NotNode | InNode;
