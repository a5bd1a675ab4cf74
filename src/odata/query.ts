// OData system query options for collections and entities, and keyset paging with signed $skiptokens.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../http/errors.js';
import { INCLUDE_UNKNOWN_ENUM_MEMBERS, includesUnknownEnumMembers } from './evolvable-enums.js';
import type { NavigationDecl } from '../model/edm.js';
import type { StructuredType } from '../model/model.js';
import type { TableDef } from '../store/schema.js';
import { listOrder, type ListQuery, type OrderTerm, type Scope, type Store, type StoredEntity, type WhereBuilder } from '../store/store.js';

export interface ListOptions {
  where?: WhereBuilder;
  orderBy: OrderTerm[];
  skip?: number;
  pageSize: number;
  count: boolean;
  select?: string[];
  /** Containment navigations to give inline with each member (`$expand`). */
  expand?: NavigationDecl[];
  after?: unknown[];
  preferenceApplied?: string;
  /** Read each row's cached text in this wire column too (ListQuery.wire). */
  wire?: number;
  /** Read only these property columns (ListQuery.columns). */
  columns?: readonly string[];
  /** Identifies the query (order, filter, search): a $skiptoken is only valid for the query that issued it. */
  signature: string;
}

export interface Page {
  rows: StoredEntity[];
  nextToken?: string;
}

export interface QueryEngineOptions {
  /** Page size when the client asks for none (Graph's common default). */
  defaultPageSize: number;
  /** Largest page a client may ask for with $top or odata.maxpagesize. */
  maxPageSize: number;
  /** Key that signs $skiptokens, so a tampered token is refused. */
  tokenSecret?: Buffer;
}

/** Parses `a=1&$TOP=2` into lower-cased option names; `top` and `$top` are the same option. */
export function parseQueryString(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!raw) return out;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' ')).trim().toLowerCase();
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      throw badRequest(`The query option '${rawName}' is not valid percent-encoding.`);
    }
    if (!name.startsWith('$') && SYSTEM_OPTIONS.has('$' + name)) name = '$' + name;
    if (out.has(name)) throw badRequest(`The query option '${name}' was specified more than once.`);
    out.set(name, value);
  }
  return out;
}

const SYSTEM_OPTIONS = new Set([
  '$select',
  '$filter',
  '$orderby',
  '$top',
  '$skip',
  '$count',
  '$search',
  '$skiptoken',
  '$expand',
  '$format',
  '$deltatoken',
]);

function parseNonNegativeInt(name: string, value: string): number {
  if (!/^\d+$/.test(value.trim())) throw badRequest(`Invalid value '${value}' for query option '${name}': expected a non-negative integer.`);
  const n = Number(value.trim());
  if (!Number.isSafeInteger(n)) throw badRequest(`Invalid value '${value}' for query option '${name}'.`);
  return n;
}

/** Properties that can be ordered on: scalar (non-collection, non-complex) ones. Names match ignoring case. */
function sortableProperty(type: StructuredType, name: string, option: string) {
  const p = type.propertyIgnoringCase(name);
  if (!p) throw badRequest(`Could not find a property named '${name}' on type '${type.qualifiedName}' (in ${option}).`);
  if (p.collection || p.category === 'complex') throw badRequest(`The property '${p.name}' cannot be used in ${option}: it is not a primitive value.`);
  // OData orders enum values by their numeric value; stored as member names they would sort by name instead.
  if (p.category === 'enum') throw badRequest(`Ordering by the enumeration property '${p.name}' is not supported.`);
  return p;
}

/** Options this engine reads; other `$` options are refused rather than silently ignored. */
function checkKnownOptions(q: Map<string, string>, known: ReadonlySet<string>): void {
  for (const name of q.keys()) {
    if (!name.startsWith('$')) continue;
    if (!SYSTEM_OPTIONS.has(name)) throw badRequest(`The query parameter '${name}' is not supported.`);
    if (!known.has(name)) throw badRequest(`The query option '${name}' is not supported on this request.`);
  }
  const format = q.get('$format');
  if (format !== undefined && !/^(json|application\/json)(;.*)?$/i.test(format.trim())) {
    throw badRequest(`The query option '$format' only supports 'json', not '${format}'.`);
  }
}

