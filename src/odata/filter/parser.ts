// Recursive-descent parser for OData $filter, producing a tree with positions.
// Precedence, lowest first: or, and, comparison (eq ne gt ge lt le in), not, primary.
// Operators and function names are matched case-insensitively, as Graph's resolver does.
import type { ComparisonOp, LiteralNode, Node, PathNode, Segment } from './ast.js';
import { filterError } from './errors.js';
import { tokenize, type Token } from './lexer.js';
import { balanced, MAX_DEPTH, MAX_IN_VALUES, MAX_NODES, refuseNul, tooComplex, tooDeep, tooManyValues } from './limits.js';

const COMPARISON = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
/** Words that can only be operators where an operand is expected: an early, clearer error. */
const RESERVED_OPERANDS = new Set(['and', 'or', 'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in', 'has']);

export function parseFilter(text: string, option = '$filter'): Node {
  if (text.trim() === '') throw filterError('syntax', 0, option, 'the expression is empty');
  refuseNul(text, option);
  const p = new Parser(tokenize(text, option), option);
  const node = p.expression();
  p.expectEnd();
  return node;
}

class Parser {
  private i = 0;
  /** Levels of recursion the parser is in: bounded before it recurses, so the JS stack never overflows. */
  private depth = 0;
  private nodes = 0;
  /** Height of every node made, so that no tree deeper than MAX_DEPTH reaches the binder or SQL. */
  private readonly heights = new WeakMap<Node, number>();
  constructor(
    private readonly tokens: Token[],
    private readonly option: string,
  ) {}

  private get tok(): Token {
    return this.tokens[this.i]!;
  }
  private at(kind: Token['kind']): boolean {
    return this.tok.kind === kind;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private isWord(word: string, t: Token = this.tok): boolean {
    return t.kind === 'identifier' && t.text.toLowerCase() === word;
  }
  private describe(t: Token): string {
    return t.kind === 'end' ? 'the end of the expression' : `'${t.text}'`;
  }
  private fail(t: Token, expected: string): never {
    throw filterError('syntax', t.pos, this.option, `expected ${expected}, found ${this.describe(t)}`);
  }
  private expect(kind: Token['kind'], what = `'${kind}'`): Token {
    if (this.tok.kind !== kind) this.fail(this.tok, what);
    return this.next();
  }

  expectEnd(): void {
    if (!this.at('end')) this.fail(this.tok, "'and', 'or' or the end of the expression");
  }

  /** Counts a new node against MAX_NODES and records its height (1 + its highest child). */
  private made<T extends Node>(node: T, children: Node[], pos = node.pos, extra = 0): T {
    this.nodes += 1 + extra;
    if (this.nodes > MAX_NODES) throw tooComplex(pos, this.option);
    let height = 0;
    for (const c of children) height = Math.max(height, this.heights.get(c) ?? 1);
    if (height + 1 > MAX_DEPTH) throw tooDeep(pos, this.option);
    this.heights.set(node, height + 1);
    return node;
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_DEPTH) throw tooDeep(pos, this.option);
  }

  expression(): Node {
    this.enter(this.tok.pos);
    try {
      return this.or();
    } finally {
      this.depth--;
    }
  }

  private or(): Node {
    return this.chain('or', () => this.and());
  }

  private and(): Node {
    return this.chain('and', () => this.comparison());
  }

  /** `x op y op z ...` as a balanced tree (see limits.ts). */
  private chain(op: 'and' | 'or', operand: () => Node): Node {
    const operands = [operand()];
    const opPositions: number[] = [];
    while (this.isWord(op)) {
      opPositions.push(this.next().pos);
      operands.push(operand());
    }
    return balanced(operands, (left, right, i) =>
      this.made({ kind: 'logical', op, pos: left.pos, opPos: opPositions[i]!, left, right }, [left, right], opPositions[i]),
    );
  }

