// Bound $filter -> Kysely expression. Values are parameters, encoded as the store encodes the column they
// are compared with; the engine-specific fragments come from the dialect.
// The result also carries its shape (WhereShape): a key that fixes the SQL text (the filter with its literals
// abstracted to what decides their SQL) and the values bound, so the store can compile a shape once and bind
// each request's values to it (building and compiling with Kysely cost ~8% of a filtered list request).
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { TableDef } from '../../store/schema.js';
import type { WhereBuilder, WhereShape } from '../../store/store.js';
import { typeName, type JsonRoot, type Predicate, type ScalarType, type Value } from './bound.js';
import type { FilterDialect } from './dialect.js';

export interface ColumnEncoder {
  encodeColumn(table: TableDef, column: string, value: unknown): unknown;
}

const SQL_OPERATORS = { gt: '>', ge: '>=', lt: '<', le: '<=' } as const;
const STRING: ScalarType = { kind: 'primitive', edm: 'Edm.String' };

export function compilePredicate(pred: Predicate, table: TableDef, dialect: FilterDialect, encoder: ColumnEncoder): WhereBuilder {
  const shaper = new Shaper(table, encoder, dialect);
  shaper.predicate(pred);
  const slots = shaper.slots;
  const shape: WhereShape = {
    key: shaper.key.join(' '),
    values: shaper.values,
    build: (eb, param) => new Compiler(eb, table, dialect, encoder, { slots, param }).predicate(pred),
  };
  return Object.assign((eb: ExpressionBuilder<any, any>) => new Compiler(eb, table, dialect, encoder).predicate(pred), { shape });
}

/** A literal as it is bound: its value in the form of what it is compared with, and how the dialect takes it. */
interface BoundLiteral {
  value: unknown;
  as: 'text' | 'number' | 'value';
}

function bindLiteral(lit: Extract<Value, { kind: 'literal' }>, counterpart: Value | undefined, table: TableDef, encoder: ColumnEncoder, dialect: Pick<FilterDialect, 'encodeJsonScalar'>): BoundLiteral {
  let v = lit.value;
  if (counterpart?.kind === 'column') {
    if (counterpart.foldCase && typeof v === 'string') v = v.toLowerCase();
    v = encoder.encodeColumn(table, counterpart.column, v);
  } else if (counterpart?.kind === 'json') {
    v = dialect.encodeJsonScalar(lit.type, v);
  }
  if (typeof v === 'string' && (lit.type.kind === 'enum' || lit.type.edm === 'Edm.String')) return { value: v, as: 'text' };
  if (typeof v === 'number') return { value: v, as: 'number' };
  return { value: v, as: 'value' };
}

/** What of a bound literal decides the SQL around it (PostgreSQL types numbers by their range: dialect.number). */
function literalClass(b: BoundLiteral): string {
  if (b.as === 'text') return 't';
  if (b.as === 'number') {
    const n = b.value as number;
    return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 ? 'i' : Number.isSafeInteger(n) ? 'l' : 'd';
  }
  return b.value === null ? 'n' : typeof b.value;
}

/** Where a literal's value goes in a shape's values, and the counterpart it was encoded for. */
interface Slot {
  i: number;
  counterpart?: Value;
}

/**
 * The shape of a predicate: walks it as Compiler does (the same counterpart for each literal, which Compiler
 * checks), writing every structural part into the key and each literal only by its type and class.
 */
class Shaper {
  readonly key: string[] = [];
  readonly values: unknown[] = [];
  readonly slots = new Map<Value, Slot>();
  constructor(
    private readonly table: TableDef,
    private readonly encoder: ColumnEncoder,
    private readonly dialect: FilterDialect,
  ) {}

  private root(r: JsonRoot): string {
    return r.kind === 'column' ? `c${JSON.stringify(r.column)}` : `e${JSON.stringify(r.alias)}`;
  }

