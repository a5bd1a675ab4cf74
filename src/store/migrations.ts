// Versioned schema migrations. The model is the schema: every table, column and index it derives is one
// migration step with a stable id ("table booking_customers", "column booking_customers.phones", ...), so
// adding a property to the model adds a step. Applied steps are recorded in `clientele_migrations`; on start
// the missing ones run in order, in one transaction that holds the engine's schema lock (PostgreSQL advisory
// lock, SQLite BEGIN IMMEDIATE): processes starting at once queue up, and the later ones find nothing to do.
// The fixed tables beside the model's (change log, notification delivery) are steps too, one per statement.
import { sql, type Compilable, type Kysely } from 'kysely';
import { changeLogDdl } from './change-log.js';
import { deliveryDdl } from './deliveries.js';
import type { StorageSchema, TableDef } from './schema.js';
import type { Engine } from './sql-store.js';

export const MIGRATIONS_TABLE = 'clientele_migrations';
export const SETTINGS_TABLE = 'clientele_settings';

/** Columns per table as they exist now (a database may predate the migration log, or be made from docs DDL). */
export type ExistingColumns = Map<string, Set<string>>;

export interface MigrationStep {
  id: string;
  /** True when the step's object already exists, so only its record is missing. */
  present?(existing: ExistingColumns): boolean;
  /** The table and columns the step creates (later steps of the same run see them as existing). */
  creates?: { table: string; columns: string[] };
  statements(db: Kysely<any>): Compilable[];
}

/**
 * Steps for fixed DDL (the change log, notification delivery): one per CREATE ... IF NOT EXISTS statement,
 * named after the object it creates, so that a table or index added there later runs once on old databases.
 */
function fixedSteps(statements: Compilable[]): MigrationStep[] {
  return statements.map((stmt) => {
    const m = /^create (table|index) if not exists "([^"]+)"/.exec(stmt.compile().sql);
    if (!m) throw new Error(`not a CREATE ... IF NOT EXISTS statement: ${stmt.compile().sql}`);
    return { id: `${m[1]} ${m[2]}`, statements: () => [stmt] };
  });
}

/** Every step the model (and the fixed tables beside it) asks for, in the order they must run. */
export function planMigrations(db: Kysely<any>, schema: StorageSchema, eng: Engine): MigrationStep[] {
  const steps: MigrationStep[] = [
    {
      // Values every process on this database shares (the $skiptoken signing key): not tenant data.
      id: `table ${SETTINGS_TABLE}`,
      statements: (db) => [
        db.schema
          .createTable(SETTINGS_TABLE)
          .ifNotExists()
          .addColumn('name', eng.columnType('text'), (c) => c.primaryKey())
          .addColumn('value', eng.columnType('text'), (c) => c.notNull()),
      ],
    },
  ];
  for (const t of schema.tables) {
    steps.push({
      id: `table ${t.name}`,
      present: (existing) => existing.has(t.name),
      creates: { table: t.name, columns: [...t.columns.map((c) => c.name), ...t.wire.map((w) => w.column)] },
      statements: (db) => [createTable(db, eng, t)],
    });
    for (const col of t.columns) {
      steps.push({
        id: `column ${t.name}.${col.name}`,
        present: (existing) => existing.get(t.name)?.has(col.name) ?? false,
        creates: { table: t.name, columns: [col.name] },
        statements: (db) => [db.schema.alterTable(t.name).addColumn(col.name, eng.columnType(col.kind)), ...backfill(db, eng, t, col)],
      });
    }
    for (const w of t.wire) {
      steps.push({
        id: `column ${t.name}.${w.column}`,
        present: (existing) => existing.get(t.name)?.has(w.column) ?? false,
        creates: { table: t.name, columns: [w.column] },
        statements: (db) => [db.schema.alterTable(t.name).addColumn(w.column, eng.columnType('text'))],
      });
    }
    for (const ix of t.indexes) {
      steps.push({
        id: `index ${ix.name}`,
        statements: (db) => [
          db.schema
            .createIndex(ix.name)
            .ifNotExists()
            .on(t.name)
            .expression(
              sql.join([
                sql.ref('tenant_id'),
                sql.ref('parent_key'),
                // The index order must match the list order (NULLs first ascending, see SqlStore.listQuery) for
                // keyset pages to use it; columns that never hold NULL keep the plain order.
                ...ix.columns.map((c) =>
                  eng.nullsFirstNative || t.columnByProperty.get(c)?.property.nullable === false ? sql.ref(c) : sql`${sql.ref(c)} nulls first`,
                ),
                sql.ref('id_key'),
              ]),
            ),
        ],
      });
    }
  }
  steps.push(...fixedSteps(changeLogDdl(db, eng)), ...fixedSteps(deliveryDdl(db, eng)));
  return steps;
}