  private comparison(): Node {
    let left = this.unary();
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'identifier') return left;
      const word = t.text.toLowerCase();
      if (COMPARISON.has(word)) {
        this.next();
        const right = this.unary();
        left = this.made({ kind: 'compare', op: word as ComparisonOp, pos: left.pos, opPos: t.pos, left, right }, [left, right], t.pos);
      } else if (word === 'in') {
        this.next();
        const items = this.list(t.pos);
        left = this.made({ kind: 'in', pos: left.pos, opPos: t.pos, left, items }, [left], t.pos, items.length);
      } else if (word === 'has' || ['add', 'sub', 'mul', 'div', 'divby', 'mod'].includes(word)) {
        throw filterError('syntax', t.pos, this.option, `the operator '${t.text}' is not supported`);
      } else {
        return left;
      }
    }
  }

  /** `('a', 'b')`: the right-hand side of `in`. */
  private list(inPos: number): LiteralNode[] {
    this.expect('(', "'(' to start the list after 'in'");
    const items: LiteralNode[] = [];
    for (;;) {
      const lit = this.literal();
      if (!lit) this.fail(this.tok, 'a literal value in the list');
      items.push(lit);
      if (this.at(',')) {
        this.next();
        continue;
      }
      this.expect(')', "',' or ')'");
      if (items.length > MAX_IN_VALUES) throw tooManyValues(inPos, this.option, items.length);
      return items;
    }
  }

  /** `not not ... x`, read in a loop: each `not` is a level of depth, but not a level of recursion. */
  private unary(): Node {
    const nots: Token[] = [];
    while (this.isWord('not')) {
      this.enter(this.tok.pos);
      nots.push(this.next());
    }
    try {
      let node = this.primary();
      for (let k = nots.length - 1; k >= 0; k--) node = this.made({ kind: 'not', pos: nots[k]!.pos, operand: node }, [node]);
      return node;
    } finally {
      this.depth -= nots.length;
    }
  }

  private literal(): LiteralNode | undefined {
    const t = this.tok;
    const lit = (literal: LiteralNode['literal'], value: string, typeName?: string): LiteralNode => {
      this.next();
      return { kind: 'literal', literal, value, typeName, pos: t.pos, text: t.text };
    };
    switch (t.kind) {
      case 'string':
        return lit('string', t.value!);
      case 'number':
        return lit('number', t.text);
      case 'guid':
        return lit('guid', t.text);
      case 'dateTimeOffset':
        return lit('dateTimeOffset', t.text);
      case 'date':
        return lit('date', t.text);
      case 'enum':
        return lit('enum', t.value!, t.typeName);
      case 'identifier': {
        const w = t.text.toLowerCase();
        if (w === 'true' || w === 'false') return lit('boolean', w);
        if (w === 'null') return lit('null', 'null');
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private primary(): Node {
    const t = this.tok;
    const lit = this.literal();
    if (lit) return this.made(lit, []);
    if (t.kind === '(') {
      this.next();
      const inner = this.expression();
      this.expect(')', "')'");
      return inner;
    }
    if (t.kind !== 'identifier' || RESERVED_OPERANDS.has(t.text.toLowerCase())) this.fail(t, 'a property, literal or function');
    this.next();
    if (this.at('(')) return this.call(t);
    return this.path(t);
  }

  private call(name: Token): Node {
    this.expect('(');
    const args: Node[] = [];
    if (!this.at(')')) {
      for (;;) {
        args.push(this.expression());
        if (this.at(',')) {
          this.next();
          continue;
        }
        break;
      }
    }
    this.expect(')', args.length ? "',' or ')'" : "')'");
    return this.made({ kind: 'call', pos: name.pos, name: name.text.toLowerCase(), args }, args);
  }

  /** A property path; its last step may be `any(...)` / `all(...)` over a collection. */
  private path(first: Token): Node {
    const segments: Segment[] = [{ name: first.text, pos: first.pos }];
    while (this.at('/')) {
      this.next();
      const seg = this.expect('identifier', 'a property name after \'/\'');
      const word = seg.text.toLowerCase();
      if ((word === 'any' || word === 'all') && this.at('(')) {
        const collection: PathNode = { kind: 'path', pos: first.pos, segments };
        return this.lambda(collection, word, seg.pos);
      }
      segments.push({ name: seg.text, pos: seg.pos });
    }
    return this.made({ kind: 'path', pos: first.pos, segments }, []);
  }

  private lambda(collection: PathNode, op: 'any' | 'all', opPos: number): Node {
    this.expect('(');
    if (this.at(')')) {
      this.next();
      return this.made({ kind: 'lambda', pos: collection.pos, opPos, op, collection }, []);
    }
    const v = this.expect('identifier', 'a lambda variable name');
    this.expect(':', "':' after the lambda variable");
    const body = this.expression();
    this.expect(')', "')'");
    return this.made({ kind: 'lambda', pos: collection.pos, opPos, op, collection, variable: { name: v.text, pos: v.pos }, body }, [body]);
  }
}
