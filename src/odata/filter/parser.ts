// Recursive-descent parser for OData $filter, producing a tree with positions.
// Precedence, lowest first: or, and, comparison (eq ne gt ge lt le in), not, primary.
// Operators and function names are matched case-insensitively, as Graph's resolver does.
import type { ComparisonOp, LiteralNode, Node, PathNode, Segment } from './ast.js';
import { filterError } from './errors.js';
import { tokenize, type Token } from './lexer.js';

const COMPARISON = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
/** Words that can only be operators where an operand is expected: an early, clearer error. */
const RESERVED_OPERANDS = new Set(['and', 'or', 'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in', 'has']);

export function parseFilter(text: string, option = '$filter'): Node {
  if (text.trim() === '') throw filterError('syntax', 0, option, 'the expression is empty');
  const p = new Parser(tokenize(text, option), option);
  const node = p.expression();
  p.expectEnd();
  return node;
}

class Parser {
  private i = 0;
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

  expression(): Node {
    return this.or();
  }

  private or(): Node {
    let left = this.and();
    while (this.isWord('or')) {
      const opPos = this.next().pos;
      left = { kind: 'logical', op: 'or', pos: left.pos, opPos, left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.comparison();
    while (this.isWord('and')) {
      const opPos = this.next().pos;
      left = { kind: 'logical', op: 'and', pos: left.pos, opPos, left, right: this.comparison() };
    }
    return left;
  }

  private comparison(): Node {
    let left = this.unary();
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'identifier') return left;
      const word = t.text.toLowerCase();
      if (COMPARISON.has(word)) {
        this.next();
        left = { kind: 'compare', op: word as ComparisonOp, pos: left.pos, opPos: t.pos, left, right: this.unary() };
      } else if (word === 'in') {
        this.next();
        left = { kind: 'in', pos: left.pos, opPos: t.pos, left, items: this.list() };
      } else if (word === 'has' || ['add', 'sub', 'mul', 'div', 'divby', 'mod'].includes(word)) {
        throw filterError('syntax', t.pos, this.option, `the operator '${t.text}' is not supported`);
      } else {
        return left;
      }
    }
  }

  /** `('a', 'b')`: the right-hand side of `in`. */
  private list(): LiteralNode[] {
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
      return items;
    }
  }

  private unary(): Node {
    const t = this.tok;
    if (this.isWord('not')) {
      this.next();
      return { kind: 'not', pos: t.pos, operand: this.unary() };
    }
    return this.primary();
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
    if (lit) return lit;
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
    return { kind: 'call', pos: name.pos, name: name.text.toLowerCase(), args };
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
    return { kind: 'path', pos: first.pos, segments };
  }

  private lambda(collection: PathNode, op: 'any' | 'all', opPos: number): Node {
    this.expect('(');
    if (this.at(')')) {
      this.next();
      return { kind: 'lambda', pos: collection.pos, opPos, op, collection };
    }
    const v = this.expect('identifier', 'a lambda variable name');
    this.expect(':', "':' after the lambda variable");
    const body = this.expression();
    this.expect(')', "')'");
    return { kind: 'lambda', pos: collection.pos, opPos, op, collection, variable: { name: v.text, pos: v.pos }, body };
  }
}
