// Checks a parsed $filter against the model and binds it: property paths resolve to columns or JSON
// locations, literals become canonical values of the type they are compared with, and every mismatch is
// a 400 naming the position.
import type { EdmPrimitive } from '../../model/edm.js';
import { UNKNOWN_FUTURE_VALUE, type Property, type StructuredType } from '../../model/model.js';
import { INCLUDE_UNKNOWN_ENUM_MEMBERS } from '../evolvable-enums.js';
import { canonicalDateTimeOffset } from '../../model/values.js';
import type { CallNode, ComparisonNode, LambdaNode, LiteralNode, Node, PathNode } from './ast.js';
import { typeName, type ComplexRef, type ElementType, type JsonRoot, type Predicate, type ScalarType, type Value } from './bound.js';
import { filterError } from './errors.js';

const NUMERIC = new Set<EdmPrimitive>(['Edm.Int32', 'Edm.Int64', 'Edm.Double']);
const STRING: ScalarType = { kind: 'primitive', edm: 'Edm.String' };
const BOOLEAN: ScalarType = { kind: 'primitive', edm: 'Edm.Boolean' };
/** Types whose stored text sorts in value order, so gt/ge/lt/le mean what they say. */
const ORDERED = new Set<EdmPrimitive>(['Edm.String', 'Edm.Boolean', 'Edm.Int32', 'Edm.Int64', 'Edm.Double', 'Edm.DateTimeOffset', 'Edm.Date', 'Edm.TimeOfDay', 'Edm.Guid']);
const UNSUPPORTED_FUNCTIONS = new Set([
  'length', 'indexof', 'substring', 'trim', 'concat', 'year', 'month', 'day', 'hour', 'minute', 'second',
  'fractionalseconds', 'date', 'time', 'now', 'round', 'floor', 'ceiling', 'cast', 'isof', 'matchespattern',
  'totaloffsetminutes', 'totalseconds', 'maxdatetime', 'mindatetime', 'geo.distance', 'geo.intersects', 'geo.length', 'hassubset', 'hassubsequence',
]);

/** What an expression denotes before it is used: a value, a predicate, or something only some operators accept. */
type Operand =
  | { kind: 'value'; value: Value }
  | { kind: 'literal'; node: LiteralNode }
  | { kind: 'null' }
  | { kind: 'predicate'; predicate: Predicate }
  | { kind: 'complex'; ref: ComplexRef; type: StructuredType }
  | { kind: 'collection'; root: JsonRoot; path: string[]; element: ElementType; name: string };

interface LambdaScope {
  name: string;
  alias: string;
  element: ElementType;
}

/** A place a path walk can be at: a top-level column, or a location inside JSON. */
type Location = { kind: 'column'; column: string } | { kind: 'json'; root: JsonRoot; path: string[] };

export interface BindOptions {
  /**
   * The request says `Prefer: include-unknown-enum-members`: members after an evolvable enum's sentinel may be
   * named, and `unknownFutureValue` means itself. Without it, naming such a member is a 400 and comparing with
   * `unknownFutureValue` means "any of those members" (what the client is shown them as; see
   * src/odata/evolvable-enums.ts).
   */
  unknownEnumMembers?: boolean;
}

export function bindFilter(type: StructuredType, ast: Node, option = '$filter', opts: BindOptions = {}): Predicate {
  return new Binder(type, option, opts.unknownEnumMembers === true).predicate(ast, []);
}

class Binder {
  private aliases = 0;
  constructor(
    private readonly root: StructuredType,
    private readonly option: string,
    private readonly unknownEnumMembers: boolean,
  ) {}

  /** Without the preference, `unknownFutureValue` of an enum that has later members stands for those members. */
  private standsForUnknown(v: Value): v is Extract<Value, { kind: 'literal' }> & { type: { kind: 'enum' } } {
    return !this.unknownEnumMembers && v.kind === 'literal' && v.type.kind === 'enum' && v.value === UNKNOWN_FUTURE_VALUE && v.type.enumType.unknownMembers.length > 0;
  }

  private unknownLiterals(v: Extract<Value, { kind: 'literal' }> & { type: { kind: 'enum' } }): Value[] {
    return v.type.enumType.unknownMembers.map((m) => ({ kind: 'literal', type: v.type, value: m }));
  }

