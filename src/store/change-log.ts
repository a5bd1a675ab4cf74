// The change log: one row per entity created, updated or deleted, appended in the same transaction as the
// write itself (contained rows removed with their container are logged too). It is the single source for
// delta queries and for change notifications: a notification cursor is a position in this log, so the log plus
// the cursors are the durable outbox, and a change committed before a crash is still delivered after it.
//
// Ordering: `seq` is assigned by the database and only grows. Readers remember the highest seq they have seen
// for a tenant, so within one tenant a higher seq must never become visible before a lower one. The engine
// guarantees that (Engine.serializeChangeLog): SQLite has a single writer; PostgreSQL takes a per-tenant lock.
//
// Retention: rows older than the retention period are pruned, but never past a notification cursor that still
// needs them. The highest pruned seq is kept, so that a delta token from before it answers 410 (resync).
import type { Compilable, Kysely } from 'kysely';
import type { Engine } from './sql-store.js';

export const CHANGE_LOG_TABLE = 'change_log';
export const CHANGE_LOG_META_TABLE = 'change_log_meta';
const PRUNED_THROUGH = 'pruned_through';

export type ChangeKind = 'created' | 'updated' | 'deleted';

export interface ChangeRecord {
  tenantId: string;
  tableName: string;
  parentKey: string;
  idKey: string;
  /** The entity's id as clients see it (id_key may be lower-cased). */
  id: string;
  kind: ChangeKind;
}

export interface LoggedChange extends ChangeRecord {
  seq: number;
  /** Epoch milliseconds. */
  at: number;
}

/** One entity changed within a range of the log, for delta pages. */
export interface ChangedEntity {
  idKey: string;
  id: string;
  /** The kind of its first change in the range: 'created' means it did not exist at the start. */
  firstKind: ChangeKind;
  lastKind: ChangeKind;
}

/** Where a collection's changes are logged: its tenant, table and container. */
export interface ChangeScope {
  tenantId: string;
  tableName: string;
  parentKey: string;
}

/** Read side of the change log (the write side is part of every SqlStore write). */
export interface ChangeFeed {
  /** The highest seq logged for the tenant (at least the pruned horizon): where a delta round or a new subscription starts. */
  head(tenantId: string): Promise<number>;
  /** Every seq at or below this has been pruned (0 when nothing was). */
  horizon(): Promise<number>;
  /** Changes of one collection after `after`, in seq order. */
  read(scope: ChangeScope, after: number, limit: number): Promise<LoggedChange[]>;
  /** Entities of one collection changed in (since, upto], in id_key order, after `afterKey`. */
  changedEntities(scope: ChangeScope, since: number, upto: number, afterKey: string | undefined, limit: number): Promise<ChangedEntity[]>;
  /** Deletes rows logged before `before` (epoch ms) that no notification cursor still needs; returns how many. */
  prune(before: number): Promise<number>;
}

/** The tables of the change log, as statements to run in order (CREATE ... IF NOT EXISTS). */
export function changeLogDdl(db: Kysely<any>, eng: Engine): Compilable[] {
  const text = eng.columnType('text');
  const big = eng.columnType('bigint');
  let log = db.schema.createTable(CHANGE_LOG_TABLE).ifNotExists();
  log = eng.addSequenceColumn(log, 'seq');
  log = log
    .addColumn('tenant_id', text, (c) => c.notNull())
    .addColumn('table_name', text, (c) => c.notNull())
    .addColumn('parent_key', text, (c) => c.notNull())
    .addColumn('id_key', text, (c) => c.notNull())
    .addColumn('entity_id', text, (c) => c.notNull())
    .addColumn('kind', text, (c) => c.notNull())
    .addColumn('at', big, (c) => c.notNull());
  return [
    log,
    // Every reader asks for one collection's changes after a seq.
    // No index on `at`: pruning walks from the oldest row (the primary key's order) and stops at the first one
    // to keep, so every append pays for one index only.
    db.schema.createIndex('ix_change_log_collection').ifNotExists().on(CHANGE_LOG_TABLE).columns(['tenant_id', 'table_name', 'parent_key', 'seq']),
    db.schema
      .createTable(CHANGE_LOG_META_TABLE)
      .ifNotExists()
      .addColumn('name', text, (c) => c.primaryKey())
      .addColumn('value', big, (c) => c.notNull()),
  ];
}

// Rows per INSERT: 8 parameters each stays far below SQLite's 32 766 bound parameters.
const APPEND_CHUNK = 500;

/** Appends to the log inside the writer's transaction `trx`. */
export async function appendChanges(trx: Kysely<any>, eng: Engine, changes: ChangeRecord[]): Promise<void> {
  if (changes.length === 0) return;
  for (const tenantId of new Set(changes.map((c) => c.tenantId))) await eng.serializeChangeLog(trx, tenantId);
  const at = Date.now();
  for (let i = 0; i < changes.length; i += APPEND_CHUNK) {
    const rows = changes.slice(i, i + APPEND_CHUNK).map((c) => ({
      tenant_id: c.tenantId,
      table_name: c.tableName,
      parent_key: c.parentKey,
      id_key: c.idKey,
      entity_id: c.id,
      kind: c.kind,
      at,
    }));
    await trx.insertInto(CHANGE_LOG_TABLE).values(rows).execute();
  }
}