  value(v: Value, counterpart?: Value): void {
    switch (v.kind) {
      case 'literal': {
        const b = bindLiteral(v, counterpart, this.table, this.encoder, this.dialect);
        this.slots.set(v, { i: this.values.length, counterpart });
        this.values.push(b.value);
        this.key.push(`L${typeName(v.type)}:${literalClass(b)}`);
        return;
      }
      case 'column':
        this.key.push(`C${JSON.stringify(v.column)}${v.foldCase ? 'f' : ''}:${typeName(v.type)}`);
        return;
      case 'json':
        this.key.push(`J${this.root(v.root)}${JSON.stringify(v.path)}:${typeName(v.type)}`);
        return;
      case 'call':
        this.key.push(`F${v.fn}(`);
        this.value(v.arg);
        this.key.push(')');
        return;
    }
  }

  predicate(p: Predicate): void {
    const k = this.key;
    switch (p.kind) {
      case 'const':
        k.push(p.value ? 'true' : 'false');
        return;
      case 'compare':
        k.push(`(${p.op}`);
        this.value(p.left, p.right);
        this.value(p.right, p.left);
        k.push(')');
        return;
      case 'isNull': {
        const o = p.operand;
        k.push(p.negate ? '(notnull' : '(null');
        if (o.kind === 'complex') k.push(`X${this.root(o.root)}${JSON.stringify(o.path)}`);
        else this.value(o);
        k.push(')');
        return;
      }
      case 'in':
        k.push(`(in${p.includesNull ? '+null' : ''}`);
        this.value(p.operand);
        k.push(`[${p.values.length}`);
        for (const v of p.values) this.value(v, p.operand);
        k.push('])');
        return;
      case 'logical':
        k.push(`(${p.op}`);
        this.predicate(p.left);
        this.predicate(p.right);
        k.push(')');
        return;
      case 'not':
        k.push('(not');
        this.predicate(p.operand);
        k.push(')');
        return;
      case 'truthy':
        // Its literal (true, in the operand's form) is made by Compiler and bound as it is: the operand fixes it.
        k.push('(truthy');
        this.value(p.operand);
        k.push(')');
        return;
      case 'stringTest':
        k.push(`(${p.fn}`);
        this.value(p.subject);
        this.value(p.search, p.subject.kind === 'column' && p.subject.foldCase ? p.subject : undefined);
        k.push(')');
        return;
      case 'lambda':
        k.push(`(${p.op}${this.root(p.root)}${JSON.stringify(p.path)}${JSON.stringify(p.alias)}`);
        if (p.body) this.predicate(p.body);
        k.push(')');
        return;
    }
  }
}

/** A shape's literal was reached with another counterpart than the Shaper saw: the shape cannot be reused. */
export class ShapeMismatch extends Error {}

class Compiler {
  constructor(
    private readonly eb: ExpressionBuilder<any, any>,
    private readonly table: TableDef,
    private readonly dialect: FilterDialect,
    private readonly encoder: ColumnEncoder,
    /** When building a shape: literals are bound as param(slot) instead of their values. */
    private readonly params?: { slots: Map<Value, Slot>; param(i: number): unknown },
  ) {}

  private column(name: string): Expression<unknown> {
    // Qualified, so that a column is never taken for one of json_each's (key, value, type, ...) in a lambda.
    return this.eb.ref(`${this.table.name}.${name}`);
  }

  private doc(root: JsonRoot): Expression<unknown> {
    return root.kind === 'column' ? this.column(root.column) : this.dialect.elementDoc(root.alias);
  }

  private value(v: Value, counterpart?: Value): Expression<unknown> {
    switch (v.kind) {
      case 'literal':
        return this.literal(v, counterpart);
      case 'column':
        return this.column(v.column);
      case 'json':
        if (v.root.kind === 'element' && v.path.length === 0) return this.dialect.elementValue(v.root.alias, v.type);
        return this.dialect.jsonValue(this.doc(v.root), v.path, v.type);
      case 'call': {
        const arg = this.value(v.arg);
        return v.fn === 'tolower' ? this.dialect.lower(arg) : this.dialect.upper(arg);
      }
    }
  }