/**
 * Rows that predate a column whose property has a default get it, as a create would have given them (a
 * business stored before `businessHours` existed gets Graph's default hours): the data is migrated, not left null.
 */
function backfill(db: Kysely<any>, eng: Engine, t: TableDef, col: TableDef['columns'][number]): Compilable[] {
  const value = col.property.defaultValue;
  if (value === undefined || value === null) return [];
  return [db.updateTable(t.name).set({ [col.name]: eng.encode(col.kind, value) }).where(col.name, 'is', null)];
}

function createMigrationsTable(db: Kysely<any>, eng: Engine) {
  return db.schema
    .createTable(MIGRATIONS_TABLE)
    .ifNotExists()
    .addColumn('id', eng.columnType('text'), (c) => c.primaryKey())
    .addColumn('applied_at', eng.columnType('text'), (c) => c.notNull());
}

/** tenant_id leads the primary key (and every index): rows of one tenant sit together, and Citus can shard on it. */
function createTable(db: Kysely<any>, eng: Engine, t: TableDef): Compilable {
  let create = db.schema
    .createTable(t.name)
    .ifNotExists()
    .addColumn('tenant_id', eng.columnType('text'), (c) => c.notNull())
    .addColumn('parent_key', eng.columnType('text'), (c) => c.notNull())
    .addColumn('id_key', eng.columnType('text'), (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1));
  for (const col of t.columns) create = create.addColumn(col.name, eng.columnType(col.kind));
  for (const w of t.wire) create = create.addColumn(w.column, eng.columnType('text'));
  return create.addPrimaryKeyConstraint(`pk_${t.name}`, ['tenant_id', 'parent_key', 'id_key']);
}

/** Applies the missing steps under the engine's schema lock; returns the ids it applied. */
export async function migrate(db: Kysely<any>, eng: Engine, schema: StorageSchema): Promise<string[]> {
  const steps = planMigrations(db, schema, eng);
  return eng.withSchemaLock(db, async (trx) => {
    await createMigrationsTable(trx, eng).execute();
    const applied = new Set((await trx.selectFrom(MIGRATIONS_TABLE).select('id').execute()).map((r) => r.id as string));
    const pending = steps.filter((s) => !applied.has(s.id));
    if (pending.length === 0) return [];
    const existing = await eng.existingColumns(trx);
    for (const step of pending) {
      if (!step.present?.(existing)) {
        for (const stmt of step.statements(trx)) await trx.executeQuery(stmt.compile());
        noteCreated(existing, step);
      }
      await trx.insertInto(MIGRATIONS_TABLE).values({ id: step.id, applied_at: new Date().toISOString() }).execute();
    }
    return pending.map((s) => s.id);
  });
}

function noteCreated(existing: ExistingColumns, step: MigrationStep): void {
  if (!step.creates) return;
  const cols = existing.get(step.creates.table) ?? new Set<string>();
  for (const c of step.creates.columns) cols.add(c);
  existing.set(step.creates.table, cols);
}

/** The DDL a fresh database gets, as SQL text (what `clientele schema` prints; docs/citus.sql is built from it). */
export function schemaDdl(db: Kysely<any>, eng: Engine, schema: StorageSchema): string[] {
  const out = [createMigrationsTable(db, eng).compile().sql];
  const existing: ExistingColumns = new Map();
  for (const step of planMigrations(db, schema, eng)) {
    if (step.present?.(existing)) continue; // on a fresh database, columns come with their table's CREATE
    for (const stmt of step.statements(db)) out.push(stmt.compile().sql);
    noteCreated(existing, step);
  }
  return out;
}
