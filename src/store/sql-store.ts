// The one query code behind every engine: Kysely builds parameterised SQL from the derived schema.
import { CompiledQuery, sql, type CreateIndexBuilder, type Kysely, type ColumnDataType, type Expression, type SqlBool, type ExpressionBuilder } from 'kysely';
import { DuplicateKeyError, listOrder, type ListQuery, type OrderTerm, type Scope, type Store, type StoredEntity, type WhereBuilder } from './store.js';
import { StorageSchema, type ColumnDef, type ColumnKind, type TableDef } from './schema.js';

/** What differs between SQL engines: column types, value encoding, and how a duplicate key is reported. */
export interface Engine {
  readonly name: 'sqlite' | 'postgres';
  columnType(kind: ColumnKind): ColumnDataType;
  encode(kind: ColumnKind, value: unknown): unknown;
  decode(kind: ColumnKind, raw: unknown): unknown;
  isDuplicateKey(err: unknown): boolean;
  /** Engine-specific set-up before the schema (pragmas, extensions). */
  prepare?(db: Kysely<any>): Promise<void>;
  close?(): Promise<void>;
}

type Row = Record<string, unknown>;

export class SqlStore implements Store {
  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    readonly db: Kysely<any>,
    private readonly eng: Engine,
    readonly schema: StorageSchema,
  ) {}

  get engine() {
    return this.eng.name;
  }

  /**
   * SQLite sorts NULLs first ascending and last descending; PostgreSQL does the opposite unless told.
   * Keyset positions (keysetAfter) assume SQLite's order, so PostgreSQL orderings say it explicitly.
   */
  private get explicitNulls(): boolean {
    return this.eng.name === 'postgres';
  }

  /** Creates missing tables, columns and indexes: the model is the schema, so adding a property migrates. */
  async init(): Promise<void> {
    await this.eng.prepare?.(this.db);
    const existing = new Map((await this.db.introspection.getTables()).map((t) => [t.name, new Set(t.columns.map((c) => c.name))]));
    for (const t of this.schema.tables) {
      const have = existing.get(t.name);
      if (!have) {
        let create = this.db.schema
          .createTable(t.name)
          .ifNotExists()
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('parent_key', 'text', (c) => c.notNull())
          .addColumn('id_key', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1));
        for (const col of t.columns) create = create.addColumn(col.name, this.eng.columnType(col.kind));
        await create.addPrimaryKeyConstraint(`pk_${t.name}`, ['tenant_id', 'parent_key', 'id_key']).execute();
      } else {
        for (const col of t.columns) {
          if (!have.has(col.name)) await this.db.schema.alterTable(t.name).addColumn(col.name, this.eng.columnType(col.kind)).execute();
        }
      }
      for (const ix of t.indexes) {
        let create = this.db.schema.createIndex(ix.name).ifNotExists().on(t.name).columns(['tenant_id', 'parent_key']) as CreateIndexBuilder<string>;
        for (const c of ix.columns) {
          // PostgreSQL indexes sort NULLs last by default; built NULLS FIRST they serve our order (see list).
          const nullable = t.columnByProperty.get(c)?.property.nullable !== false;
          create = this.explicitNulls && nullable ? create.expression(sql`${sql.ref(c)} nulls first`) : create.column(c);
        }
        await create.column('id_key').execute();
      }
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

  private toEntity(t: TableDef, row: Row): StoredEntity {
    const values: Record<string, unknown> = {};
    for (const col of t.columns) {
      const raw = row[col.name];
      values[col.name] = raw === null || raw === undefined ? emptyValue(col) : this.eng.decode(col.kind, raw);
    }
    return { idKey: row.id_key as string, version: Number(row.version), values };
  }

  private scoped(eb: ExpressionBuilder<any, any>, scope: Scope): Expression<SqlBool> {
    return eb.and([eb('tenant_id', '=', scope.tenantId), eb('parent_key', '=', scope.parentKey)]);
  }

  encodeColumn(t: TableDef, column: string, value: unknown): unknown {
    const col = t.columnByProperty.get(column);
    return value === null || value === undefined || !col ? (value ?? null) : this.eng.encode(col.kind, value);
  }

  async insert(t: TableDef, scope: Scope, idKey: string, values: Record<string, unknown>): Promise<StoredEntity> {
    const row = { tenant_id: scope.tenantId, parent_key: scope.parentKey, id_key: idKey, version: 1, ...this.encodeValues(t, values) };
    try {
      await this.db.insertInto(t.name).values(row).execute();
    } catch (err) {
      if (this.eng.isDuplicateKey(err)) throw new DuplicateKeyError(idKey);
      throw err;
    }
    return this.toEntity(t, row as Row & typeof row);
  }

  async get(t: TableDef, scope: Scope, idKey: string): Promise<StoredEntity | undefined> {
    const row = await this.db
      .selectFrom(t.name)
      .selectAll()
      .where((eb) => eb.and([this.scoped(eb, scope), eb('id_key', '=', idKey)]))
      .executeTakeFirst();
    return row ? this.toEntity(t, row) : undefined;
  }

  private listQuery(t: TableDef, scope: Scope, q: ListQuery) {
    const order = listOrder(q.orderBy);
    if (q.after && q.after.length !== order.length) throw new Error('keyset position does not match the order');
    let query = this.db
      .selectFrom(t.name)
      .selectAll()
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
    const rows = await this.listQuery(t, scope, q).execute();
    return rows.map((r) => this.toEntity(t, r));
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
    const row = await this.db
      .selectFrom(t.name)
      .select((eb) => eb.fn.countAll().as('n'))
      .where((eb) => (where ? eb.and([this.scoped(eb, scope), where(eb)]) : this.scoped(eb, scope)))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private rowAt(eb: ExpressionBuilder<any, any>, scope: Scope, idKey: string, ifVersion?: number): Expression<SqlBool> {
    const conds = [this.scoped(eb, scope), eb('id_key', '=', idKey)];
    if (ifVersion !== undefined) conds.push(eb('version', '=', ifVersion));
    return eb.and(conds);
  }

  async update(t: TableDef, scope: Scope, idKey: string, changes: Record<string, unknown>, ifVersion?: number): Promise<StoredEntity | undefined> {
    const set = this.encodeValues(t, changes);
    const rows = await this.db
      .updateTable(t.name)
      .set({ ...set, version: sql`version + 1` })
      .where((eb) => this.rowAt(eb, scope, idKey, ifVersion))
      .returningAll()
      .execute();
    return rows[0] ? this.toEntity(t, rows[0]) : undefined;
  }

  async delete(t: TableDef, scope: Scope, idKey: string, ifVersion?: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const res = await trx
        .deleteFrom(t.name)
        .where((eb) => this.rowAt(eb, scope, idKey, ifVersion))
        .executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) return false;
      await this.deleteContained(trx, t, scope.tenantId, [idKey]);
      return true;
    });
  }

  /** Contained rows go with their container, down every level. */
  private async deleteContained(trx: Kysely<any>, t: TableDef, tenantId: string, parentKeys: string[]): Promise<void> {
    for (const child of this.schema.children(t)) {
      const grandchildren = this.schema.children(child).length > 0;
      const keys = grandchildren
        ? (
            await trx
              .selectFrom(child.name)
              .select('id_key')
              .where('tenant_id', '=', tenantId)
              .where('parent_key', 'in', parentKeys)
              .execute()
          ).map((r) => r.id_key as string)
        : [];
      await trx.deleteFrom(child.name).where('tenant_id', '=', tenantId).where('parent_key', 'in', parentKeys).execute();
      if (keys.length) await this.deleteContained(trx, child, tenantId, keys);
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.eng.close?.();
  }
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