  private error(pos: number, detail: string): never {
    throw filterError('type', pos, this.option, detail);
  }

  predicate(node: Node, scopes: LambdaScope[]): Predicate {
    const op = this.operand(node, scopes);
    return this.asPredicate(op, node);
  }

  private asPredicate(op: Operand, node: Node): Predicate {
    switch (op.kind) {
      case 'predicate':
        return op.predicate;
      case 'value':
        if (op.value.type.kind === 'primitive' && op.value.type.edm === 'Edm.Boolean') return { kind: 'truthy', operand: op.value };
        return this.error(node.pos, `expected a Boolean expression, found a value of type '${typeName(op.value.type)}'`);
      case 'literal':
        if (op.node.literal === 'boolean') return { kind: 'const', value: op.node.value === 'true' };
        return this.error(node.pos, `expected a Boolean expression, found the literal ${op.node.text}`);
      case 'null':
        return this.error(node.pos, 'expected a Boolean expression, found null');
      case 'complex':
        return this.error(node.pos, `expected a Boolean expression, found a value of complex type '${op.type.qualifiedName}'`);
      case 'collection':
        return this.error(node.pos, `expected a Boolean expression, found the collection '${op.name}'`);
    }
  }

  private operand(node: Node, scopes: LambdaScope[]): Operand {
    switch (node.kind) {
      case 'literal':
        return node.literal === 'null' ? { kind: 'null' } : { kind: 'literal', node };
      case 'path':
        return this.path(node, scopes);
      case 'lambda':
        return { kind: 'predicate', predicate: this.lambda(node, scopes) };
      case 'call':
        return this.call(node, scopes);
      case 'compare':
        return { kind: 'predicate', predicate: this.compare(node, scopes) };
      case 'logical':
        return {
          kind: 'predicate',
          predicate: { kind: 'logical', op: node.op, left: this.predicate(node.left, scopes), right: this.predicate(node.right, scopes) },
        };
      case 'not':
        return { kind: 'predicate', predicate: { kind: 'not', operand: this.predicate(node.operand, scopes) } };
      case 'in':
        return { kind: 'predicate', predicate: this.in(node.left, node.items, scopes) };
    }
  }

  // ---- paths

  private property(type: StructuredType, name: string, pos: number): Property {
    const p = type.propertyIgnoringCase(name);
    if (!p) {
      const nav = type.navigationProperty(name);
      if (nav) this.error(pos, `the navigation property '${nav.name}' cannot be used in a filter`);
      this.error(pos, `could not find a property named '${name}' on type '${type.qualifiedName}'`);
    }
    return p;
  }

  private path(node: PathNode, scopes: LambdaScope[]): Operand {
    const segs = node.segments;
    let i = 0;
    let loc: Location;
    let current: ElementType | { kind: 'collection'; element: ElementType };
    let name: string;
    const first = segs[0]!;
    const scope = [...scopes].reverse().find((s) => s.name === first.name);
    if (scope) {
      loc = { kind: 'json', root: { kind: 'element', alias: scope.alias }, path: [] };
      current = scope.element;
      name = scope.name;
      i = 1;
    } else {
      if (first.name === '$it') {
        i = 1;
        if (segs.length === 1) this.error(first.pos, "'$it' must be followed by a property");
      } else if (first.name.startsWith('$')) {
        this.error(first.pos, `'${first.name}' is not supported`);
      }
      const seg = segs[i]!;
      const p = this.property(this.root, seg.name, seg.pos);
      if (p.name === 'id' && this.root.caseInsensitiveKey && i === segs.length - 1) {
        // Case-insensitive keys: compare on the normalised key column, as key lookups do.
        return { kind: 'value', value: { kind: 'column', type: STRING, column: 'id_key', foldCase: true } };
      }
      loc = { kind: 'column', column: p.storedAs ?? p.name };
      current = propertyType(p);
      name = p.name;
      i++;
    }
    for (; i < segs.length; i++) {
      const seg = segs[i]!;
      if (current.kind === 'collection') {
        this.error(seg.pos, `'${name}' is a collection; use any() or all() to test its members`);
      }
      if (current.kind !== 'complex') this.error(seg.pos, `'${name}' is of type '${typeName(current)}' and has no property '${seg.name}'`);
      const p = this.property(current.complexType, seg.name, seg.pos);
      // Complex members are stored under their storage names (which API versions may spell differently).
      const key = p.storedAs ?? p.name;
      loc = loc.kind === 'column' ? { kind: 'json', root: { kind: 'column', column: loc.column }, path: [key] } : { ...loc, path: [...loc.path, key] };
      current = propertyType(p);
      name = p.name;
    }
    if (current.kind === 'collection') {
      const { root, path } = loc.kind === 'column' ? { root: { kind: 'column', column: loc.column } as JsonRoot, path: [] } : loc;
      return { kind: 'collection', root, path, element: current.element, name };
    }
    if (current.kind === 'complex') {
      const ref: ComplexRef =
        loc.kind === 'column' ? { kind: 'complex', root: { kind: 'column', column: loc.column }, path: [] } : { kind: 'complex', root: loc.root, path: loc.path };
      return { kind: 'complex', ref, type: current.complexType };
    }
    const value: Value = loc.kind === 'column' ? { kind: 'column', type: current, column: loc.column } : { kind: 'json', type: current, root: loc.root, path: loc.path };
    return { kind: 'value', value };
  }

