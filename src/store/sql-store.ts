// The one query code behind every engine: Kysely builds parameterised SQL from the derived schema.
import {
  CompiledQuery,
  sql,
  type CreateTableBuilder,
  type Kysely,
  type ColumnDataType,
  type Expression,
  type SqlBool,
  type ExpressionBuilder,
} from 'kysely';
import { appendChanges, CHANGE_LOG_TABLE, SqlChangeFeed, type ChangeRecord } from './change-log.js';
import { CURSOR_TABLE, SqlDeliveryState } from './deliveries.js';
import { migrate, SETTINGS_TABLE, type ExistingColumns } from './migrations.js';
import {
  DuplicateKeyError,
  listOrder,
  newVersion,
  StoreUnavailableError,
  type ListQuery,
  type OrderTerm,
  type ScanOptions,
  type Scope,
  type Store,
  type StoredEntity,
  type StoredRow,
  type WhereBuilder,
  type WirePage,
  type WireText,
} from './store.js';
import { StatisticsKeeper } from './planner-statistics.js';
import { checkWireFingerprint } from './wire-fingerprint.js';
import { StorageSchema, SYSTEM_COLUMNS, type ColumnDef, type ColumnKind, type TableDef } from './schema.js';
import { ListStatementCache } from './list-statements.js';
import { changeLogInsert, childStatement, loggedInsertMany, loggedInsertParams, tableStatements, wireUpdate, type ChildStatement, type TableStatements } from './hot-statements.js';

/**
 * Synchronous access to an embedded database (better-sqlite3), for the hot statements: no promise, no query
 * builder, rows as arrays. Only while no transaction holds the connection (`ready()`): a statement run then
 * cannot see another request's uncommitted writes nor join its transaction; otherwise it waits its turn
 * through Kysely like any other.
 */
export interface DirectSql {
  ready(): boolean;
  /** False once the database is closed. */
  open(): boolean;
  /** Rows as arrays of column values, in the statement's column order. */
  all(sql: string, params: unknown[]): unknown[][];
  /**
   * Runs fn in one transaction (BEGIN … COMMIT, ROLLBACK when it throws), now. With `wait: false`, a write
   * lock held by another process fails it at once instead of waiting for it.
   */
  transaction<T>(fn: () => T, opts?: { wait?: boolean }): T;
}

/** What differs between SQL engines: column types, value encoding, errors, locking. */
export interface Engine {
  readonly name: 'sqlite' | 'postgres';
  columnType(kind: ColumnKind): ColumnDataType | Expression<unknown>;
  /** SQLite sorts NULLs first ascending by itself; PostgreSQL must be told (in ORDER BY and in indexes). */
  readonly nullsFirstNative: boolean;
  encode(kind: ColumnKind, value: unknown): unknown;
  decode(kind: ColumnKind, raw: unknown): unknown;
  isDuplicateKey(err: unknown): boolean;
  /** Why the database cannot answer now (connection lost, shutting down, timed out), or undefined for other errors. */
  unavailable(err: unknown): string | undefined;
  /** Runs `fn` in one transaction holding the schema lock, so that concurrent starters queue up. */
  withSchemaLock<T>(db: Kysely<any>, fn: (trx: Kysely<any>) => Promise<T>): Promise<T>;
  /** Tables and their columns in the store's own schema. */
  existingColumns(db: Kysely<any>): Promise<ExistingColumns>;
  /**
   * Adds the change log's sequence column (change-log.ts): a 64-bit integer primary key that the database
   * assigns on insert, always increasing and never reused, also after the highest rows were pruned.
   * SQLite: `integer primary key autoincrement` (a plain rowid may reuse a deleted maximum).
   * PostgreSQL: `bigint generated always as identity primary key` (or `bigserial primary key`); its values
   * arrive as strings from pg, which the change-log code converts with Number().
   */
  addSequenceColumn(table: CreateTableBuilder<any, any>, column: string): CreateTableBuilder<any, any>;
  /**
   * Called in every writing transaction just before it appends to the change log. Readers (delta, the
   * notification dispatcher) remember the highest seq they have seen for a tenant, so for one tenant a higher
   * seq must never commit before a lower one. SQLite has one writer at a time: nothing to do. PostgreSQL must
   * serialise appends per tenant until commit, e.g.
   * `select pg_advisory_xact_lock(hashtext('clientele:changes:' || $tenantId))`.
   */
  serializeChangeLog(trx: Kysely<any>, tenantId: string): Promise<void>;
  /**
   * PostgreSQL: runs a hot statement or a list query outside any transaction, as a prepared statement on a
   * pooled connection, rows as arrays of column values.
   */
  query?(sqlText: string, params: unknown[]): Promise<unknown[][]>;
  /** The embedded engine's synchronous access (see DirectSql); absent on PostgreSQL. */
  readonly direct?: DirectSql;
  /**
   * PostgreSQL: the SQL expression that takes serializeChangeLog's lock for the tenant in the given placeholder,
   * so that creates can be one statement (loggedInsertMany in hot-statements.ts).
   */
  changeLogLockExpression?(tenantPlaceholder: string): string;
  close?(): Promise<void>;
}

type Row = Record<string, unknown>;

interface PendingInsert {
  t: TableDef;
  params: unknown[];
  change: ChangeRecord;
  resolve(entity: StoredEntity): void;
  reject(err: unknown): void;
}
/** A PostgreSQL create waiting for its group commit; `row` is its part of loggedInsertMany's parameters. */
interface GroupedInsert {
  t: TableDef;
  scope: Scope;
  idKey: string;
  values: Record<string, unknown>;
  row: unknown[];
  resolve(entity: StoredEntity): void;
  reject(err: unknown): void;
}
/** Rows per group statement, and PostgreSQL's bound on parameters per statement (65 535) with room to spare. */
const GROUP_ROWS = 100;
const GROUP_PARAMS = 60_000;
const SAVEPOINT = 'savepoint clientele_insert';
const RELEASE = 'release clientele_insert';
const ROLLBACK_TO = 'rollback to clientele_insert';

/** Every table's primary key, in order: scans walk it. */
const PRIMARY_KEY = ['tenant_id', 'parent_key', 'id_key'];