const inScope = (scope: ChangeScope) => (eb: any) =>
  eb.and([eb('tenant_id', '=', scope.tenantId), eb('table_name', '=', scope.tableName), eb('parent_key', '=', scope.parentKey)]);

export class SqlChangeFeed implements ChangeFeed {
  constructor(
    private readonly db: Kysely<any>,
    /** Table holding notification cursors (`cursor_seq`): pruning never passes the lowest of them. */
    private readonly cursorTable: string,
  ) {}

  async head(tenantId: string): Promise<number> {
    const row = await this.db
      .selectFrom(CHANGE_LOG_TABLE)
      .select((eb) => eb.fn.max('seq').as('m'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    // When the tenant's rows are all pruned, the pruned horizon is where it stands (never before it).
    return Math.max(Number(row?.m ?? 0), await this.horizon());
  }

  horizon(): Promise<number> {
    return this.horizonIn(this.db);
  }

  async read(scope: ChangeScope, after: number, limit: number): Promise<LoggedChange[]> {
    const rows = await this.db
      .selectFrom(CHANGE_LOG_TABLE)
      .selectAll()
      .where((eb) => eb.and([inScope(scope)(eb), eb('seq', '>', after)]))
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(toLogged);
  }

  async changedEntities(scope: ChangeScope, since: number, upto: number, afterKey: string | undefined, limit: number): Promise<ChangedEntity[]> {
    const groups = await this.db
      .selectFrom(CHANGE_LOG_TABLE)
      .select((eb) => ['id_key', eb.fn.min('seq').as('first_seq'), eb.fn.max('seq').as('last_seq')])
      .where((eb) => {
        const conds = [inScope(scope)(eb), eb('seq', '>', since), eb('seq', '<=', upto)];
        if (afterKey !== undefined) conds.push(eb('id_key', '>', afterKey));
        return eb.and(conds);
      })
      .groupBy('id_key')
      .orderBy('id_key')
      .limit(limit)
      .execute();
    if (groups.length === 0) return [];
    const seqs = groups.flatMap((g) => [Number(g.first_seq), Number(g.last_seq)]);
    const bySeq = new Map<number, { kind: ChangeKind; id: string }>();
    for (const r of await this.db.selectFrom(CHANGE_LOG_TABLE).select(['seq', 'kind', 'entity_id']).where('seq', 'in', seqs).execute()) {
      bySeq.set(Number(r.seq), { kind: r.kind as ChangeKind, id: r.entity_id as string });
    }
    // A concurrent prune may remove rows between the two reads: such groups are left out here, and the caller
    // re-checks the pruned horizon after reading (a token it passed answers 410, never a partial round).
    const out: ChangedEntity[] = [];
    for (const g of groups) {
      const first = bySeq.get(Number(g.first_seq));
      const last = bySeq.get(Number(g.last_seq));
      if (first && last) out.push({ idKey: g.id_key as string, id: last.id, firstKind: first.kind, lastKind: last.kind });
    }
    return out;
  }

  async prune(before: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      // `at` grows with `seq` (both follow commit order), so the first row young enough bounds what goes.
      const keep = await trx.selectFrom(CHANGE_LOG_TABLE).select('seq').where('at', '>=', before).orderBy('seq').limit(1).executeTakeFirst();
      const last = keep
        ? { m: Number(keep.seq) - 1 }
        : await trx.selectFrom(CHANGE_LOG_TABLE).select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst();
      let through = Number(last?.m ?? 0);
      if (through <= 0) return 0;
      const needed = await trx.selectFrom(this.cursorTable).select((eb) => eb.fn.min('cursor_seq').as('m')).executeTakeFirst();
      if (needed?.m !== null && needed?.m !== undefined) through = Math.min(through, Number(needed.m));
      if (through <= (await this.horizonIn(trx))) return 0;
      const res = await trx.deleteFrom(CHANGE_LOG_TABLE).where('seq', '<=', through).executeTakeFirst();
      await trx
        .insertInto(CHANGE_LOG_META_TABLE)
        .values({ name: PRUNED_THROUGH, value: through })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value: through }))
        .execute();
      return Number(res.numDeletedRows);
    });
  }

  private async horizonIn(trx: Kysely<any>): Promise<number> {
    const row = await trx.selectFrom(CHANGE_LOG_META_TABLE).select('value').where('name', '=', PRUNED_THROUGH).executeTakeFirst();
    return Number(row?.value ?? 0);
  }
}

function toLogged(r: Record<string, unknown>): LoggedChange {
  return {
    seq: Number(r.seq),
    at: Number(r.at),
    tenantId: r.tenant_id as string,
    tableName: r.table_name as string,
    parentKey: r.parent_key as string,
    idKey: r.id_key as string,
    id: r.entity_id as string,
    kind: r.kind as ChangeKind,
  };
}