  private lambda(node: LambdaNode, scopes: LambdaScope[]): Predicate {
    const source = this.path(node.collection, scopes);
    if (source.kind !== 'collection') this.error(node.opPos, `${node.op}() can only be applied to a collection`);
    const alias = `l${this.aliases++}`;
    if (!node.body || !node.variable) {
      if (node.op === 'all') this.error(node.opPos, 'all() needs a lambda expression, such as all(a: a/city eq \'Buffalo\')');
      return { kind: 'lambda', op: 'any', root: source.root, path: source.path, alias };
    }
    const v = node.variable;
    if (scopes.some((s) => s.name === v.name)) this.error(v.pos, `the lambda variable '${v.name}' is already in use`);
    const body = this.predicate(node.body, [...scopes, { name: v.name, alias, element: source.element }]);
    return { kind: 'lambda', op: node.op, root: source.root, path: source.path, alias, body };
  }

  // ---- functions

  private stringValue(node: Node, scopes: LambdaScope[], fn: string): Value {
    const op = this.operand(node, scopes);
    if (op.kind === 'literal') return this.coerce(op.node, STRING);
    if (op.kind === 'value' && op.value.type.kind === 'primitive' && op.value.type.edm === 'Edm.String') return op.value;
    const found = op.kind === 'value' ? `a value of type '${typeName(op.value.type)}'` : op.kind === 'null' ? 'null' : 'an expression that is not a string';
    return this.error(node.pos, `${fn}() expects a string argument, found ${found}`);
  }

  private call(node: CallNode, scopes: LambdaScope[]): Operand {
    const arity = (n: number) => {
      if (node.args.length !== n) this.error(node.pos, `${node.name}() takes ${n} argument${n === 1 ? '' : 's'}, found ${node.args.length}`);
    };
    switch (node.name) {
      case 'startswith':
      case 'endswith':
      case 'contains': {
        arity(2);
        const subject = this.stringValue(node.args[0]!, scopes, node.name);
        const search = this.stringValue(node.args[1]!, scopes, node.name);
        return { kind: 'predicate', predicate: { kind: 'stringTest', fn: node.name, subject, search } };
      }
      case 'tolower':
      case 'toupper': {
        arity(1);
        const arg = this.stringValue(node.args[0]!, scopes, node.name);
        return { kind: 'value', value: { kind: 'call', fn: node.name, type: STRING, arg } };
      }
    }
    if (UNSUPPORTED_FUNCTIONS.has(node.name)) this.error(node.pos, `the function '${node.name}' is not supported`);
    return this.error(node.pos, `unknown function '${node.name}'`);
  }

  // ---- comparisons