export class SqlStore implements Store {
  readonly changes: SqlChangeFeed;
  readonly deliveries: SqlDeliveryState;
  private listeners = new Set<(tenantId: string) => void>();

  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    readonly db: Kysely<any>,
    private readonly eng: Engine,
    readonly schema: StorageSchema,
    /** For a store bound to a transaction: the tenants its writes logged changes for (announced after commit). */
    private readonly touched?: Set<string>,
    /** For a store bound to a transaction: rows it inserted per table (for planner statistics after commit). */
    private readonly inserted?: Map<string, number>,
  ) {
    this.changes = new SqlChangeFeed(db, CURSOR_TABLE);
    this.deliveries = new SqlDeliveryState(db);
    if (eng.name === 'postgres' && !db.isTransaction) {
      this.statistics = new StatisticsKeeper(
        async (table) => {
          const { rows } = await sql<{ n: number }>`select reltuples::float8 as n from pg_class where oid = to_regclass(${`"${table.replace(/"/g, '""')}"`})`.execute(db);
          return Number(rows[0]?.n ?? -1);
        },
        (tables) => this.analyzeTables(tables),
      );
    }
  }

  /** PostgreSQL: analyses tables that bulk writes left with stale planner statistics (planner-statistics.ts). */
  private readonly statistics?: StatisticsKeeper;

  /** Rows inserted: counted for the transaction's commit, or (outside one) handed to the statistics now. */
  private async insertedRows(t: TableDef, n: number): Promise<void> {
    if (this.inserted) this.inserted.set(t.name, (this.inserted.get(t.name) ?? 0) + n);
    else if (!this.db.isTransaction) await this.keepStatistics(new Map([[t.name, n]]));
  }

  /** After a commit: statistics are an optimisation, so a failure here does not fail the write that committed. */
  private async keepStatistics(inserted: ReadonlyMap<string, number>): Promise<void> {
    if (!this.statistics || inserted.size === 0) return;
    try {
      await this.statistics.written(inserted);
    } catch {
      // Autovacuum analyses the table later.
    }
  }

  onChange(listener: (tenantId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(tenantId: string): void {
    for (const l of this.listeners) l(tenantId);
  }

  /** Runs `write` and appends what it reports to the change log, in one transaction. */
  private async logged<T>(write: (trx: Kysely<any>, log: ChangeRecord[]) => Promise<T>): Promise<T> {
    const log: ChangeRecord[] = [];
    const run = async (trx: Kysely<any>) => {
      const r = await write(trx, log);
      await appendChanges(trx, this.eng, log);
      return r;
    };
    // A store bound to a transaction (transaction()) joins it; its outer owner commits.
    if (this.db.isTransaction) {
      const result = await run(this.db);
      for (const c of log) this.touched?.add(c.tenantId);
      return result;
    }
    const result = await this.guard(() => this.db.transaction().execute(run));
    for (const tenantId of new Set(log.map((c) => c.tenantId))) this.changed(tenantId);
    return result;
  }

  get engine() {
    return this.eng.name;
  }

  /**
   * SQLite sorts NULLs first ascending and last descending; PostgreSQL does the opposite unless told.
   * Keyset positions (keysetAfter) assume SQLite's order, so PostgreSQL orderings say it explicitly.
   */
  private get explicitNulls(): boolean {
    return !this.eng.nullsFirstNative;
  }

  /** Applies the schema steps this database has not seen yet (see migrations.ts). */
  async init(): Promise<void> {
    await this.guard(() => migrate(this.db, this.eng, this.schema));
    const cleared = await this.guard(() => checkWireFingerprint(this.db, this.schema));
    // Emptying the texts read every row through SQLite's page cache: give that memory back (idle RSS).
    if (cleared && this.eng.name === 'sqlite') await sql`pragma shrink_memory`.execute(this.db);
  }

  async sharedSetting(name: string, create: () => string): Promise<string> {
    return this.guard(async () => {
      // Whoever inserts first wins; everyone reads the winner.
      await this.db
        .insertInto(SETTINGS_TABLE)
        .values({ name, value: create() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const row = await this.db.selectFrom(SETTINGS_TABLE).select('value').where('name', '=', name).executeTakeFirstOrThrow();
      return row.value as string;
    });
  }

  /** Connection failures become StoreUnavailableError (503 + Retry-After); everything else passes through. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const why = this.eng.unavailable(err);
      if (why !== undefined) throw new StoreUnavailableError(why, 5, { cause: err });
      throw err;
    }
  }

  private encodeValues(t: TableDef, values: Record<string, unknown>): Row {
    const row: Row = {};
    for (const [name, v] of Object.entries(values)) {
      const col = t.columnByProperty.get(name);
      if (col) row[name] = v === null || v === undefined ? null : this.eng.encode(col.kind, v);
    }
    return row;
  }

  private readonly columnsOf = new WeakMap<TableDef, string[]>();

  /** What an entity is read with: its key, version and property columns (the scope columns are known already). */
  private entityColumns(t: TableDef): string[] {
    let cols = this.columnsOf.get(t);
    if (!cols) this.columnsOf.set(t, (cols = ['id_key', 'version', ...t.columns.map((c) => c.name)]));
    return cols;
  }

  private toEntity(t: TableDef, row: Row): StoredEntity {
    const values: Record<string, unknown> = {};
    for (const col of t.columns) {
      const raw = row[col.name];
      values[col.name] = raw === null || raw === undefined ? emptyValue(col) : this.eng.decode(col.kind, raw);
    }
    return { idKey: row.id_key as string, version: Number(row.version), values };
  }

  // Weak: column subsets (list()) come and go.
  private readonly statements = new WeakMap<TableDef, TableStatements>();
  private readonly childStatements = new Map<TableDef, Map<TableDef | string, ChildStatement>>();
  private changeLogSql?: string;

  private hot(t: TableDef): TableStatements {
    let s = this.statements.get(t);
    if (!s) this.statements.set(t, (s = tableStatements(t, this.eng.name)));
    return s;
  }

  /** Rows of a hot statement as arrays: now on the embedded engine when it is free, else through Kysely. */
  private async rowsOf(sqlText: string, params: unknown[]): Promise<unknown[][]> {
    const direct = this.eng.direct;
    if (direct && !this.db.isTransaction && direct.ready()) {
      try {
        return direct.all(sqlText, params);
      } catch (err) {
        return this.guard(() => Promise.reject(err));
      }
    }
    const query = this.eng.query;
    if (query && !this.db.isTransaction) return this.guard(() => query(sqlText, params));
    const res = await this.guard(() => this.db.executeQuery<Row>(CompiledQuery.raw(sqlText, params)));
    return res.rows.map((r) => Object.values(r));
  }

  /**
   * An entity from a hot statement's row, its columns starting at `offset` ([id_key, version, ...columns], then
   * the wire-cache texts when `withWire`).
   */
  private entityFromArray(t: TableDef, row: unknown[], offset = 0, withWire = false): StoredEntity {
    const values: Record<string, unknown> = {};
    const cols = t.columns;
    for (let i = 0; i < cols.length; i++) {
      const col = cols[i]!;
      const raw = row[offset + 2 + i];
      values[col.name] = raw === null || raw === undefined ? emptyValue(col) : this.eng.decode(col.kind, raw);
    }
    const entity: StoredEntity = { idKey: row[offset] as string, version: Number(row[offset + 1]), values };
    if (withWire) {
      const from = offset + 2 + cols.length;
      entity.wire = t.wire.map((_, i) => (row[from + i] as string | null | undefined) ?? null);
    }
    return entity;
  }

  private scoped(eb: ExpressionBuilder<any, any>, scope: Scope): Expression<SqlBool> {
    return eb.and([eb('tenant_id', '=', scope.tenantId), eb('parent_key', '=', scope.parentKey)]);
  }

  encodeColumn(t: TableDef, column: string, value: unknown): unknown {
    const col = t.columnByProperty.get(column);
    return value === null || value === undefined || !col ? (value ?? null) : this.eng.encode(col.kind, value);
  }

  async insert(t: TableDef, scope: Scope, idKey: string, values: Record<string, unknown>): Promise<StoredEntity> {
    if (this.eng.direct && !this.db.isTransaction) return this.insertNow(t, scope, idKey, values);
    if (this.eng.changeLogLockExpression && !this.db.isTransaction && this.oneStatementInserts) return this.insertGrouped(t, scope, idKey, values);
    const row = { tenant_id: scope.tenantId, parent_key: scope.parentKey, id_key: idKey, version: newVersion(), ...this.encodeValues(t, values) };
    try {
      // Read back as stored: engines differ in what they return for JSON and 64-bit columns.
      const stored = await this.logged(async (trx, log) => {
        const inserted = await trx.insertInto(t.name).values(row).returningAll().executeTakeFirstOrThrow();
        log.push(this.change(t, scope.tenantId, scope.parentKey, idKey, values.id, 'created'));
        return inserted;
      });
      if (this.inserted) await this.insertedRows(t, 1);
      return this.toEntity(t, stored);
    } catch (err) {
      if (this.eng.isDuplicateKey(err)) throw new DuplicateKeyError(idKey);
      throw err;
    }
  }

  /** Off once the database refused the one-statement create as unsupported (a PostgreSQL-compatible engine). */
  private oneStatementInserts = true;
  /** PostgreSQL: creates waiting for their tenant's next group commit, and the tenants with one queued or running. */
  private readonly groupQueues = new Map<string, GroupedInsert[]>();
  private readonly groupBusy = new Set<string>();
  private readonly groupStatements = new Map<TableDef, Map<number, string>>();

  /**
   * PostgreSQL's group commit: a tenant's creates are written by one statement per table (loggedInsertMany),
   * its own transaction, each acknowledged once that statement has committed. One group runs at a time per
   * tenant (they would queue on the tenant's change-log lock anyway); what arrives meanwhile goes with the
   * next, so under load one commit, and one WAL flush, carries many rows instead of each waiting for the
   * previous one's.
   */
  private insertGrouped(t: TableDef, scope: Scope, idKey: string, values: Record<string, unknown>): Promise<StoredEntity> {
    const row: unknown[] = [scope.parentKey, idKey, newVersion()];
    for (const col of t.columns) {
      const v = values[col.name];
      row.push(v === null || v === undefined ? null : this.eng.encode(col.kind, v));
    }
    row.push(this.change(t, scope.tenantId, scope.parentKey, idKey, values.id, 'created').id);
    return new Promise((resolve, reject) => {
      const tenant = scope.tenantId;
      let queue = this.groupQueues.get(tenant);
      if (!queue) this.groupQueues.set(tenant, (queue = []));
      queue.push({ t, scope, idKey, values, row, resolve, reject });
      if (!this.groupBusy.has(tenant)) {
        this.groupBusy.add(tenant);
        setImmediate(() => void this.flushGroup(tenant));
      }
    });
  }

  private async flushGroup(tenant: string): Promise<void> {
    const batch = this.groupQueues.get(tenant) ?? [];
    this.groupQueues.delete(tenant);
    const byTable = new Map<TableDef, GroupedInsert[]>();
    for (const item of batch) (byTable.get(item.t) ?? byTable.set(item.t, []).get(item.t)!).push(item);
    const later: GroupedInsert[] = [];
    const chunks: Array<[TableDef, GroupedInsert[]]> = [];
    for (const [t, items] of byTable) {
      const max = Math.max(1, Math.min(GROUP_ROWS, Math.floor(GROUP_PARAMS / loggedInsertParams(t))));
      let chunk: GroupedInsert[] = [];
      const keys = new Set<string>();
      for (const item of items) {
        // The same key twice in one statement would be one row: the second waits for the next group.
        const key = `${item.scope.parentKey}\0${item.idKey}`;
        if (keys.has(key)) {
          later.push(item);
          continue;
        }
        keys.add(key);
        chunk.push(item);
        if (chunk.length === max) {
          chunks.push([t, chunk]);
          chunk = [];
          keys.clear();
        }
      }
      if (chunk.length) chunks.push([t, chunk]);
    }
    try {
      // Whatever goes wrong fails the group's own creates (settled ones stay as they are), never the process.
      await Promise.all(chunks.map(([t, items]) => this.commitGroup(tenant, t, items).catch((err) => items.forEach((item) => item.reject(err)))));
    } finally {
      if (later.length) this.groupQueues.set(tenant, [...later, ...(this.groupQueues.get(tenant) ?? [])]);
      if (this.groupQueues.has(tenant)) setImmediate(() => void this.flushGroup(tenant));
      else this.groupBusy.delete(tenant);
    }
  }

  private async commitGroup(tenant: string, t: TableDef, items: GroupedInsert[]): Promise<void> {
    let byRows = this.groupStatements.get(t);
    if (!byRows) this.groupStatements.set(t, (byRows = new Map()));
    let text = byRows.get(items.length);
    if (!text) byRows.set(items.length, (text = loggedInsertMany(t, items.length, (p) => this.eng.changeLogLockExpression!(p))));
    const params: unknown[] = [tenant, t.name, Date.now()];
    for (const item of items) for (const v of item.row) params.push(v);
    let rows: unknown[][];
    try {
      rows = await this.rowsOf(text, params);
    } catch (err) {
      if ((err as { code?: unknown }).code === '0A000') {
        // Nothing was written; from now on creates take the transaction path (insert() checks the flag).
        this.oneStatementInserts = false;
        for (const item of items) this.insert(item.t, item.scope, item.idKey, item.values).then(item.resolve, item.reject);
        return;
      }
      if (items.length === 1 || err instanceof StoreUnavailableError) {
        for (const item of items) item.reject(this.eng.isDuplicateKey(err) ? new DuplicateKeyError(item.idKey) : err);
        return;
      }
      // One row the database refused fails the statement: each again on its own, so that it fails alone.
      await Promise.all(items.map((item) => this.commitGroup(tenant, t, [item])));
      return;
    }
    const stored = new Map<string, unknown[]>();
    for (const r of rows) stored.set(`${r[0] as string}\0${r[1] as string}`, r);
    for (const item of items) {
      const r = stored.get(`${item.scope.parentKey}\0${item.idKey}`);
      if (r) item.resolve(this.entityFromArray(t, r, 1));
      else item.reject(new DuplicateKeyError(item.idKey));
    }
    if (stored.size) this.changed(tenant);
  }

  /** Creates waiting for the next group commit (embedded engine). */
  private pendingInserts: PendingInsert[] = [];
  private flushScheduled = false;

  /**
   * The embedded engine's insert, by group commit: the creates that arrive in one turn of the event loop are
   * written in one transaction, each row with its change-log entry (under a savepoint, so that one refused
   * row fails alone), and each is acknowledged only once that transaction has committed. One commit then
   * carries many rows: the pages they share (the change log and its index, the upper levels of every index)
   * reach the WAL once instead of once per row.
   */
  private insertNow(t: TableDef, scope: Scope, idKey: string, values: Record<string, unknown>): Promise<StoredEntity> {
    const params: unknown[] = [scope.tenantId, scope.parentKey, idKey, newVersion()];
    for (const col of t.columns) {
      const v = values[col.name];
      params.push(v === null || v === undefined ? null : this.eng.encode(col.kind, v));
    }
    const change = this.change(t, scope.tenantId, scope.parentKey, idKey, values.id, 'created');
    return new Promise((resolve, reject) => {
      this.pendingInserts.push({ t, params, change, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushInserts());
      }
    });
  }

  private flushInserts(): void {
    const direct = this.eng.direct!;
    // A transaction holds the connection (Kysely's, across awaits): commit after it, on a later turn.
    if (direct.open() && !direct.ready()) {
      setImmediate(() => this.flushInserts());
      return;
    }
    this.flushScheduled = false;
    const batch = this.pendingInserts;
    this.pendingInserts = [];
    this.changeLogSql ??= changeLogInsert(this.eng.name);
    const logSql = this.changeLogSql;
    const outcomes: Array<{ row?: unknown[]; err?: unknown }> = [];
    const failed = (err: unknown, item: PendingInsert) => {
      if (this.eng.isDuplicateKey(err)) return new DuplicateKeyError(String(item.params[2]));
      const why = this.eng.unavailable(err);
      return why !== undefined ? new StoreUnavailableError(why, 5, { cause: err }) : err;
    };
    try {
      direct.transaction(() => {
        // Alone in its group, a create needs no savepoint: its failure fails the transaction, which holds only it.
        const alone = batch.length === 1;
        for (const item of batch) {
          if (!alone) direct.all(SAVEPOINT, []);
          try {
            const [row] = direct.all(this.hot(item.t).insert, item.params);
            const c = item.change;
            direct.all(logSql, [c.tenantId, c.tableName, c.parentKey, c.idKey, c.id, c.kind, Date.now()]);
            if (!alone) direct.all(RELEASE, []);
            outcomes.push({ row: row! });
          } catch (err) {
            if (alone) throw err;
            direct.all(ROLLBACK_TO, []);
            direct.all(RELEASE, []);
            outcomes.push({ err });
          }
        }
      });
    } catch (err) {
      // The commit itself failed: nothing of the batch is stored.
      for (const item of batch) item.reject(failed(err, item));
      return;
    }
    const tenants = new Set<string>();
    batch.forEach((item, i) => {
      const o = outcomes[i]!;
      if (o.err !== undefined) return item.reject(failed(o.err, item));
      tenants.add(item.change.tenantId);
      item.resolve(this.entityFromArray(item.t, o.row!));
    });
    for (const tenantId of tenants) this.changed(tenantId);
  }

  private change(t: TableDef, tenantId: string, parentKey: string, idKey: string, id: unknown, kind: ChangeRecord['kind']): ChangeRecord {
    return { tenantId, tableName: t.name, parentKey, idKey, id: typeof id === 'string' && id !== '' ? id : idKey, kind };
  }

  async get(t: TableDef, scope: Scope, idKey: string): Promise<StoredEntity | undefined> {
    const [row] = await this.rowsOf(this.hot(t).get, [scope.tenantId, scope.parentKey, idKey]);
    return row ? this.entityFromArray(t, row, 0, true) : undefined;
  }

  async wirePage(t: TableDef, scope: Scope, wire: number, page: { desc: boolean; after?: string; limit: number }): Promise<WirePage> {
    const stmts = this.hot(t).wirePages[wire]!;
    const { tenantId, parentKey } = scope;
    const [row] =
      page.after === undefined
        ? await this.rowsOf(page.desc ? stmts.desc : stmts.asc, [tenantId, parentKey, page.limit, tenantId, parentKey])
        : await this.rowsOf(page.desc ? stmts.descAfter : stmts.ascAfter, [tenantId, parentKey, page.after, page.limit, tenantId, parentKey]);
    const rows = Number(row?.[1] ?? 0);
    const lastKey = rows ? (row![3] as string) : undefined;
    // SQLite answers `is not null` as 0 or 1, PostgreSQL as a boolean.
    const more = rows > 0 && (row![4] === true || Number(row![4]) === 1);
    return { joined: (row?.[0] as string | null | undefined) ?? null, rows, cached: Number(row?.[2] ?? 0), lastKey, more };
  }

  /** Wire texts waiting to be cached, per table, column and scope; and the PostgreSQL writes under way. */
  private wireQueue = new Map<string, { t: TableDef; scope: Scope; wire: number; texts: WireText[] }>();
  private wireFlushing = new Set<Promise<void>>();

  cacheWire(t: TableDef, scope: Scope, wire: number, texts: WireText[]): void {
    if (!texts.length || this.db.isTransaction) return;
    const key = `${t.name}\0${wire}\0${scope.tenantId}\0${scope.parentKey}`;
    const queued = this.wireQueue.get(key);
    if (queued) queued.texts.push(...texts);
    else this.wireQueue.set(key, { t, scope, wire, texts: [...texts] });
    if (this.wireQueue.size === 1 && !queued) setImmediate(() => this.flushWire());
  }

  /**
   * Writes the queued texts, each only where the row is still at the version it was read at and has none yet
   * (a write since then emptied the column and moved the version on). A cache: errors are dropped.
   */
  private flushWire(): void {
    const queue = [...this.wireQueue.values()];
    this.wireQueue.clear();
    const direct = this.eng.direct;
    if (direct) {
      // Now, in one transaction, when no other transaction holds the connection and no other process the write
      // lock (a read does not wait for a cache); else left for a later read.
      if (!direct.open() || !direct.ready()) return;
      try {
        direct.transaction(() => {
          for (const { t, scope, wire, texts } of queue) {
            const sqlText = wireUpdate(t, t.wire[wire]!.column, 1, 'sqlite');
            for (const w of texts) direct.all(sqlText, [w.text, scope.tenantId, scope.parentKey, w.idKey, w.version]);
          }
        }, { wait: false });
      } catch {
        // Busy or closed: the texts are cached on a later read.
      }
      return;
    }
    for (const { t, scope, wire, texts } of queue) {
      for (let i = 0; i < texts.length; i += 100) {
        // Caching must not crowd out requests for pool connections: past a few writes under way, left for later.
        if (this.wireFlushing.size >= 4) return;
        const chunk = texts.slice(i, i + 100);
        const params: unknown[] = [scope.tenantId, scope.parentKey];
        for (const w of chunk) params.push(w.idKey, w.version, w.text);
        const run = this.rowsOf(wireUpdate(t, t.wire[wire]!.column, chunk.length, this.eng.name), params).then(
          () => undefined,
          () => undefined,
        );
        this.wireFlushing.add(run);
        void run.finally(() => this.wireFlushing.delete(run));
      }
    }
  }

  async getUnder(
    parent: TableDef,
    parentScope: Scope,
    parentKey: string,
    child: TableDef,
    childKey: string,
    textOnly?: number,
  ): Promise<{ parent?: { idKey: string; id: string }; entity?: StoredEntity }> {
    let byChild = this.childStatements.get(parent);
    if (!byChild) this.childStatements.set(parent, (byChild = new Map()));
    const key = textOnly === undefined ? child : `${child.name}\0${textOnly}`;
    let stmt = byChild.get(key);
    if (!stmt) byChild.set(key, (stmt = childStatement(parent, child, this.eng.name, textOnly === undefined ? undefined : child.wire[textOnly]!.column)));
    const [row] = await this.rowsOf(stmt.sql, [childKey, parentScope.tenantId, parentScope.parentKey, parentKey]);
    if (!row) return {};
    const found = { idKey: row[0] as string, id: String(row[1] ?? row[0]) };
    if (row[2] === null || row[2] === undefined) return { parent: found };
    if (textOnly === undefined) return { parent: found, entity: this.entityFromArray(child, row, 2, true) };
    const text = row[row.length - 1] as string | null;
    if (text === null) {
      // No text cached: the row's values came instead (the statement reads them only then).
      const entity = this.entityFromArray(child, row, 2);
      return { parent: found, entity: this.withWireText(child, entity, textOnly, null) };
    }
    const entity: StoredEntity = { idKey: row[2] as string, version: Number(row[3]), values: textOnlyValues({ id: row[4 + child.columns.findIndex((c) => c.name === 'id')] }) };
    return { parent: found, entity: this.withWireText(child, entity, textOnly, text) };
  }

  async lock(t: TableDef, scope: Scope, idKey: string): Promise<boolean> {
    let query = this.db
      .selectFrom(t.name)
      .select('id_key')
      .where((eb) => this.rowAt(eb, scope, idKey));
    if (this.eng.name === 'postgres') query = query.forUpdate();
    return (await this.guard(() => query.executeTakeFirst())) !== undefined;
  }

  async locate(t: TableDef, scope: Scope, idKey: string): Promise<{ idKey: string; id: string } | undefined> {
    const [row] = await this.rowsOf(this.hot(t).locate, [scope.tenantId, scope.parentKey, idKey]);
    return row ? { idKey: row[0] as string, id: String(row[1] ?? row[0]) } : undefined;
  }

  private listQuery(t: TableDef, scope: Scope, q: ListQuery) {
    const order = listOrder(q.orderBy);
    if (q.after && q.after.length !== order.length) throw new Error('keyset position does not match the order');
    // With the asked-for wire column last, so that rows read as [id_key, version, ...columns, text]; a row with
    // a text has its other columns read only where the order needs them (the next page's position), the rest
    // null (see textOnlyValues).
    const wire = q.wire === undefined ? undefined : t.wire[q.wire]?.column;
    const kept = new Set(['id', ...order.map((o) => o.column)]);
    const columns = wire
      ? [
          'id_key',
          'version',
          ...t.columns.map((c) => (kept.has(c.name) ? c.name : sql<unknown>`case when ${sql.ref(wire)} is null then ${sql.ref(c.name)} end`.as(c.name))),
          wire,
        ]
      : this.entityColumns(t);
    let query = this.db
      .selectFrom(t.name)
      .select(columns)
      .where((eb) => {
        const conds: Expression<SqlBool>[] = [this.scoped(eb, scope)];
        if (q.where) conds.push(q.where(eb));
        if (q.after) conds.push(keysetAfter(eb, order, q.after));
        return eb.and(conds);
      });
    for (const o of order) {
      if (this.explicitNulls && o.nullable !== false) {
        query = query.orderBy(o.column, (ob) => (o.desc ? ob.desc().nullsLast() : ob.asc().nullsFirst()));
      } else {
        query = query.orderBy(o.column, o.desc ? 'desc' : 'asc');
      }
    }
    if (q.skip) query = query.offset(q.skip);
    return query.limit(q.limit);
  }

  async list(t: TableDef, scope: Scope, q: ListQuery): Promise<StoredEntity[]> {
    // A projection (ListQuery.columns) takes the same paths, on the table as just the columns it reads.
    if (q.columns) {
      t = this.subset(t, q.columns, q.orderBy);
      q = { ...q, columns: undefined, wire: undefined };
    }
    // Without a condition, in key order (every default page): a hot statement.
    const order = listOrder(q.orderBy);
    if (!q.where && !q.skip && order.length === 1 && (!q.after || q.after.length === 1)) {
      const s = this.hot(t);
      const desc = order[0]!.desc;
      const rows = q.after
        ? await this.rowsOf(desc ? s.pageDescAfter : s.pageAscAfter, [scope.tenantId, scope.parentKey, q.after[0], q.limit])
        : await this.rowsOf(desc ? s.pageDesc : s.pageAsc, [scope.tenantId, scope.parentKey, q.limit]);
      return rows.map((r) => this.entityFromArray(t, r));
    }
    // A filter of a known shape: its statement compiled once, this request's values bound to it.
    const fromArray = (r: unknown[]) => this.withWireText(t, this.entityFromArray(t, r), q.wire, r[2 + t.columns.length], order);
    const shaped = q.where?.shape ? this.shapedList(t, scope, q) : undefined;
    if (shaped) return (await this.rowsOf(shaped.sql, shaped.params)).map(fromArray);
    const query = this.listQuery(t, scope, q);
    if (!this.db.isTransaction && (this.eng.query || this.eng.direct)) {
      // Prepared too (a PostgreSQL named statement, a kept SQLite one): values are parameters, so the text is the
      // same for every list of one structure.
      const compiled = query.compile();
      return (await this.rowsOf(compiled.sql, [...compiled.parameters])).map(fromArray);
    }
    const rows = await this.guard(() => query.execute());
    return rows.map((r) => this.withWireText(t, this.toEntity(t, r), q.wire, q.wire === undefined ? undefined : r[t.wire[q.wire]!.column], order));
  }

  /** The entity with the one wire text a list read (ListQuery.wire); the other columns' texts were not read. */
  private withWireText(t: TableDef, e: StoredEntity, wire: number | undefined, text: unknown, order?: readonly OrderTerm[]): StoredEntity {
    if (wire === undefined) return e;
    const texts: Array<string | null> = t.wire.map(() => null);
    texts[wire] = (text as string | null | undefined) ?? null;
    e.wire = texts;
    // A list row with a text was read for it (listQuery): only its id and order columns are values.
    if (order && texts[wire] !== null) e.values = textOnlyValues(e.values, ['id', ...order.map((o) => o.column)]);
    return e;
  }

  /** Column subsets asked for (ListQuery.columns): a TableDef with just those columns, made once each. */
  private readonly subsets = new Map<string, TableDef>();
  /** What a subset's statements are kept under (list-statements.ts), beside its table's own. */
  private readonly subsetKeys = new WeakMap<TableDef, string>();

  /** The table as the columns a projection reads: `columns`, `id` and the order's, in the table's order. */
  private subset(t: TableDef, columns: readonly string[], orderBy: OrderTerm[]): TableDef {
    const wanted = new Set(['id', ...columns, ...listOrder(orderBy).map((o) => o.column)]);
    const cols = t.columns.filter((c) => wanted.has(c.name));
    const key = `${t.name}(${cols.map((c) => c.name).join(',')})`;
    let part = this.subsets.get(key);
    if (!part) {
      // Clients choose their $select: a bounded number of subsets are kept.
      if (this.subsets.size >= 200) this.subsets.clear();
      this.subsets.set(key, (part = { ...t, columns: cols }));
      this.subsetKeys.set(part, key);
    }
    return part;
  }

  private readonly listStatements = new ListStatementCache();

  /** A list with a shaped condition (a $filter): its statement compiled once per shape (list-statements.ts). */
  private shapedList(t: TableDef, scope: Scope, q: ListQuery): { sql: string; params: unknown[] } | undefined {
    const table = this.subsetKeys.get(t) ?? t.name;
    const key = q.wire === undefined ? table : `${table}+${q.wire}`;
    const shape = q.where!.shape!;
    try {
      return this.listStatements.statement(key, shape, listOrder(q.orderBy), { scope, after: q.after, skip: q.skip, limit: q.limit }, (p) =>
        this.listQuery(t, p.scope, { ...q, where: (eb) => shape.build(eb, p.where), after: p.after, skip: p.skip, limit: p.limit }).compile(),
      );
    } catch {
      // Not compilable from stand-ins: the query as built per request says why, or runs.
      return undefined;
    }
  }

  /** The engine's query plan for a list query, one line per step (to check that indexes serve it). */
  async explain(t: TableDef, scope: Scope, q: ListQuery): Promise<string[]> {
    const compiled = this.listQuery(t, scope, q).compile();
    if (this.eng.name === 'sqlite') {
      const res = await this.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
      return res.rows.map((r) => r.detail);
    }
    // Test-sized PostgreSQL tables are always cheapest to scan; ask whether an index can serve the query.
    return this.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const res = await trx.executeQuery<Record<string, string>>(CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]));
      return res.rows.map((r) => Object.values(r)[0]!);
    });
  }

  async count(t: TableDef, scope: Scope, where?: WhereBuilder): Promise<number> {
    const row = await this.guard(() =>
      this.db
        .selectFrom(t.name)
        .select((eb) => eb.fn.countAll().as('n'))
        .where((eb) => (where ? eb.and([this.scoped(eb, scope), where(eb)]) : this.scoped(eb, scope)))
        .executeTakeFirstOrThrow(),
    );
    return Number(row.n);
  }

  private rowAt(eb: ExpressionBuilder<any, any>, scope: Scope, idKey: string, ifVersion?: number): Expression<SqlBool> {
    const conds = [this.scoped(eb, scope), eb('id_key', '=', idKey)];
    if (ifVersion !== undefined) conds.push(eb('version', '=', ifVersion));
    return eb.and(conds);
  }

  async update(t: TableDef, scope: Scope, idKey: string, changes: Record<string, unknown>, ifVersion?: number): Promise<StoredEntity | undefined> {
    const set = this.encodeValues(t, changes);
    return this.logged(async (trx, log) => {
      const rows = await trx
        .updateTable(t.name)
        // The cached wire texts describe the row as it was: emptied in the same statement.
        .set({ ...set, ...this.wireCleared(t), version: sql`version + 1` })
        .where((eb) => this.rowAt(eb, scope, idKey, ifVersion))
        .returningAll()
        .execute();
      if (!rows[0]) return undefined;
      const updated = this.toEntity(t, rows[0]);
      log.push(this.change(t, scope.tenantId, scope.parentKey, idKey, updated.values.id, 'updated'));
      return updated;
    });
  }

  private readonly clearedWire = new Map<TableDef, Record<string, null>>();
  private wireCleared(t: TableDef): Record<string, null> {
    let set = this.clearedWire.get(t);
    if (!set) this.clearedWire.set(t, (set = Object.fromEntries(t.wire.map((w) => [w.column, null]))));
    return set;
  }

  async delete(t: TableDef, scope: Scope, idKey: string, ifVersion?: number): Promise<boolean> {
    return this.logged(async (trx, log) => {
      const gone = await trx
        .deleteFrom(t.name)
        .where((eb) => this.rowAt(eb, scope, idKey, ifVersion))
        .returning(['id'])
        .execute();
      if (gone.length === 0) return false;
      log.push(this.change(t, scope.tenantId, scope.parentKey, idKey, gone[0]!.id, 'deleted'));
      await this.deleteContained(trx, t, scope.tenantId, [idKey], log);
      return true;
    });
  }

  /** Contained rows go with their container, down every level; each removal is logged. */
  private async deleteContained(trx: Kysely<any>, t: TableDef, tenantId: string, parentKeys: string[], log: ChangeRecord[]): Promise<void> {
    for (const child of this.schema.children(t)) {
      const gone = await trx
        .deleteFrom(child.name)
        .where('tenant_id', '=', tenantId)
        .where('parent_key', 'in', parentKeys)
        .returning(['parent_key', 'id_key', 'id'])
        .execute();
      for (const r of gone) log.push(this.change(child, tenantId, r.parent_key as string, r.id_key as string, r.id, 'deleted'));
      if (gone.length && this.schema.children(child).length > 0) {
        await this.deleteContained(trx, child, tenantId, gone.map((r) => r.id_key as string), log);
      }
    }
  }

  /** Runs fn in a transaction, or in the current one when this store is already bound to one. */
  private inTransaction<T>(fn: (trx: Kysely<any>) => Promise<T>): Promise<T> {
    return this.db.isTransaction ? fn(this.db) : this.db.transaction().execute(fn);
  }

  async transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    const touched = new Set<string>();
    const inserted = new Map<string, number>();
    const result = await this.guard(() => this.db.transaction().execute((trx) => fn(new SqlStore(trx, this.eng, this.schema, touched, inserted))));
    // Listeners hear of the changes only once they are committed, as after a single write.
    for (const tenantId of touched) this.changed(tenantId);
    await this.keepStatistics(inserted);
    return result;
  }

  async *scan(t: TableDef, opts: ScanOptions = {}): AsyncIterable<StoredRow> {
    const batchSize = opts.batchSize ?? 1000;
    // Fixed columns are filtered by equality; the rest of the primary key is the keyset order.
    const fixed: Array<[string, string]> = [];
    if (opts.tenantId !== undefined) {
      fixed.push(['tenant_id', opts.tenantId]);
      if (opts.parentKey !== undefined) fixed.push(['parent_key', opts.parentKey]);
    }
    const order = PRIMARY_KEY.slice(fixed.length).map((column) => ({ column, desc: false }));
    let after: unknown[] | undefined;
    for (;;) {
      let query = this.db
        .selectFrom(t.name)
        .selectAll()
        .where((eb) => {
          const conds: Expression<SqlBool>[] = fixed.map(([c, v]) => eb(c, '=', v));
          if (after) conds.push(keysetAfter(eb, order, after));
          return eb.and(conds);
        });
      for (const o of order) query = query.orderBy(o.column, 'asc');
      const rows = await query.limit(batchSize).execute();
      for (const row of rows) {
        yield { ...this.toEntity(t, row), tenantId: row.tenant_id as string, parentKey: row.parent_key as string };
      }
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1]!;
      after = order.map((o) => last[o.column]);
    }
  }

  async insertMany(t: TableDef, rows: StoredRow[]): Promise<void> {
    if (rows.length === 0) return;
    // Multi-row INSERTs, kept under every engine's bound-parameter limit (SQLite 32766, PostgreSQL 65535).
    const perRow = SYSTEM_COLUMNS.length + t.columns.length;
    const chunk = Math.max(1, Math.min(500, Math.floor(30000 / perRow)));
    // Logged as creations, like inserts one by one: delta queries and subscriptions see bulk loads too.
    await this.logged(async (trx, log) => {
      for (const r of rows) log.push(this.change(t, r.tenantId, r.parentKey, r.idKey, r.values.id, 'created'));
      for (let i = 0; i < rows.length; i += chunk) {
        const values = rows.slice(i, i + chunk).map((r) => {
          const row: Row = { tenant_id: r.tenantId, parent_key: r.parentKey, id_key: r.idKey, version: r.version };
          // Every column present in every row: a multi-row INSERT takes its column list from the first.
          for (const col of t.columns) {
            const v = r.values[col.name];
            row[col.name] = v === null || v === undefined ? null : this.eng.encode(col.kind, v);
          }
          return row;
        });
        try {
          await trx.insertInto(t.name).values(values).execute();
        } catch (err) {
          if (this.eng.isDuplicateKey(err)) throw new DuplicateKeyError('a key in the batch already exists');
          throw err;
        }
      }
    });
    await this.insertedRows(t, rows.length);
  }

  async existingKeys(t: TableDef, scope: Scope, idKeys: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < idKeys.length; i += 500) {
      const rows = await this.db
        .selectFrom(t.name)
        .select('id_key')
        .where((eb) => eb.and([this.scoped(eb, scope), eb('id_key', 'in', idKeys.slice(i, i + 500))]))
        .execute();
      for (const r of rows) found.add(r.id_key as string);
    }
    return found;
  }

  async analyze(tables: TableDef[]): Promise<void> {
    const names = tables.map((t) => t.name);
    await this.analyzeTables(names);
    this.statistics?.analysed([...names, CHANGE_LOG_TABLE]);
  }

  private async analyzeTables(names: string[]): Promise<void> {
    // Both engines take `ANALYZE <table>`; run after the load has committed, so the statistics see its rows.
    for (const name of new Set([...names, CHANGE_LOG_TABLE])) {
      await this.guard(() => sql`analyze ${sql.table(name)}`.execute(this.db));
    }
  }

  async wipe(tenantId?: string): Promise<number> {
    // In batches, each removal logged as a deletion (as deletes one by one would be), in one transaction.
    const tenants = new Set<string>();
    const n = await this.inTransaction(async (trx) => {
      let deleted = 0;
      for (const t of this.schema.tables) {
        for (;;) {
          let keys = trx.selectFrom(t.name).select(['tenant_id', 'parent_key', 'id_key', 'id']).limit(500);
          if (tenantId !== undefined) keys = keys.where('tenant_id', '=', tenantId);
          const rows = await keys.execute();
          if (rows.length === 0) break;
          await trx
            .deleteFrom(t.name)
            .where((eb) =>
              eb.or(rows.map((r) => eb.and([eb('tenant_id', '=', r.tenant_id), eb('parent_key', '=', r.parent_key), eb('id_key', '=', r.id_key)]))),
            )
            .execute();
          const log = rows.map((r) => this.change(t, r.tenant_id as string, r.parent_key as string, r.id_key as string, r.id, 'deleted'));
          await appendChanges(trx, this.eng, log);
          for (const c of log) tenants.add(c.tenantId);
          deleted += rows.length;
        }
      }
      return deleted;
    });
    if (!this.db.isTransaction) for (const tenant of tenants) this.changed(tenant);
    return n;
  }

  async ping(): Promise<void> {
    await this.guard(() => sql`select 1`.execute(this.db));
  }

  async close(): Promise<void> {
    this.wireQueue.clear();
    await Promise.all([...this.wireFlushing]);
    await this.db.destroy();
    await this.eng.close?.();
  }
}

