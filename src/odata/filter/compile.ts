// Bound $filter -> Kysely expression. Values are parameters, encoded as the store encodes the column they
// are compared with; the engine-specific fragments come from the dialect.
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { TableDef } from '../../store/schema.js';
import type { WhereBuilder } from '../../store/store.js';
import type { JsonRoot, Predicate, ScalarType, Value } from './bound.js';
import type { FilterDialect } from './dialect.js';

export interface ColumnEncoder {
  encodeColumn(table: TableDef, column: string, value: unknown): unknown;
}

const SQL_OPERATORS = { gt: '>', ge: '>=', lt: '<', le: '<=' } as const;
const STRING: ScalarType = { kind: 'primitive', edm: 'Edm.String' };

export function compilePredicate(pred: Predicate, table: TableDef, dialect: FilterDialect, encoder: ColumnEncoder): WhereBuilder {
  return (eb) => new Compiler(eb, table, dialect, encoder).predicate(pred);
}

class Compiler {
  constructor(
    private readonly eb: ExpressionBuilder<any, any>,
    private readonly table: TableDef,
    private readonly dialect: FilterDialect,
    private readonly encoder: ColumnEncoder,
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

  /** A literal as a parameter in the form of what it is compared with. */
  private literal(lit: Extract<Value, { kind: 'literal' }>, counterpart?: Value): Expression<unknown> {
    let v = lit.value;
    if (counterpart?.kind === 'column') {
      if (counterpart.foldCase && typeof v === 'string') v = v.toLowerCase();
      v = this.encoder.encodeColumn(this.table, counterpart.column, v);
    } else if (counterpart?.kind === 'json') {
      v = this.dialect.encodeJsonScalar(lit.type, v);
    }
    if (typeof v === 'string' && (lit.type.kind === 'enum' || lit.type.edm === 'Edm.String')) return this.dialect.text(v);
    if (typeof v === 'number') return this.dialect.number(v);
    return sql.val(v);
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
        return sql<SqlBool>`(${this.value(p.operand)} = ${this.value(trueValue, p.operand)})`;
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
