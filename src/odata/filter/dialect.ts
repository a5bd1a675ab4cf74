// The few SQL fragments that differ between engines: reading inside JSON, iterating JSON arrays, and
// string tests. Everything user-supplied reaches SQL as a parameter; JSON paths are built from the model's
// property names (never from request text) and are passed as parameters too.
//   SQLite:     JSON stored as text; json_extract / json_each; booleans inside JSON read as 1/0.
//   PostgreSQL: JSON stored as jsonb; #>> / jsonb_array_elements; values read as text and cast.
import { sql, type Expression, type SqlBool } from 'kysely';
import type { ScalarType } from './bound.js';

export interface FilterDialect {
  /** The primitive at `path` inside the JSON document `doc`, as an SQL value comparable with parameters. */
  jsonValue(doc: Expression<unknown>, path: string[], type: ScalarType): Expression<unknown>;
  /** The element a lambda iterates over, as a JSON document (for complex elements). */
  elementDoc(alias: string): Expression<unknown>;
  /** The element a lambda iterates over, as a primitive value (for primitive collections). */
  elementValue(alias: string, type: ScalarType): Expression<unknown>;
  /** EXISTS (an element of the array at `path` in `doc`, named `alias`, satisfying `where`). */
  existsElement(doc: Expression<unknown>, path: string[], alias: string, where?: Expression<SqlBool>): Expression<SqlBool>;
  /** Case folding of every letter (not only ASCII). */
  lower(value: Expression<unknown>): Expression<unknown>;
  upper(value: Expression<unknown>): Expression<unknown>;
  startsWith(subject: Expression<unknown>, prefix: Expression<unknown>): Expression<SqlBool>;
  endsWith(subject: Expression<unknown>, suffix: Expression<unknown>): Expression<SqlBool>;
  contains(subject: Expression<unknown>, part: Expression<unknown>): Expression<SqlBool>;
  /**
   * A string parameter, typed where the engine needs to know (PostgreSQL infers nothing from a bare $1).
   * `bind` is what is bound (the value itself, or a stand-in when a filter's shape is compiled).
   */
  text(value: string, bind?: unknown): Expression<unknown>;
  /** A number parameter. PostgreSQL types a bare $1 after the column it meets (1.5 is no integer). */
  number(value: number, bind?: unknown): Expression<unknown>;
  /** A literal compared with a value read from JSON (see jsonValue), in the form that value has. */
  encodeJsonScalar(type: ScalarType, value: unknown): unknown;
}

const isBoolean = (t: ScalarType) => t.kind === 'primitive' && t.edm === 'Edm.Boolean';
const isNumber = (t: ScalarType) => t.kind === 'primitive' && (t.edm === 'Edm.Int32' || t.edm === 'Edm.Int64' || t.edm === 'Edm.Double');

const sqlitePath = (path: string[]) => '$' + path.map((p) => `.${p}`).join('');

export const sqliteDialect: FilterDialect = {
  jsonValue(doc, path) {
    // json_extract yields SQL values: text, integer/real, 1/0 for booleans, NULL for null or missing.
    return sql`json_extract(${doc}, ${sqlitePath(path)})`;
  },
  elementDoc(alias) {
    return sql.ref(`${alias}.value`);
  },
  elementValue(alias) {
    return sql.ref(`${alias}.value`);
  },
  existsElement(doc, path, alias, where) {
    const p = sqlitePath(path);
    // Only arrays are iterated: json_each over a scalar (or JSON null) would yield that scalar as a member.
    const array = sql`case when json_type(${doc}, ${p}) = 'array' then ${doc} end`;
    return sql<SqlBool>`exists (select 1 from json_each(${array}, ${p}) as ${sql.id(alias)}${where ? sql` where ${where}` : sql``})`;
  },
  // sqlite.ts registers lower/upper that fold every letter (the built-ins fold ASCII only).
  lower(v) {
    return sql`lower(${v})`;
  },
  upper(v) {
    return sql`upper(${v})`;
  },
  // Case-sensitive, like OData's functions (SQLite's LIKE would ignore ASCII case).
  startsWith(s, p) {
    return sql<SqlBool>`(substr(${s}, 1, length(${p})) = ${p})`;
  },
  endsWith(s, p) {
    return sql<SqlBool>`(length(${s}) >= length(${p}) and substr(${s}, length(${s}) - length(${p}) + 1) = ${p})`;
  },
  contains(s, p) {
    return sql<SqlBool>`(instr(${s}, ${p}) > 0)`;
  },
  text(value, bind = value) {
    return sql.val(bind);
  },
  number(value, bind = value) {
    return sql.val(bind);
  },
  encodeJsonScalar(type, value) {
    return isBoolean(type) ? (value ? 1 : 0) : value;
  },
};

/** `#>>` yields text; typed values are cast so that they compare as their type. */
function pgCast(text: Expression<unknown>, type: ScalarType): Expression<unknown> {
  if (isBoolean(type)) return sql`cast(${text} as boolean)`;
  if (isNumber(type)) return sql`cast(${text} as double precision)`;
  return text;
}

export const postgresDialect: FilterDialect = {
  jsonValue(doc, path, type) {
    return pgCast(sql`(${doc} #>> cast(${path} as text[]))`, type);
  },
  elementDoc(alias) {
    return sql.ref(`${alias}.value`);
  },
  elementValue(alias, type) {
    return pgCast(sql`(${sql.ref(`${alias}.value`)} #>> '{}')`, type);
  },
  existsElement(doc, path, alias, where) {
    const at = path.length ? sql`(${doc} #> cast(${path} as text[]))` : doc;
    // jsonb_array_elements raises on a non-array; a null or scalar simply has no elements.
    const array = sql`case when jsonb_typeof(${at}) = 'array' then ${at} end`;
    return sql<SqlBool>`exists (select 1 from jsonb_array_elements(${array}) as ${sql.id(alias)}(value)${where ? sql` where ${where}` : sql``})`;
  },
  // Text columns compare byte-wise (collate "C"), under which lower() folds ASCII only: fold under the
  // database's own collation, then compare byte-wise again.
  lower(v) {
    return sql`(lower(${v} collate "default") collate "C")`;
  },
  upper(v) {
    return sql`(upper(${v} collate "default") collate "C")`;
  },
  startsWith(s, p) {
    return sql<SqlBool>`(left(${s}, length(${p})) = ${p})`;
  },
  endsWith(s, p) {
    return sql<SqlBool>`(right(${s}, length(${p})) = ${p})`;
  },
  contains(s, p) {
    return sql<SqlBool>`(strpos(${s}, ${p}) > 0)`;
  },
  text(value, bind = value) {
    return sql`cast(${bind} as text)`;
  },
  number(value, bind = value) {
    // Integers stay untyped so that an integer column's index serves the comparison; larger integers and
    // fractions are typed, so that PostgreSQL widens the column rather than failing to read the parameter.
    // (compile.ts's literalClass tells these three apart in a filter's shape.)
    if (Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) return sql.val(bind);
    return Number.isSafeInteger(value) ? sql`cast(${bind} as bigint)` : sql`cast(${bind} as double precision)`;
  },
  encodeJsonScalar(_type, value) {
    return value;
  },
};

export function dialectFor(engine: 'sqlite' | 'postgres'): FilterDialect {
  return engine === 'postgres' ? postgresDialect : sqliteDialect;
}