  /** A literal as a value of `target`, or a 400 at the literal. */
  private coerce(lit: LiteralNode, target: ScalarType): Extract<Value, { kind: 'literal' }> {
    const mismatch = (): never => this.error(lit.pos, `the literal ${lit.text} is not a valid value of type '${typeName(target)}'`);
    if (target.kind === 'enum') {
      if (lit.literal !== 'string' && lit.literal !== 'enum') mismatch();
      if (lit.literal === 'enum' && lit.typeName !== target.enumType.qualifiedName) {
        this.error(lit.pos, `the literal ${lit.text} is of enum type '${lit.typeName}', expected '${target.enumType.qualifiedName}'`);
      }
      const members = target.enumType.members;
      const member = members.find((m) => m === lit.value) ?? members.find((m) => m.toLowerCase() === lit.value.toLowerCase());
      if (!member) this.error(lit.pos, `'${lit.value}' is not a member of '${target.enumType.qualifiedName}'`);
      if (!this.unknownEnumMembers && target.enumType.unknownMembers.includes(member)) {
        this.error(
          lit.pos,
          `'${member}' is a member of '${target.enumType.qualifiedName}' added after '${UNKNOWN_FUTURE_VALUE}'; send 'Prefer: ${INCLUDE_UNKNOWN_ENUM_MEMBERS}' to use it`,
        );
      }
      return { kind: 'literal', type: target, value: member };
    }
    const edm = target.edm;
    switch (lit.literal) {
      case 'string':
        if (edm === 'Edm.String') return { kind: 'literal', type: target, value: lit.value };
        break;
      case 'number':
        if (NUMERIC.has(edm)) return { kind: 'literal', type: target, value: Number(lit.value) };
        break;
      case 'boolean':
        if (edm === 'Edm.Boolean') return { kind: 'literal', type: target, value: lit.value === 'true' };
        break;
      case 'guid':
        if (edm === 'Edm.Guid') return { kind: 'literal', type: target, value: lit.value.toLowerCase() };
        break;
      case 'dateTimeOffset':
        if (edm === 'Edm.DateTimeOffset') {
          const c = canonicalDateTimeOffset(lit.value);
          if (c === undefined) {
            const hint = /(Z|[+-]\d{2}:\d{2})$/i.test(lit.value) ? '' : ' (a time zone, such as Z, is required)';
            this.error(lit.pos, `'${lit.value}' is not a valid Edm.DateTimeOffset${hint}`);
          }
          return { kind: 'literal', type: target, value: c };
        }
        break;
      case 'date':
        if (edm === 'Edm.Date') {
          const d = new Date(`${lit.value}T00:00:00Z`);
          if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== lit.value) this.error(lit.pos, `'${lit.value}' is not a valid Edm.Date`);
          return { kind: 'literal', type: target, value: lit.value };
        }
        break;
    }
    return mismatch();
  }

  /** The type a literal has on its own (when compared with another literal). */
  private natural(lit: LiteralNode): Extract<Value, { kind: 'literal' }> {
    switch (lit.literal) {
      case 'string':
        return this.coerce(lit, STRING);
      case 'number':
        return this.coerce(lit, { kind: 'primitive', edm: /^-?\d+$/.test(lit.value) ? 'Edm.Int64' : 'Edm.Double' });
      case 'boolean':
        return this.coerce(lit, BOOLEAN);
      case 'guid':
        return this.coerce(lit, { kind: 'primitive', edm: 'Edm.Guid' });
      case 'dateTimeOffset':
        return this.coerce(lit, { kind: 'primitive', edm: 'Edm.DateTimeOffset' });
      case 'date':
        return this.coerce(lit, { kind: 'primitive', edm: 'Edm.Date' });
      default:
        return this.error(lit.pos, `the literal ${lit.text} can only be compared with a property of its enum type`);
    }
  }

  private compatible(a: ScalarType, b: ScalarType): boolean {
    if (a.kind === 'enum' || b.kind === 'enum') return a.kind === 'enum' && b.kind === 'enum' && a.enumType === b.enumType;
    return a.edm === b.edm || (NUMERIC.has(a.edm) && NUMERIC.has(b.edm));
  }

  /** Either side as a value of the other side's type. */
  private comparable(node: Node, scopes: LambdaScope[], what: string): Operand {
    const op = this.operand(node, scopes);
    if (op.kind === 'predicate' || op.kind === 'collection') {
      this.error(node.pos, op.kind === 'collection' ? `the collection '${op.name}' cannot be ${what}; use any() or all()` : `a Boolean expression cannot be ${what}`);
    }
    return op;
  }

  private compare(node: ComparisonNode, scopes: LambdaScope[]): Predicate {
    const { op, opPos } = node;
    const left = this.comparable(node.left, scopes, 'compared');
    const right = this.comparable(node.right, scopes, 'compared');
    const ordering = op !== 'eq' && op !== 'ne';

    if (left.kind === 'null' || right.kind === 'null') {
      if (ordering) this.error(opPos, `null cannot be used with '${op}'; only 'eq' and 'ne' compare with null`);
      const other = left.kind === 'null' ? right : left;
      if (other.kind === 'null') return { kind: 'const', value: op === 'eq' };
      if (other.kind === 'literal') return { kind: 'const', value: op === 'ne' };
      const operand = other.kind === 'complex' ? other.ref : (other as { value: Value }).value;
      return { kind: 'isNull', negate: op === 'ne', operand };
    }
    if (left.kind === 'complex' || right.kind === 'complex') {
      const c = (left.kind === 'complex' ? left : right) as { type: StructuredType };
      this.error(opPos, `a value of complex type '${c.type.qualifiedName}' can only be compared with null`);
    }
    let l: Value;
    let r: Value;
    if (left.kind === 'value' && right.kind === 'value') {
      l = left.value;
      r = right.value;
      if (!this.compatible(l.type, r.type)) this.error(opPos, `cannot compare a value of type '${typeName(l.type)}' with a value of type '${typeName(r.type)}' using '${op}'`);
    } else if (left.kind === 'value') {
      l = left.value;
      r = this.coerce((right as { node: LiteralNode }).node, l.type);
    } else if (right.kind === 'value') {
      r = right.value;
      l = this.coerce((left as { node: LiteralNode }).node, r.type);
    } else {
      const a = this.natural((left as { node: LiteralNode }).node);
      const b = this.natural((right as { node: LiteralNode }).node);
      if (!this.compatible(a.type, b.type)) this.error(opPos, `cannot compare a value of type '${typeName(a.type)}' with a value of type '${typeName(b.type)}' using '${op}'`);
      return { kind: 'const', value: evaluate(op, a.value, b.value) };
    }
    if (ordering && (l.type.kind === 'enum' || !ORDERED.has(l.type.edm))) {
      this.error(opPos, `values of type '${typeName(l.type)}' cannot be compared with '${op}'`);
    }
    const sentinel = this.standsForUnknown(r) ? r : this.standsForUnknown(l) ? l : undefined;
    if (sentinel) {
      const matches: Predicate = { kind: 'in', operand: sentinel === r ? l : r, values: this.unknownLiterals(sentinel), includesNull: false };
      return op === 'eq' ? matches : { kind: 'not', operand: matches };
    }
    return { kind: 'compare', op, left: l, right: r };
  }

  private in(leftNode: Node, items: LiteralNode[], scopes: LambdaScope[]): Predicate {
    const left = this.comparable(leftNode, scopes, "used with 'in'");
    if (left.kind !== 'value') this.error(leftNode.pos, "the left side of 'in' must be a property or function of a primitive type");
    const values: Value[] = [];
    let includesNull = false;
    for (const item of items) {
      if (item.literal === 'null') includesNull = true;
      else {
        const v = this.coerce(item, left.value.type);
        values.push(...(this.standsForUnknown(v) ? this.unknownLiterals(v) : [v]));
      }
    }
    return { kind: 'in', operand: left.value, values, includesNull };
  }
}

function propertyType(p: Property): ElementType | { kind: 'collection'; element: ElementType } {
  const element: ElementType = p.complexType
    ? { kind: 'complex', complexType: p.complexType }
    : p.enumType
      ? { kind: 'enum', enumType: p.enumType }
      : { kind: 'primitive', edm: p.type as EdmPrimitive };
  return p.collection ? { kind: 'collection', element } : element;
}

/** Two literals compared: decided here, no SQL needed. */
function evaluate(op: ComparisonNode['op'], a: unknown, b: unknown): boolean {
  const x = a as number | string | boolean;
  const y = b as number | string | boolean;
  switch (op) {
    case 'eq':
      return x === y;
    case 'ne':
      return x !== y;
    case 'gt':
      return x > y;
    case 'ge':
      return x >= y;
    case 'lt':
      return x < y;
    case 'le':
      return x <= y;
  }
}
