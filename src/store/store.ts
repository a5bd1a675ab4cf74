// The storage interface the handlers use. Engines (SQLite, PostgreSQL) differ only in their Engine adapter;
// the query code (sql-store.ts) is shared.
import { randomInt } from 'node:crypto';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { ChangeFeed } from './change-log.js';
import type { DeliveryState } from './deliveries.js';
import type { TableDef } from './schema.js';

/** Where rows live: the tenant, and the containing entity's normalised key ('' at the top level). */
export interface Scope {
  tenantId: string;
  parentKey: string;
}

export interface StoredEntity {
  idKey: string;
  /**
   * Starts at a random number when the row is written first and goes up by one with every write, so it
   * identifies the row's state: ETags are made from it, and a re-created row does not reuse its old tags.
   */
  version: number;
  /** Property values in canonical form, every declared property present. */
  values: Record<string, unknown>;
  /**
   * The row's cached wire texts, one per TableDef.wire column (null where none is cached), when the read
   * fetched them (get, getUnder); see handlers/wire-cache.ts.
   */
  wire?: ReadonlyArray<string | null>;
}

/** A page in key order as its rows' cached wire texts (Store.wirePage). */
export interface WirePage {
  /** The rows' texts joined by commas, in page order; null when no row has one. */
  joined: string | null;
  rows: number;
  /** Rows with a cached text: the page is whole only when this equals `rows`. */
  cached: number;
  /** The last row's key (for the next page's position). */
  lastKey?: string;
  /** Whether rows follow the page. */
  more: boolean;
}

/** A wire text to cache for a row as it was at `version` (Store.cacheWire). */
export interface WireText {
  idKey: string;
  version: number;
  text: string;
}

