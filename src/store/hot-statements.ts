// The statements every request runs (get by key, walking past an ancestor, a parent and its child in one read,
// a page in key order, an insert and its change-log row), written once per table as SQL text. Building and
// compiling them with Kysely on every request cost about a tenth of a GET's CPU; values are bound
// parameters, so the text never varies. Everything else (filters, other orders, updates) still goes through
// Kysely. Columns come back in a fixed order: [id_key, version, ...property columns].
import { CHANGE_LOG_TABLE } from './change-log.js';
import type { TableDef } from './schema.js';

export interface TableStatements {
  /** Columns an entity is read with, in order. */
  readonly columns: readonly string[];
  /** Params: tenant, parent key, id key. Returns the entity's columns, then its wire-cache texts (TableDef.wire). */
  readonly get: string;
  /** [id_key, id]. Params: tenant, parent key, id key. */
  readonly locate: string;
  /** Page in key order (no condition). Params: tenant, parent key, limit. */
  readonly pageAsc: string;
  readonly pageDesc: string;
  /** The same, after a key. Params: tenant, parent key, after key, limit. */
  readonly pageAscAfter: string;
  readonly pageDescAfter: string;
  /** Params: tenant, parent key, id key, version, ...property columns. Returns the entity's columns. */
  readonly insert: string;
  /**
   * Per wire-cache column (TableDef.wire, same order): a page in key order as its rows' cached texts, joined
   * in SQL so that the page reaches JavaScript as one string: [joined texts (null when none), rows, rows with a
   * text, last key, whether rows follow]. Params: tenant, parent key, [after key,] limit, tenant, parent key.
   */
  readonly wirePages: ReadonlyArray<{ asc: string; desc: string; ascAfter: string; descAfter: string }>;
}

