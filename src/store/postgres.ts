// The scale-out engine: PostgreSQL (and Postgres-compatible engines such as Citus) through a `pg` pool.
// Same query code as SQLite (sql-store.ts); this file only says how PostgreSQL differs.
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type ColumnDataType,
  type Expression,
} from 'kysely';
import pg from 'pg';
import type { Model } from '../model/model.js';
import { schemaDdl } from './migrations.js';
import { StorageSchema, type ColumnKind } from './schema.js';
import { SqlStore, type Engine } from './sql-store.js';

// Text compares byte-wise ("C" collation) so that $orderby and keyset pages agree with SQLite's BINARY
// order, whatever the database's default collation is. DateTimeOffset stays canonical text (values.ts).
const TEXT = sql`text collate "C"`;

/** SQLSTATEs that mean "the database cannot answer now", not "the query is wrong". */
const UNAVAILABLE_STATES: Record<string, string> = {
  '57P01': 'The database is shutting down or the connection was terminated.',
  '57P02': 'The database crashed and is restarting.',
  '57P03': 'The database is starting up.',
  '53300': 'The database has no free connections.',
  '57014': 'The database did not answer within the statement timeout.',
  '40001': 'The database could not serialise concurrent writes; try again.',
  '40P01': 'The database resolved a deadlock by cancelling this request; try again.',
};
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const POOL_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed)/;

function unavailable(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (UNAVAILABLE_STATES[code]) return UNAVAILABLE_STATES[code];
    if (code.startsWith('08')) return 'The connection to the database failed.';
    if (NETWORK_CODES.has(code)) return `The database cannot be reached (${code}).`;
  }
  if (typeof message === 'string' && POOL_MESSAGES.test(message)) return 'The connection to the database was lost.';
  return undefined;
}

/** Distinct statement texts prepared by name (see postgresEngine's nameOf). */
const PREPARED_MAX = 500;

/** `schemaName` undefined: the connection's own current_schema() (public, or what the role's search_path says). */
function postgresEngine(schemaName: string | undefined, pool?: pg.Pool): Engine {
  const schemaExpr = schemaName === undefined ? sql`current_schema()` : sql`${schemaName}::text`;
  // Hot statements and list queries as named (prepared) statements: each connection parses and plans one
  // once, and later runs send only its name and the values. Names are per statement text, the same on every
  // connection. Past PREPARED_MAX texts (filters of many shapes), statements go unnamed, so that neither
  // this process nor the server keeps an unbounded number of them.
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name && names.size < PREPARED_MAX) names.set(text, (name = `clientele_${names.size + 1}`));
    return name;
  };
  return {
    name: 'postgres',
    query: pool
      ? async (text, params) => (await pool.query({ name: nameOf(text), text, values: params, rowMode: 'array' })).rows
      : undefined,
    nullsFirstNative: false,
    columnType(kind: ColumnKind): ColumnDataType | Expression<unknown> {
      switch (kind) {
        case 'int':
          return 'integer';
        case 'bigint':
          return 'bigint';
        case 'bool':
          return 'boolean';
        case 'double':
          return 'double precision';
        case 'json':
          return 'jsonb';
        default:
          return TEXT;
      }
    },
    encode(kind, value) {
      // pg would send a JS array as a PostgreSQL array: JSON goes as text, cast by the jsonb column.
      if (kind === 'json') return JSON.stringify(value);
      if (kind === 'double' && typeof value === 'string') return value === 'INF' ? 'Infinity' : value === '-INF' ? '-Infinity' : value;
      return value;
    },
    decode(kind, raw) {
      // pg parses jsonb and boolean itself; int8 arrives as a string (it may exceed 2^53, but Edm.Int64 values are checked safe).
      if (kind === 'bigint') return Number(raw);
      if (kind === 'double' && typeof raw === 'number' && !Number.isFinite(raw)) return Number.isNaN(raw) ? 'NaN' : raw > 0 ? 'INF' : '-INF';
      return raw;
    },
    isDuplicateKey(err) {
      return (err as { code?: string }).code === '23505';
    },
    unavailable,
    addSequenceColumn(table, column) {
      // An identity never hands out a value twice, also after the highest rows were pruned.
      return table.addColumn(column, 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity());
    },
    changeLogLockExpression(tenant) {
      // The same lock as serializeChangeLog's; the schema name is checked (SCHEMA_NAME) before it gets here.
      const schema = schemaName === undefined ? 'current_schema()' : `'${schemaName}'::text`;
      return `pg_advisory_xact_lock(hashtext('clientele:changes:' || ${schema} || ':' || ${tenant}::text))`;
    },
    async serializeChangeLog(trx, tenantId) {
      // A tenant's appends commit in seq order: the next writer waits until this transaction ends.
      await sql`select pg_advisory_xact_lock(hashtext(${'clientele:changes:'} || ${schemaExpr} || ':' || ${tenantId}))`.execute(trx);
    },
    async withSchemaLock(db, fn) {
      return db.transaction().execute(async (trx) => {
        // Migrations may wait for another process's; they are not subject to the request statement timeout.
        await sql`set local statement_timeout = '5min'`.execute(trx);
        // One lock per schema: test runs (and tenants of a shared database) in other schemas do not wait.
        await sql`select pg_advisory_xact_lock(hashtext('clientele:' || ${schemaExpr}))`.execute(trx);
        if (schemaName !== undefined) await sql`create schema if not exists ${sql.id(schemaName)}`.execute(trx);
        return fn(trx);
      });
    },
    async existingColumns(db) {
      const { rows } = await sql<{ t: string; c: string }>`
        select table_name as t, column_name as c from information_schema.columns where table_schema = ${schemaExpr}`.execute(db);
      const out = new Map<string, Set<string>>();
      for (const r of rows) (out.get(r.t) ?? out.set(r.t, new Set()).get(r.t)!).add(r.c);
      return out;
    },
    async close() {
      if (pool && !pool.ended) await pool.end();
    },
  };
}