export interface OrderTerm {
  /** Property column name (or 'id_key'). */
  column: string;
  desc: boolean;
  /** False when the column never holds NULL (lets keyset conditions and PostgreSQL orderings skip NULL handling). */
  nullable?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WhereBuilder = ((eb: ExpressionBuilder<any, any>) => Expression<SqlBool>) & { readonly shape?: WhereShape };

/**
 * What lets a store reuse a condition's compiled SQL (a compiled $filter carries one): the SQL text depends
 * only on `key`, the values it binds are `values`. `build` makes the condition with `param(i)` wherever
 * values[i] would be bound, so the store can tell which compiled parameter is which.
 */
export interface WhereShape {
  readonly key: string;
  readonly values: readonly unknown[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  build(eb: ExpressionBuilder<any, any>, param: (i: number) => unknown): Expression<SqlBool>;
}

export interface ListQuery {
  where?: WhereBuilder;
  /** `id_key` is always appended as the final tie-breaker (see listOrder), so the order is total (keyset paging needs it). */
  orderBy: OrderTerm[];
  /** Keyset: the values of the order columns of the last row already returned. */
  after?: unknown[];
  skip?: number;
  limit: number;
  /** Also read each row's cached text in this wire column (an index into TableDef.wire): StoredEntity.wire. */
  wire?: number;
  /**
   * Read only these property columns (storage names; `id` and the order's columns are read anyway): the rows'
   * values hold just them. A `$select` list needs no more, and its other columns are neither read nor decoded.
   */
  columns?: readonly string[];
}

/**
 * The order a list query uses: the requested terms up to the key, then the key (the order must be total).
 * The key follows the direction of the last term, so that `x desc` is exactly the reverse of `x` and one
 * index on (x, key) serves both, read backwards for one of them.
 */
export function listOrder(orderBy: OrderTerm[]): OrderTerm[] {
  const order: OrderTerm[] = [];
  for (const o of orderBy) {
    if (o.column === 'id_key') break;
    order.push(o);
  }
  const key = orderBy.find((o) => o.column === 'id_key');
  order.push({ column: 'id_key', desc: key ? key.desc : (order[order.length - 1]?.desc ?? false), nullable: false });
  return order;
}

/**
 * The version of a newly written row: random (so that delete and re-create do not repeat an ETag), below 2^30
 * so that a billion updates still fit the 32-bit column.
 */
export function newVersion(): number {
  return randomInt(1, 2 ** 30);
}

export class DuplicateKeyError extends Error {}

/**
 * The database cannot answer now (down, restarting, out of connections, over its statement timeout).
 * The HTTP layer turns it into 503 with Retry-After; the engine reconnects by itself when it is back.
 */
export class StoreUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds = 5,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** A row with where it lives: what bulk loads, exports and snapshots move. */
export interface StoredRow extends StoredEntity {
  tenantId: string;
  parentKey: string;
}

/** Which rows a scan visits: all of them, one tenant's, or the children of one entity. */
export interface ScanOptions {
  tenantId?: string;
  /** Only with tenantId. */
  parentKey?: string;
  /** Rows fetched per query (keyset batches, so memory stays bounded whatever the table size). */
  batchSize?: number;
}

export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** Brings the schema up to date (versioned migrations, safe when several processes start at once). */
  init(): Promise<void>;
  /** A value shared by every process on this database (created once, on first use, from `create`). */
  sharedSetting(name: string, create: () => string): Promise<string>;
  insert(table: TableDef, scope: Scope, idKey: string, values: Record<string, unknown>): Promise<StoredEntity>;
  get(table: TableDef, scope: Scope, idKey: string): Promise<StoredEntity | undefined>;
  /**
   * In a store bound to a transaction (transaction()): holds the row until the transaction ends, so that
   * writers depending on it take turns (PostgreSQL `SELECT … FOR UPDATE`; SQLite transactions already take
   * turns). False when the row does not exist.
   */
  lock(table: TableDef, scope: Scope, idKey: string): Promise<boolean>;
  /** Whether the row exists, and its stored `id`: what walking past an ancestor needs (cheaper than get). */
  locate(table: TableDef, scope: Scope, idKey: string): Promise<{ idKey: string; id: string } | undefined>;
  /**
   * An entity and the entity containing it, in one read: `parent` undefined when the container does not exist
   * (in `parentScope`, under `parentKey`), `entity` undefined when it has no child `childKey` in `child`.
   */
  getUnder(
    parent: TableDef,
    parentScope: Scope,
    parentKey: string,
    child: TableDef,
    childKey: string,
    /**
     * A wire column (index into TableDef.wire): when the child has a cached text there, only that is read
     * (StoredEntity.wire), and its values hold just `id` (any other value read throws).
     */
    textOnly?: number,
  ): Promise<{ parent?: { idKey: string; id: string }; entity?: StoredEntity }>;
  list(table: TableDef, scope: Scope, query: ListQuery): Promise<StoredEntity[]>;
  /**
   * A page in key order (after `after`, at most `limit` rows) as the rows' cached texts in wire column `wire`
   * (an index into TableDef.wire), joined by the database: a default page costs one string, not a row each.
   */
  wirePage(table: TableDef, scope: Scope, wire: number, page: { desc: boolean; after?: string; limit: number }): Promise<WirePage>;
  /**
   * Caches rows' wire texts in wire column `wire`, each only while the row is still at the given version;
   * best effort and in the background (a cache: a write that fails or is skipped loses nothing).
   */
  cacheWire(table: TableDef, scope: Scope, wire: number, texts: WireText[]): void;
  count(table: TableDef, scope: Scope, where?: WhereBuilder): Promise<number>;
  /**
   * Writes the given properties; undefined when the row does not exist, or (with `ifVersion`) when it has been
   * written since that version was read: the check and the write are one statement.
   */
  update(table: TableDef, scope: Scope, idKey: string, changes: Record<string, unknown>, ifVersion?: number): Promise<StoredEntity | undefined>;
  /** Deletes the row and everything contained in it; false when it did not exist (or is not at `ifVersion`). */
  delete(table: TableDef, scope: Scope, idKey: string, ifVersion?: number): Promise<boolean>;
  /** The engine's query plan for a list query, one line per step: shows which index serves it. */
  explain(table: TableDef, scope: Scope, query: ListQuery): Promise<string[]>;
  /** A property value as the engine stores it (for keyset positions and filter parameters). */
  encodeColumn(table: TableDef, column: string, value: unknown): unknown;
  /** Every insert, update and delete above is logged here, in the same transaction (delta, notifications). */
  readonly changes: ChangeFeed;
  /** Where change notifications stand: cursors into the change log, retries, leases, dropped batches. */
  readonly deliveries: DeliveryState;
  /** Called after a write that logged changes has committed (in this process), with its tenant. */
  onChange(listener: (tenantId: string) => void): () => void;

  // Bulk and operational access (import/export, snapshot, reset, readiness).
  /** Every matching row in primary-key order, fetched in keyset batches. */
  scan(table: TableDef, opts?: ScanOptions): AsyncIterable<StoredRow>;
  /** Inserts rows as given (version included); DuplicateKeyError if any key exists. */
  insertMany(table: TableDef, rows: StoredRow[]): Promise<void>;
  /**
   * Refreshes the query planner's statistics of these tables (and the change log) after a bulk load. A
   * PostgreSQL table filled by bulk INSERTs has none until autovacuum gets to it, and the planner, guessing a
   * handful of rows, sorts the whole table for every page; with them it walks the index.
   */
  analyze(tables: TableDef[]): Promise<void>;
  /** Which of the given keys already exist in the scope. */
  existingKeys(table: TableDef, scope: Scope, idKeys: string[]): Promise<Set<string>>;
  /** Deletes every row of one tenant (or of all tenants) in every table; returns how many. */
  wipe(tenantId?: string): Promise<number>;
  /** Runs fn on a store bound to one transaction: committed when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  /** Throws when the database cannot be reached (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