export interface ChildStatement {
  /**
   * The parent row and the child under it, in one read: [parent id_key, parent id, ...child columns, ...child
   * wire-cache texts (all null when there is no such child)]; no row when the parent does not exist.
   * Params: child id key, tenant, parent's parent key, parent id key.
   */
  readonly sql: string;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** `?` for SQLite, `$1…` for PostgreSQL, numbered in the order they are written. */
type Placeholders = () => string;
function placeholders(engine: 'sqlite' | 'postgres'): Placeholders {
  let n = 0;
  return engine === 'sqlite' ? () => '?' : () => `$${++n}`;
}

export function tableStatements(t: TableDef, engine: 'sqlite' | 'postgres'): TableStatements {
  const columns = ['id_key', 'version', ...t.columns.map((c) => c.name)];
  const select = columns.map(q).join(', ');
  const at = (p: Placeholders) => `${q('tenant_id')} = ${p()} and ${q('parent_key')} = ${p()}`;
  const keyed = (what: string) => {
    const p = placeholders(engine);
    return `select ${what} from ${q(t.name)} where ${at(p)} and ${q('id_key')} = ${p()}`;
  };
  const page = (desc: boolean, after: boolean) => {
    const p = placeholders(engine);
    // Placeholders are numbered as they are made: in the order they appear.
    const scope = at(p);
    const cond = after ? ` and ${q('id_key')} ${desc ? '<' : '>'} ${p()}` : '';
    return `select ${select} from ${q(t.name)} where ${scope}${cond} order by ${q('id_key')} ${desc ? 'desc' : 'asc'} limit ${p()}`;
  };
  const wirePage = (column: string, desc: boolean, after: boolean) => {
    const p = placeholders(engine);
    const scope = at(p);
    const cond = after ? ` and ${q('id_key')} ${desc ? '<' : '>'} ${p()}` : '';
    const dir = desc ? 'desc' : 'asc';
    const inner = `select ${q('id_key')} as k, ${q(column)} as w from ${q(t.name)} where ${scope}${cond} order by ${q('id_key')} ${dir} limit ${p()}`;
    // SQLite's group_concat takes the rows in the order the ordered subquery yields them (an ORDER BY inside the
    // aggregate would sort them again; test/wire-cache.test.ts walks both orders); PostgreSQL is told the order.
    const joined = engine === 'sqlite' ? `group_concat(w, ',')` : `string_agg(w, ',' order by k ${dir})`;
    // Whether rows follow the page, in the same statement (one read transaction, not two): the next key, walked
    // to along the primary key. Not EXISTS: PostgreSQL plans that as a semi-join, and its generic plan for a
    // prepared statement is then a sequential scan that stops at the first match; after the last page there
    // is none, and every row is read.
    const more = `(select n.${q('id_key')} from ${q(t.name)} n where n.${q('tenant_id')} = ${p()} and n.${q('parent_key')} = ${p()} and n.${q('id_key')} ${desc ? '<' : '>'} agg.last order by n.${q('id_key')} ${dir} limit 1) is not null`;
    return `with agg as (select ${joined} as j, count(*) as n, count(w) as c, ${desc ? 'min' : 'max'}(k) as last from (${inner}) page) select j, n, c, last, ${more} from agg`;
  };
  const withWire = [select, ...t.wire.map((w) => q(w.column))].join(', ');
  const p = placeholders(engine);
  const insertColumns = ['tenant_id', 'parent_key', 'id_key', 'version', ...t.columns.map((c) => c.name)];
  const insert =
    `insert into ${q(t.name)} (${insertColumns.map(q).join(', ')}) values (${insertColumns.map(() => p()).join(', ')}) ` +
    `returning ${select}`;
  return {
    columns,
    get: keyed(withWire),
    locate: keyed(`${q('id_key')}, ${q('id')}`),
    pageAsc: page(false, false),
    pageDesc: page(true, false),
    pageAscAfter: page(false, true),
    pageDescAfter: page(true, true),
    insert,
    wirePages: t.wire.map((w) => ({
      asc: wirePage(w.column, false, false),
      desc: wirePage(w.column, true, false),
      ascAfter: wirePage(w.column, false, true),
      descAfter: wirePage(w.column, true, true),
    })),
  };
}

/**
 * With `textOnly` (a wire column): [parent id_key, parent id, child id_key, version, ...columns, text], the
 * columns other than `id` null unless the text is: a cached entity is answered from its text alone, so its
 * values are neither read from the row nor decoded.
 */
export function childStatement(parent: TableDef, child: TableDef, engine: 'sqlite' | 'postgres', textOnly?: string): ChildStatement {
  const p = placeholders(engine);
  const cols = textOnly
    ? [
        `c.${q('id_key')}`,
        `c.${q('version')}`,
        ...child.columns.map((col) => (col.name === 'id' ? `c.${q('id')}` : `case when c.${q(textOnly)} is null then c.${q(col.name)} end`)),
        `c.${q(textOnly)}`,
      ].join(', ')
    : ['id_key', 'version', ...child.columns.map((c) => c.name), ...child.wire.map((w) => w.column)].map((c) => `c.${q(c)}`).join(', ');
  return {
    sql:
      `select p.${q('id_key')} as ${q('parent__id_key')}, p.${q('id')} as ${q('parent__id')}, ${cols} from ${q(parent.name)} p left join ${q(child.name)} c ` +
      `on c.${q('tenant_id')} = p.${q('tenant_id')} and c.${q('parent_key')} = p.${q('id_key')} and c.${q('id_key')} = ${p()} ` +
      `where p.${q('tenant_id')} = ${p()} and p.${q('parent_key')} = ${p()} and p.${q('id_key')} = ${p()}`,
  };
}

/** One change-log row. Params: tenant, table, parent key, id key, entity id, kind, at. */
export function changeLogInsert(engine: 'sqlite' | 'postgres'): string {
  const p = placeholders(engine);
  const cols = ['tenant_id', 'table_name', 'parent_key', 'id_key', 'entity_id', 'kind', 'at'];
  return `insert into ${q(CHANGE_LOG_TABLE)} (${cols.map(q).join(', ')}) values (${cols.map(() => p()).join(', ')})`;
}

/** Parameters per row of loggedInsertMany: parent key, id key, version, ...property columns, entity id. */
export const loggedInsertParams = (t: TableDef) => 4 + t.columns.length;

/**
 * PostgreSQL: `rows` creates of one tenant in one statement (group commit: one transaction, one WAL flush for
 * all of them), each with its change-log row. The tenant's change-log lock (Engine.serializeChangeLog's) is
 * taken before any change-log row is written (the rows join it) and held until the statement's own transaction
 * commits, so a tenant's change-log seqs still commit in order. A row whose key exists already is skipped (`on conflict do nothing`) and left out of what comes back, so that it
 * fails alone while the others are stored; it gets no change-log row.
 * Params: tenant, table name, at, then per row: parent key, id key, version, ...property columns, entity id.
 * Returns [parent_key, id_key, version, ...property columns] per stored row.
 */
export function loggedInsertMany(t: TableDef, rows: number, lockExpression: (tenantPlaceholder: string) => string): string {
  const p = placeholders('postgres');
  const tenant = p();
  const tableName = p();
  const at = p();
  const insertColumns = ['tenant_id', 'parent_key', 'id_key', 'version', ...t.columns.map((c) => c.name)];
  const values: string[] = [];
  const entities: string[] = [];
  for (let i = 0; i < rows; i++) {
    const parent = p();
    const key = p();
    const rest = ['version', ...t.columns].map(() => p());
    values.push(`(${[tenant, parent, key, ...rest].join(', ')})`);
    entities.push(`(${parent}::text, ${key}::text, ${p()}::text)`);
  }
  const returning = ['parent_key', 'id_key', 'version', ...t.columns.map((c) => c.name)].map(q).join(', ');
  const logColumns = ['tenant_id', 'table_name', 'parent_key', 'id_key', 'entity_id', 'kind', 'at'].map(q).join(', ');
  return (
    `with lk as (select ${lockExpression(tenant)} as locked), ` +
    `ins as (insert into ${q(t.name)} (${insertColumns.map(q).join(', ')}) values ${values.join(', ')} on conflict do nothing returning ${returning}), ` +
    `lg as (insert into ${q(CHANGE_LOG_TABLE)} (${logColumns}) ` +
    `select ${tenant}, ${tableName}::text, ins.${q('parent_key')}, ins.${q('id_key')}, e.entity_id, 'created', ${at}::bigint ` +
    `from ins join (values ${entities.join(', ')}) as e (parent_key, id_key, entity_id) ` +
    `on e.parent_key = ins.${q('parent_key')} and e.id_key = ins.${q('id_key')} cross join lk) ` +
    `select ${returning} from ins`
  );
}

const wireUpdates = new Map<string, string>();

/**
 * Caches wire texts (Store.cacheWire) for `rows` rows of one scope, each only while the row is at the version
 * it was read at and has none yet. SQLite: one row, params text, tenant, parent key, id key, version.
 * PostgreSQL: params tenant, parent key, then per row id key, version, text.
 */
export function wireUpdate(t: TableDef, column: string, rows: number, engine: 'sqlite' | 'postgres'): string {
  const key = `${t.name}\0${column}\0${rows}\0${engine}`;
  let text = wireUpdates.get(key);
  if (text) return text;
  if (engine === 'sqlite') {
    text =
      `update ${q(t.name)} set ${q(column)} = ? where ${q('tenant_id')} = ? and ${q('parent_key')} = ? and ${q('id_key')} = ? ` +
      `and ${q('version')} = ? and ${q(column)} is null`;
  } else {
    const p = placeholders('postgres');
    const tenant = p();
    const parent = p();
    const values = Array.from({ length: rows }, () => `(${p()}::text, ${p()}::bigint, ${p()}::text)`).join(', ');
    text =
      `update ${q(t.name)} as t set ${q(column)} = v.w from (values ${values}) as v (k, ver, w) ` +
      `where t.${q('tenant_id')} = ${tenant} and t.${q('parent_key')} = ${parent} and t.${q('id_key')} = v.k ` +
      `and t.${q('version')} = v.ver and t.${q(column)} is null`;
  }
  wireUpdates.set(key, text);
  return text;
}
