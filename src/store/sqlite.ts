// The embedded default engine: one SQLite file (WAL) in the data directory, or memory for tests.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type ColumnDataType, type SqliteDatabase } from 'kysely';
import type { Model } from '../model/model.js';
import { StorageSchema, type ColumnKind } from './schema.js';
import { SqlStore, type Engine } from './sql-store.js';

const sqliteEngine: Engine = {
  name: 'sqlite',
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
};

/**
 * Kysely's SQLite driver prepares every statement it runs, and preparing costs several times what running a
 * lookup by key does. The SQL Kysely compiles is the same text for every request of a kind (values are bound
 * parameters), so prepared statements are kept by their text: a bounded map (the oldest entry goes first), since
 * query shapes ($filter, $orderby, IN lists) vary with the request.
 */
function withStatementCache(database: Database.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      const cached = cache.get(text);
      // A statement still being iterated (a streamed query) cannot run twice at once: use a fresh one then.
      if (cached && !cached.busy) return cached;
      const statement = database.prepare(text);
      if (!cached) {
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(text, statement);
      }
      return statement;
    },
  };
}

export interface SqliteOptions {
  /** Data directory; the database is `clientele.db` inside it. Ignored when inMemory. */
  location?: string;
  inMemory?: boolean;
}

export function openSqliteStore(model: Model, opts: SqliteOptions): SqlStore {
  let file = ':memory:';
  if (!opts.inMemory) {
    const dir = opts.location ?? './.clientele';
    mkdirSync(dir, { recursive: true });
    file = join(dir, 'clientele.db');
  }
  const database = new Database(file);
  // WAL with synchronous=NORMAL: durable across process crashes, fast enough for thousands of writes/s.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  // SQLite's lower()/upper() fold ASCII only; $filter's tolower/toupper and $search fold every letter, as
  // PostgreSQL does.
  const fold = (f: (s: string) => string) => (v: unknown) => (typeof v === 'string' ? f(v) : v);
  database.function('lower', { deterministic: true }, fold((s) => s.toLowerCase()));
  database.function('upper', { deterministic: true }, fold((s) => s.toUpperCase()));
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return new SqlStore(db, sqliteEngine, new StorageSchema(model));
}