export interface PostgresOptions {
  /** postgres://user@host:port/database (libpq URL; `?sslmode=...` and the like are honoured by pg). */
  url: string;
  /** Schema for Clientele's tables, created when missing (default: the role's search_path, normally `public`). */
  schema?: string;
  /** Connections this process keeps at most (default 10). */
  poolSize?: number;
  /** Milliseconds one statement may run before PostgreSQL cancels it (default 30 000; 0 = no limit). */
  statementTimeoutMs?: number;
  /** Milliseconds to wait for a connection (from the pool, or a new one) before answering 503 (default 5 000). */
  connectTimeoutMs?: number;
  /** Shown in pg_stat_activity (default `clientele`). */
  applicationName?: string;
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function openPostgresStore(model: Model, opts: PostgresOptions): SqlStore {
  const schemaName = opts.schema;
  if (schemaName !== undefined && !SCHEMA_NAME.test(schemaName)) throw new Error(`'${schemaName}' is not a valid schema name (letters, digits and _)`);
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    statement_timeout: opts.statementTimeoutMs ?? 30_000,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    application_name: opts.applicationName ?? 'clientele',
    // Every connection of the pool works in the store's schema. Without one, no startup option is sent
    // (connection poolers such as PgBouncer refuse unknown ones): the role's own search_path applies.
    // PGOPTIONS from the environment still applies, as with libpq (pg drops it once options are given).
    options: [process.env.PGOPTIONS, schemaName === undefined ? undefined : `-c search_path=${schemaName}`].filter(Boolean).join(' ') || undefined,
  });
  // A connection that dies (server restart, pg_terminate_backend, network) emits 'error': with nobody
  // listening that would crash the process. The query running on it fails on its own (-> 503); the pool
  // drops the broken connection when it is released or while idle, and the next request connects afresh.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  return new SqlStore(db, postgresEngine(schemaName, pool), new StorageSchema(model));
}

/** The DDL of a fresh PostgreSQL database, without connecting to one (`clientele schema`). */
export function postgresSchemaDdl(model: Model): string[] {
  const db = new Kysely<any>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return schemaDdl(db, postgresEngine(undefined), new StorageSchema(model));
}

/**
 * Citus: every tenant table distributed by tenant_id and co-located with the first, so that one tenant's rows
 * (a business and its customers) share a node and every query Clientele sends (all filter by tenant_id) runs
 * on a single shard. Clientele's own small tables stay plain tables on the coordinator.
 */
export function citusDistribution(model: Model): string[] {
  const schema = new StorageSchema(model);
  const depth = (t: (typeof schema.tables)[number]): number => (t.parent ? 1 + depth(schema.table(t.parent)) : 0);
  // Containers first: the top-level table is the one the others are co-located with.
  const tables = [...schema.tables].sort((a, b) => depth(a) - depth(b)).map((t) => t.name);
  return tables.map((t, i) =>
    i === 0
      ? `select create_distributed_table('${t}', 'tenant_id')`
      : `select create_distributed_table('${t}', 'tenant_id', colocate_with => '${tables[0]}')`,
  );
}
