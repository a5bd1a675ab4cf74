// $search, as Graph takes it: `"term"` (quoted) over the type's searchable properties (PropertyDecl.searchable),
// case-insensitive contains. Terms side by side (or joined with AND) must all match; OR and NOT and
// parentheses combine them; `"displayName:jo"` restricts a term to one searchable property.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Property, StructuredType } from '../model/model.js';
import type { TableDef } from '../store/schema.js';
import type { WhereBuilder } from '../store/store.js';
import type { FilterDialect } from './filter/dialect.js';
import { filterError } from './filter/errors.js';
import { balanced, MAX_DEPTH, MAX_NODES, refuseNul, tooComplex, tooDeep } from './filter/limits.js';
import { badRequest } from '../http/errors.js';

const OPTION = '$search';

type SearchNode =
  | { kind: 'term'; text: string; property?: Property; pos: number }
  | { kind: 'and' | 'or'; left: SearchNode; right: SearchNode; height?: number }
  | { kind: 'not'; operand: SearchNode; height?: number };

interface Tok {
  kind: 'word' | 'phrase' | '(' | ')' | 'end';
  text: string;
  pos: number;
}

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ kind: c, text: c, pos: i++ });
    } else if (c === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw filterError('syntax', i, OPTION, 'unterminated phrase: a closing \'"\' is missing');
        const d = text[j]!;
        if (d === '\\' && j + 1 < text.length) {
          value += text[j + 1];
          j += 2;
        } else if (d === '"') {
          break;
        } else {
          value += d;
          j++;
        }
      }
      out.push({ kind: 'phrase', text: value, pos: i });
      i = j + 1;
    } else {
      const m = /[^\s()"]+/y;
      m.lastIndex = i;
      const word = m.exec(text)![0];
      out.push({ kind: 'word', text: word, pos: i });
      i += word.length;
    }
  }
  out.push({ kind: 'end', text: '', pos: text.length });
  return out;
}

/** Node heights: bounded by MAX_DEPTH so that neither the SQL builder's recursion nor the engines' depth limits are reached. */
const heightOf = (n: SearchNode): number => (n.kind === 'term' ? 1 : n.height ?? 1);

class SearchParser {
  private i = 0;
  /** Levels of recursion (parentheses, NOT): bounded before recursing. */
  private depth = 0;
  private nodes = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly searchable: Property[],
  ) {}
  private get tok() {
    return this.toks[this.i]!;
  }
  private isKeyword(k: string) {
    return this.tok.kind === 'word' && this.tok.text === k;
  }
  parse(): SearchNode {
    const n = this.or();
    if (this.tok.kind !== 'end') throw filterError('syntax', this.tok.pos, OPTION, `unexpected '${this.tok.text}'`);
    return n;
  }
  /** Counts a node against MAX_NODES and checks the height of the tree it tops. */
  private made<T extends SearchNode>(node: T, pos: number, ...children: SearchNode[]): T {
    if (++this.nodes > MAX_NODES) throw tooComplex(pos, OPTION);
    const height = 1 + Math.max(0, ...children.map(heightOf));
    if (height > MAX_DEPTH) throw tooDeep(pos, OPTION);
    if (node.kind !== 'term') node.height = height;
    return node;
  }
  private enter(pos: number): void {
    if (++this.depth > MAX_DEPTH) throw tooDeep(pos, OPTION);
  }
  /** Terms joined by one operator, as a balanced tree (see filter/limits.ts). */
  private chain(kind: 'and' | 'or', operands: SearchNode[], positions: number[]): SearchNode {
    return balanced(operands, (left, right, i) => this.made({ kind, left, right }, positions[i]!, left, right));
  }
  private or(): SearchNode {
    const operands = [this.and()];
    const positions: number[] = [];
    while (this.isKeyword('OR')) {
      positions.push(this.tok.pos);
      this.i++;
      operands.push(this.and());
    }
    return this.chain('or', operands, positions);
  }
  private and(): SearchNode {
    const operands = [this.not()];
    const positions: number[] = [];
    for (;;) {
      positions.push(this.tok.pos);
      if (this.isKeyword('AND')) this.i++;
      else if (this.tok.kind === 'end' || this.tok.kind === ')' || this.isKeyword('OR')) break;
      operands.push(this.not());
    }
    return this.chain('and', operands, positions);
  }
  /** `NOT NOT ... x` in a loop: depth, but no recursion. */
  private not(): SearchNode {
    const nots: number[] = [];
    while (this.isKeyword('NOT')) {
      this.enter(this.tok.pos);
      nots.push(this.tok.pos);
      this.i++;
    }
    try {
      let node = this.primary();
      for (let k = nots.length - 1; k >= 0; k--) node = this.made({ kind: 'not', operand: node }, nots[k]!, node);
      return node;
    } finally {
      this.depth -= nots.length;
    }
  }
  private primary(): SearchNode {
    const t = this.tok;
    if (t.kind === '(') {
      this.enter(t.pos);
      this.i++;
      const inner = this.or();
      this.depth--;
      if (this.tok.kind !== ')') throw filterError('syntax', this.tok.pos, OPTION, "expected ')'");
      this.i++;
      return inner;
    }
    if (t.kind === 'word' || t.kind === 'phrase') {
      if (t.kind === 'word' && ['AND', 'OR', 'NOT'].includes(t.text)) throw filterError('syntax', t.pos, OPTION, `expected a search term after '${t.text}'`);
      this.i++;
      return this.term(t);
    }
    throw filterError('syntax', t.pos, OPTION, t.kind === 'end' ? 'expected a search term' : `unexpected '${t.text}'`);
  }
  private term(t: Tok): SearchNode {
    let text = t.text;
    let property: Property | undefined;
    const colon = text.indexOf(':');
    if (colon > 0) {
      const name = text.slice(0, colon).toLowerCase();
      property = this.searchable.find((p) => p.name.toLowerCase() === name);
      if (property) text = text.slice(colon + 1);
    }
    if (text.trim() === '') throw filterError('syntax', t.pos, OPTION, 'the search term is empty');
    return this.made({ kind: 'term', text, property, pos: t.pos }, t.pos);
  }
}

export function searchableProperties(type: StructuredType): Property[] {
  return type.properties.filter((p) => p.searchable && !p.collection && p.category === 'primitive' && p.type === 'Edm.String');
}

export function compileSearch(type: StructuredType, table: TableDef, text: string, dialect: FilterDialect): WhereBuilder {
  const searchable = searchableProperties(type);
  if (!searchable.length) throw badRequest(`The query option '$search' is not supported on '${type.qualifiedName}'.`);
  if (text.trim() === '') throw filterError('syntax', 0, OPTION, 'the search expression is empty');
  refuseNul(text, OPTION);
  const tree = new SearchParser(tokenize(text), searchable).parse();
  return (eb) => {
    const build = (n: SearchNode): Expression<SqlBool> => {
      switch (n.kind) {
        case 'term': {
          const props = n.property ? [n.property] : searchable;
          return eb.or(
            props.map((p) => dialect.contains(dialect.lower(eb.ref(`${table.name}.${p.storedAs ?? p.name}`)), dialect.lower(dialect.text(n.text)))),
          );
        }
        case 'and':
          return eb.and([build(n.left), build(n.right)]);
        case 'or':
          return eb.or([build(n.left), build(n.right)]);
        case 'not':
          return sql<SqlBool>`((${build(n.operand)}) is not true)`;
      }
    };
    return build(tree);
  };
}
