// The embedded default engine: one SQLite file (WAL) in the data directory, or memory for tests.
import { ensurePrivateDir, makePrivate } from './private-files.js';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
  type ColumnDataType,
} from 'kysely';
import type { Model } from '../model/model.js';
import { schemaDdl } from './migrations.js';
import { StorageSchema, type ColumnKind } from './schema.js';
import { SqlStore, type DirectSql, type Engine } from './sql-store.js';

const sqliteEngine: Engine = {
  name: 'sqlite',
  nullsFirstNative: true,
  columnType(kind: ColumnKind): ColumnDataType {
    switch (kind) {
      case 'int':
      case 'bigint':
      case 'bool':
        return 'integer';
      case 'double':
        return 'real';
      default:
        return 'text';
    }
  },
  encode(kind, value) {
    if (kind === 'json') return JSON.stringify(value);
    if (kind === 'bool') return value ? 1 : 0;
    return value;
  },
  decode(kind, raw) {
    if (kind === 'json') return JSON.parse(raw as string);
    if (kind === 'bool') return raw === 1 || raw === 1n;
    return raw;
  },
  isDuplicateKey(err) {
    const code = (err as { code?: string }).code;
    return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
  },
  unavailable(err) {
    // Another process held the write lock for longer than busy_timeout.
    const code = (err as { code?: string }).code;
    return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' ? 'The database is busy; try again shortly.' : undefined;
  },
  async withSchemaLock(db, fn) {
    // BEGIN IMMEDIATE takes the write lock up front; other processes wait for it (busy_timeout).
    return db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        const result = await fn(conn);
        await sql`commit`.execute(conn);
        return result;
      } catch (err) {
        await sql`rollback`.execute(conn);
        throw err;
      }
    });
  },
  async existingColumns(db) {
    const { rows } = await sql<{ t: string; c: string }>`
      select m.name as t, p.name as c from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table'`.execute(db);
    const out = new Map<string, Set<string>>();
    for (const r of rows) (out.get(r.t) ?? out.set(r.t, new Set()).get(r.t)!).add(r.c);
    return out;
  },
  addSequenceColumn(table, column) {
    // AUTOINCREMENT: never reuse a seq, even when the highest rows have been pruned.
    return table.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement());
  },
  async serializeChangeLog() {
    // One writer at a time (the database lock is held until commit): seq order is commit order already.
  },
};

export interface SqliteOptions {
  /** Data directory; the database is `clientele.db` inside it. Ignored when inMemory. */
  location?: string;
  inMemory?: boolean;
}

/** The database file and the files SQLite keeps beside it. */
function sqliteCompanions(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
}

/** The database file inside a data directory. */
export function sqliteFile(location: string): string {
  return join(location, 'clientele.db');
}

export function openSqliteStore(model: Model, opts: SqliteOptions): SqlStore {
  let file = ':memory:';
  if (!opts.inMemory) {
    const dir = opts.location ?? './.clientele';
    ensurePrivateDir(dir);
    file = sqliteFile(dir);
    // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the database file's mode.
    makePrivate(sqliteCompanions(file), file);
  }
  const database = new Database(file);
  // WAL with synchronous=NORMAL: durable across process crashes, fast enough for thousands of writes/s.
  database.pragma('journal_mode = WAL');
  if (!opts.inMemory) makePrivate(sqliteCompanions(file));
  database.pragma('synchronous = NORMAL');
  // Several processes (--workers, or servers sharing a data directory) wait for each other's writes.
  database.pragma('busy_timeout = 5000');
  // SQLite's lower()/upper() fold ASCII only; $filter's tolower/toupper and $search fold every letter, as
  // PostgreSQL does.
  const fold = (f: (s: string) => string) => (v: unknown) => (typeof v === 'string' ? f(v) : v);
  database.function('lower', { deterministic: true }, fold((s) => s.toLowerCase()));
  database.function('upper', { deterministic: true }, fold((s) => s.toUpperCase()));
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return new SqlStore(db, { ...sqliteEngine, direct: directSql(database) }, new StorageSchema(model));
}

/** The DDL of a fresh SQLite database, without opening one (`clientele schema --engine sqlite`). */
export function sqliteSchemaDdl(model: Model): string[] {
  const db = new Kysely<any>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new SqliteIntrospector(k),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });
  return schemaDdl(db, sqliteEngine, new StorageSchema(model));
}

/**
 * The hot statements' synchronous path (DirectSql). better-sqlite3 runs a statement to completion before
 * returning, so when no transaction is open on the connection (Kysely holds one across awaits), running one
 * now is what Kysely's queue would have done once its turn came. Prepared once by SQL text, in raw mode:
 * arrays are cheaper to make than objects. The hot statements are a few per table; filtered lists add one per
 * filter shape (list-statements.ts), which clients may vary, so the oldest are let go past `size`.
 */
function directSql(database: Database.Database, size = 512): DirectSql {
  const prepared = new Map<string, Database.Statement>();
  const statement = (source: string) => {
    let stmt = prepared.get(source);
    if (!stmt) {
      stmt = database.prepare(source);
      if (stmt.reader) stmt.raw(true);
      if (prepared.size >= size) prepared.delete(prepared.keys().next().value!);
      prepared.set(source, stmt);
    }
    return stmt;
  };
  const begin = database.prepare('begin');
  const commit = database.prepare('commit');
  const rollback = database.prepare('rollback');
  return {
    ready: () => !database.inTransaction && database.open,
    open: () => database.open,
    all: (source, params) => {
      const stmt = statement(source);
      if (stmt.reader) return stmt.all(...params) as unknown[][];
      stmt.run(...params);
      return [];
    },
    transaction: (fn, opts) => {
      // Not waiting: the lock held by another process is an error at once, not busy_timeout's wait (which
      // would stop this process's event loop meanwhile).
      const wait = opts?.wait === false ? (database.pragma('busy_timeout', { simple: true }) as number) : undefined;
      if (wait !== undefined) database.pragma('busy_timeout = 0');
      try {
        begin.run();
        try {
          const result = fn();
          commit.run();
          return result;
        } catch (err) {
          // SQLite may have rolled back already (some errors end the transaction themselves).
          if (database.inTransaction) rollback.run();
          throw err;
        }
      } finally {
        if (wait !== undefined) database.pragma(`busy_timeout = ${Number(wait)}`);
      }
    },
  };
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs about as much as running a small
 * statement, and a write is now several (begin, the write, the change-log append, commit). Reusing prepared
 * statements by SQL text takes about a quarter off a logged write (measured). Safe because better-sqlite3
 * runs each statement to completion synchronously and the store never streams (iterate) results.
 */
function withStatementCache(database: Database.Database, size = 256): Database.Database {
  const cache = new Map<string, Database.Statement>();
  const prepare = database.prepare.bind(database);
  return new Proxy(database, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const value = Reflect.get(target, prop, receiver);
        // Native methods must run on the real database object.
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (source: string) => {
        let stmt = cache.get(source);
        if (stmt) {
          // Most recently used last: Map keeps insertion order.
          cache.delete(source);
        } else {
          stmt = prepare(source);
          if (cache.size >= size) cache.delete(cache.keys().next().value!);
        }
        cache.set(source, stmt);
        return stmt;
      };
    },
  });
}