/**
 * `$expand=customers` (or `*`): the type's navigation properties, named case-insensitively. Options inside an
 * expansion (`customers($top=5)`) and paths through several navigations are refused rather than ignored.
 */
function parseExpand(type: StructuredType, value: string | undefined): NavigationDecl[] | undefined {
  if (value === undefined) return undefined;
  const out: NavigationDecl[] = [];
  for (const raw of value.split(',').map((s) => s.trim())) {
    if (raw === '') throw badRequest(`The query option '$expand' has an empty item: '${value}'.`);
    if (raw === '*') {
      // A view (calendarView) lists only with its own parameters: not part of `*`.
      for (const n of type.navigation) if (!n.view && !out.includes(n)) out.push(n);
      continue;
    }
    if (/[(/]/.test(raw)) throw badRequest(`Expanding '${raw}' is not supported: only navigation property names (or '*') may be expanded.`);
    const nav = type.navigationProperty(raw);
    if (!nav) throw badRequest(`Could not find a navigation property named '${raw}' on type '${type.qualifiedName}' (in $expand).`);
    if (nav.view) throw badRequest(`Expanding '${nav.name}' is not supported: it lists only with its own query parameters.`);
    if (!out.includes(nav)) out.push(nav);
  }
  return out;
}

const LIST_OPTIONS = new Set(['$select', '$filter', '$orderby', '$top', '$skip', '$count', '$search', '$skiptoken', '$format', '$expand']);
const ENTITY_OPTIONS = new Set(['$select', '$format', '$expand']);
/** The delta function: tokens carry the rest of the query, as in Graph. */
const DELTA_OPTIONS = new Set(['$select', '$deltatoken', '$skiptoken', '$format']);

/** A view collection (NavigationDecl.view) selects and orders its members itself; these options page it. */
const VIEW_OPTIONS = new Set(['$select', '$top', '$count', '$skiptoken', '$format']);

export interface ViewOptions {
  select?: string[];
  pageSize: number;
  count: boolean;
  preferenceApplied?: string;
  /** The request's own (non-`$`) query parameters, for the view. */
  parameters: Map<string, string>;
  /** Where the page starts in the view's list (from the $skiptoken). */
  offset: number;
  signature: string;
}

/** `options.unknownEnumMembers`: the request asks for evolvable enums' later members (check.ts BindOptions). */
export type FilterCompiler = (type: StructuredType, table: TableDef, text: string, options?: { unknownEnumMembers?: boolean }) => WhereBuilder;
export type SearchCompiler = (type: StructuredType, table: TableDef, text: string) => WhereBuilder;

export class QueryEngine {
  private secret: Buffer;

  constructor(
    private readonly opts: QueryEngineOptions,
    private readonly compileFilter?: FilterCompiler,
    private readonly compileSearch?: SearchCompiler,
  ) {
    this.secret = opts.tokenSecret ?? randomBytes(32);
  }

  /** Property names (primitive, complex or collection) as declared, whatever case the client used. */
  private select(type: StructuredType, value: string | undefined): string[] | undefined {
    if (value === undefined) return undefined;
    const names = value.split(',').map((s) => s.trim());
    if (names.every((n) => n === '')) throw badRequest("The query option '$select' is empty.");
    if (names.includes('*')) return undefined;
    const out: string[] = [];
    for (const n of names) {
      if (n === '') throw badRequest(`The query option '$select' has an empty item: '${value}'.`);
      const p = type.propertyIgnoringCase(n);
      if (!p) throw badRequest(`Could not find a property named '${n}' on type '${type.qualifiedName}' (in $select).`);
      if (!out.includes(p.name)) out.push(p.name);
    }
    return out;
  }

  entityOptions(type: StructuredType, rawQuery: string): { select?: string[]; expand?: NavigationDecl[] } {
    const q = parseQueryString(rawQuery);
    checkKnownOptions(q, ENTITY_OPTIONS);
    return { select: this.select(type, q.get('$select')), expand: parseExpand(type, q.get('$expand')) };
  }

  /** Options of a `delta` request; `$select` is checked against the type. */
  deltaOptions(type: StructuredType, rawQuery: string): { select?: string[]; deltaToken?: string; skipToken?: string } {
    const q = parseQueryString(rawQuery);
    checkKnownOptions(q, DELTA_OPTIONS);
    return { select: this.select(type, q.get('$select')), deltaToken: q.get('$deltatoken'), skipToken: q.get('$skiptoken') };
  }

  /**
   * `scope`, when given, binds issued $skiptokens to the collection and tenant they page through: a token
   * replayed by another tenant, or on another collection, is refused rather than reinterpreted.
   */
  listOptions(type: StructuredType, table: TableDef, rawQuery: string, headers: Record<string, string | string[] | undefined>, scope?: Scope): ListOptions {
    const q = parseQueryString(rawQuery);
    checkKnownOptions(q, LIST_OPTIONS);
    const opts: ListOptions = { orderBy: [], pageSize: this.opts.defaultPageSize, count: false, signature: '' };
    opts.select = this.select(type, q.get('$select'));
    opts.expand = parseExpand(type, q.get('$expand'));

    const filter = q.get('$filter');
    const search = q.get('$search');
    // The same $filter means other rows with and without the preference: a page token is for one of them.
    const unknownEnumMembers = includesUnknownEnumMembers(headers);
    const conditions: WhereBuilder[] = [];
    if (filter !== undefined) {
      if (!this.compileFilter) throw badRequest("The query option '$filter' is not supported.");
      conditions.push(this.compileFilter(type, table, filter, { unknownEnumMembers }));
    }
    if (search !== undefined) {
      if (!this.compileSearch) throw badRequest("The query option '$search' is not supported.");
      conditions.push(this.compileSearch(type, table, search));
    }
    // A type's own text parameter (`?query=` on businesses): a case-insensitive contains over its properties,
    // compiled as the equivalent $filter so that it takes the same parameterised path.
    const textQuery = type.decl.textQuery;
    const text = textQuery ? q.get(textQuery.name.toLowerCase()) : undefined;
    if (textQuery && text !== undefined) {
      if (!this.compileFilter) throw badRequest(`The query parameter '${textQuery.name}' is not supported.`);
      // Both sides folded by the same SQL function, so that the engines' case rules apply alike to each.
      const literal = `'${text.replace(/'/g, "''")}'`;
      conditions.push(this.compileFilter(type, table, textQuery.properties.map((p) => `contains(tolower(${p}),tolower(${literal}))`).join(' or ')));
    }
    if (conditions.length === 1) opts.where = conditions[0];
    else if (conditions.length > 1) opts.where = (eb) => eb.and(conditions.map((c) => c(eb)));

    const orderby = q.get('$orderby');
    if (orderby !== undefined) {
      for (const term of orderby.split(',')) {
        const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\s+(asc|desc))?\s*$/i.exec(term);
        if (!m) {
          if (/^\s*[A-Za-z_][A-Za-z0-9_]*\//.test(term)) throw badRequest(`Ordering by a property of a complex value ('${term.trim()}') is not supported.`);
          throw badRequest(`Invalid $orderby term '${term.trim()}': expected a property name optionally followed by 'asc' or 'desc'.`);
        }
        const p = sortableProperty(type, m[1]!, '$orderby');
        const column = p.name === 'id' ? 'id_key' : (p.storedAs ?? p.name);
        if (opts.orderBy.some((o) => o.column === column)) throw badRequest(`The property '${p.name}' appears more than once in $orderby.`);
        opts.orderBy.push({ column, desc: m[2]?.toLowerCase() === 'desc', nullable: column !== 'id_key' && p.nullable });
        // The key is unique: nothing after it can change the order (and keyset positions end with it).
        if (column === 'id_key') break;
      }
    }

    const count = q.get('$count');
    if (count !== undefined) {
      if (!/^(true|false)$/i.test(count)) throw badRequest(`Invalid value '${count}' for query option '$count': expected true or false.`);
      opts.count = count.toLowerCase() === 'true';
    }

    // Prefer: odata.maxpagesize=N sets the page size; $top (Graph's page-size semantics) overrides it.
    const preferred = this.preferredPageSize(headers);
    opts.pageSize = preferred.pageSize;
    opts.preferenceApplied = preferred.applied;
    const top = q.get('$top');
    if (top !== undefined) {
      const n = parseNonNegativeInt('$top', top);
      if (n < 1 || n > this.opts.maxPageSize) {
        throw badRequest(`Invalid value '${top}' for query option '$top': expected a value between 1 and ${this.opts.maxPageSize}.`);
      }
      opts.pageSize = n;
      // $top decides the page size, so the preference was not what applied.
      opts.preferenceApplied = undefined;
    }

    opts.signature = JSON.stringify([
      table.name, opts.orderBy, filter ?? null, search ?? null, scope ? [scope.tenantId, scope.parentKey] : null,
      ...(text !== undefined ? [text] : []), ...(filter !== undefined && unknownEnumMembers ? [INCLUDE_UNKNOWN_ENUM_MEMBERS] : []),
    ]);
    const token = q.get('$skiptoken');
    if (token !== undefined) opts.after = this.readToken(token, opts.signature);
    else {
      const skip = q.get('$skip');
      if (skip !== undefined) opts.skip = parseNonNegativeInt('$skip', skip);
    }
    return opts;
  }

  /**
   * Options of a view collection's list. Its $skiptoken holds the position in the view's list, valid only for
   * the same view, scope and parameters.
   */
  viewOptions(type: StructuredType, table: TableDef, rawQuery: string, headers: Record<string, string | string[] | undefined>, scope: Scope): ViewOptions {
    const q = parseQueryString(rawQuery);
    checkKnownOptions(q, VIEW_OPTIONS);
    const parameters = new Map([...q].filter(([name]) => !name.startsWith('$')));
    const preferred = this.preferredPageSize(headers);
    const opts: ViewOptions = { select: this.select(type, q.get('$select')), pageSize: preferred.pageSize, preferenceApplied: preferred.applied, count: false, parameters, offset: 0, signature: '' };
    const top = q.get('$top');
    if (top !== undefined) {
      const n = parseNonNegativeInt('$top', top);
      if (n < 1 || n > this.opts.maxPageSize) throw badRequest(`Invalid value '${top}' for query option '$top': expected a value between 1 and ${this.opts.maxPageSize}.`);
      opts.pageSize = n;
      opts.preferenceApplied = undefined;
    }
    const count = q.get('$count');
    if (count !== undefined) {
      if (!/^(true|false)$/i.test(count)) throw badRequest(`Invalid value '${count}' for query option '$count': expected true or false.`);
      opts.count = count.toLowerCase() === 'true';
    }
    opts.signature = JSON.stringify(['view', table.name, scope.tenantId, scope.parentKey, [...parameters].sort()]);
    const token = q.get('$skiptoken');
    if (token !== undefined) {
      const data = this.open('view', token) as { o?: unknown; s?: unknown } | undefined;
      if (!data || typeof data.o !== 'number' || !Number.isSafeInteger(data.o) || data.o < 0 || data.s !== this.mac(opts.signature)) {
        throw badRequest("The '$skiptoken' is not valid: it was altered, or it belongs to a different query.");
      }
      opts.offset = data.o;
    }
    return opts;
  }

  /** The $skiptoken of a view's next page, starting at `offset`. */
  viewToken(offset: number, signature: string): string {
    return this.seal('view', { o: offset, s: this.mac(signature) });
  }

  /** The page size a request asks for with `Prefer: odata.maxpagesize=N` (clamped), else the default. */
  preferredPageSize(headers: Record<string, string | string[] | undefined>): { pageSize: number; applied?: string } {
    const prefer = headers['prefer'];
    const preferText = Array.isArray(prefer) ? prefer.join(',') : prefer ?? '';
    const maxPage = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(preferText);
    if (!maxPage) return { pageSize: this.opts.defaultPageSize };
    const n = Math.min(Math.max(Number(maxPage[1]), 1), this.opts.maxPageSize);
    return { pageSize: n, applied: `odata.maxpagesize=${n}` };
  }

  /**
   * A signed, opaque token carrying `data` for one purpose (delta's `$deltatoken` and `$skiptoken`): the client
   * can neither alter it nor present it where another kind of token is expected.
   */
  seal(purpose: string, data: unknown): string {
    const payload = Buffer.from(JSON.stringify({ p: purpose, d: data })).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The data `seal` put in a token for `purpose`; undefined when the token was altered or made for another purpose. */
  open(purpose: string, token: string): unknown {
    const dot = token.lastIndexOf('.');
    if (dot < 0) return undefined;
    const payload = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(payload));
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    try {
      const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { p?: unknown; d?: unknown };
      return parsed.p === purpose ? parsed.d : undefined;
    } catch {
      return undefined;
    }
  }

  async page(store: Store, table: TableDef, scope: Scope, opts: ListOptions): Promise<Page> {
    const q: ListQuery = { where: opts.where, orderBy: opts.orderBy, after: opts.after, skip: opts.skip, limit: opts.pageSize + 1, wire: opts.wire, columns: opts.columns };
    const rows = await store.list(table, scope, q);
    if (rows.length <= opts.pageSize) return { rows };
    rows.length = opts.pageSize;
    const lastRow = rows[rows.length - 1]!;
    const lastValues = listOrder(opts.orderBy).map((o) => (o.column === 'id_key' ? lastRow.idKey : store.encodeColumn(table, o.column, lastRow.values[o.column])));
    return { rows, nextToken: this.writeToken(lastValues, opts.signature) };
  }

  nextLink(requestUrl: string, token: string): string {
    const [base, query = ''] = requestUrl.split('?', 2) as [string, string?];
    const kept = query
      .split('&')
      .filter((p) => p && !/^\$?(skiptoken|skip)=/i.test(decodeURIComponentSafe(p)));
    kept.push(`$skiptoken=${token}`);
    return `${base}?${kept.join('&')}`;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url').slice(0, 22);
  }

  /** The $skiptoken of the page after the row at keyset position `after`, for the query of `signature`. */
  pageToken(after: unknown[], signature: string): string {
    return this.writeToken(after, signature);
  }

  /** MACs of query signatures: one per collection and query, asked for by every page of it. */
  private signatureMacs = new Map<string, string>();
  private signatureMac(signature: string): string {
    let mac = this.signatureMacs.get(signature);
    if (mac === undefined) {
      if (this.signatureMacs.size >= 1000) this.signatureMacs.clear();
      this.signatureMacs.set(signature, (mac = this.mac(signature)));
    }
    return mac;
  }

  private writeToken(after: unknown[], signature: string): string {
    const payload = Buffer.from(JSON.stringify({ a: after, s: this.signatureMac(signature) })).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  private readToken(token: string, signature: string): unknown[] {
    const invalid = () => badRequest("The '$skiptoken' is not valid: it was altered, or it belongs to a different query.");
    const dot = token.lastIndexOf('.');
    if (dot < 0) throw invalid();
    const payload = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(payload));
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) throw invalid();
    let parsed: { a?: unknown; s?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    if (!Array.isArray(parsed.a) || parsed.s !== this.signatureMac(signature)) throw invalid();
    return parsed.a;
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