  /**
   * A literal as a parameter in the form of what it is compared with. `fixed`: made here, not from the
   * request (always bound as itself).
   */
  private literal(lit: Extract<Value, { kind: 'literal' }>, counterpart?: Value, fixed = false): Expression<unknown> {
    const b = bindLiteral(lit, counterpart, this.table, this.encoder, this.dialect);
    let bind = b.value;
    if (this.params && !fixed) {
      const slot = this.params.slots.get(lit);
      if (!slot || slot.counterpart !== counterpart) throw new ShapeMismatch('filter shape does not match its compilation');
      bind = this.params.param(slot.i);
    }
    if (b.as === 'text') return this.dialect.text(b.value as string, bind);
    if (b.as === 'number') return this.dialect.number(b.value as number, bind);
    return sql.val(bind);
  }

  predicate(p: Predicate): Expression<SqlBool> {
    const eb = this.eb;
    switch (p.kind) {
      case 'const':
        return p.value ? sql<SqlBool>`1 = 1` : sql<SqlBool>`1 = 0`;
      case 'compare': {
        const l = this.value(p.left, p.right);
        const r = this.value(p.right, p.left);
        const literal = p.left.kind === 'literal' || p.right.kind === 'literal';
        // OData: null eq null is true, null ne 'x' is true. Against a (non-null) literal, '=' says the same
        // and keeps indexes usable.
        if (p.op === 'eq') return literal ? sql<SqlBool>`(${l} = ${r})` : sql<SqlBool>`(${l} is not distinct from ${r})`;
        if (p.op === 'ne') return sql<SqlBool>`(${l} is distinct from ${r})`;
        return sql<SqlBool>`(${l} ${sql.raw(SQL_OPERATORS[p.op])} ${r})`;
      }
      case 'isNull': {
        const o = p.operand;
        const x = o.kind === 'complex' ? (o.path.length ? this.dialect.jsonValue(this.doc(o.root), o.path, STRING) : this.doc(o.root)) : this.value(o);
        return p.negate ? sql<SqlBool>`(${x} is not null)` : sql<SqlBool>`(${x} is null)`;
      }
      case 'in': {
        const x = this.value(p.operand);
        const parts: Expression<SqlBool>[] = [];
        if (p.values.length) parts.push(sql<SqlBool>`(${x} in (${sql.join(p.values.map((v) => this.value(v, p.operand)))}))`);
        if (p.includesNull) parts.push(sql<SqlBool>`(${x} is null)`);
        return parts.length === 1 ? parts[0]! : eb.or(parts);
      }
      case 'logical': {
        const parts = [this.predicate(p.left), this.predicate(p.right)];
        return p.op === 'and' ? eb.and(parts) : eb.or(parts);
      }
      case 'not':
        // Two-valued, as OData's: a comparison with null is false, so its negation is true.
        return sql<SqlBool>`((${this.predicate(p.operand)}) is not true)`;
      case 'truthy': {
        const trueValue: Value = { kind: 'literal', type: p.operand.type, value: true };
        return sql<SqlBool>`(${this.value(p.operand)} = ${this.literal(trueValue, p.operand, true)})`;
      }
      case 'stringTest': {
        const s = this.value(p.subject);
        const q = this.value(p.search, p.subject.kind === 'column' && p.subject.foldCase ? p.subject : undefined);
        if (p.fn === 'startswith') return this.dialect.startsWith(s, q);
        if (p.fn === 'endswith') return this.dialect.endsWith(s, q);
        return this.dialect.contains(s, q);
      }
      case 'lambda': {
        const doc = this.doc(p.root);
        if (p.op === 'any') return this.dialect.existsElement(doc, p.path, p.alias, p.body ? this.predicate(p.body) : undefined);
        // all: no element for which the condition is not true.
        const failing = sql<SqlBool>`((${this.predicate(p.body!)}) is not true)`;
        return sql<SqlBool>`(not ${this.dialect.existsElement(doc, p.path, p.alias, failing)})`;
      }
    }
  }
}