/**
 * The values of an entity read for its cached text alone (getUnder's textOnly): its id, and nothing else to
 * read: a caller that would use a value it did not ask for fails loudly instead of seeing empty ones.
 */
function textOnlyValues(values: Record<string, unknown>, kept: readonly string[] = ['id']): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const k of kept) own[k] = values[k];
  return new Proxy(own, {
    get(target, prop) {
      if (typeof prop === 'string' && kept.includes(prop)) return target[prop];
      throw new Error(`an entity read for its cached text has no value '${String(prop)}'`);
    },
  });
}

/** A stored NULL reads back as the property's empty value: [] for collections, null otherwise. */
function emptyValue(col: ColumnDef): unknown {
  return col.property.collection ? [] : null;
}

/**
 * Rows strictly after `after` in the given order: (a > x) or (a = x and b > y) or ...
 * NULLs sort first ascending and last descending (SQLite's order; PostgreSQL is told so in listQuery).
 * The disjunction is preceded by a range on the leading column (a >= x), which lets the engine seek in an
 * index led by that column instead of scanning from the start: every page costs the same.
 */
function keysetAfter(eb: ExpressionBuilder<any, any>, order: OrderTerm[], after: unknown[]): Expression<SqlBool> {
  const ors: Expression<SqlBool>[] = [];
  for (let i = 0; i < order.length; i++) {
    const ands: Expression<SqlBool>[] = [];
    for (let j = 0; j < i; j++) {
      const v = after[j];
      ands.push(v === null ? eb(order[j]!.column, 'is', null) : eb(order[j]!.column, '=', v));
    }
    const { column, desc, nullable } = order[i]!;
    const v = after[i];
    if (v === null) {
      // Ascending: everything non-null comes after NULL. Descending: nothing comes after NULL.
      if (desc) continue;
      ands.push(eb(column, 'is not', null));
    } else if (desc) {
      ands.push(nullable === false ? eb(column, '<', v) : eb.or([eb(column, '<', v), eb(column, 'is', null)]));
    } else {
      ands.push(eb(column, '>', v));
    }
    ors.push(eb.and(ands));
  }
  if (!ors.length) return sql<SqlBool>`1 = 0`;
  const disjunction = eb.or(ors);
  const lead = order[0]!;
  const v = after[0];
  if (order.length === 1) return disjunction;
  if (v === null) return lead.desc ? eb.and([eb(lead.column, 'is', null), disjunction]) : disjunction;
  const range = lead.desc
    ? lead.nullable === false
      ? eb(lead.column, '<=', v)
      : eb.or([eb(lead.column, '<=', v), eb(lead.column, 'is', null)])
    : eb(lead.column, '>=', v);
  return eb.and([range, disjunction]);
}
