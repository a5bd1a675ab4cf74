// A store that outlives one server, on the engine of this test run, with direct SQL access for tests that
// look at (or tamper with) the schema: a fresh PostgreSQL schema, or a SQLite file in a temporary directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ClienteleConfig } from '../../src/app.js';
import type { Model } from '../../src/model/model.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import pg from 'pg';
import { freshSchema } from './postgres.js';
import { testDbUrl } from './server.js';

export interface TestStore {
  engine: 'sqlite' | 'postgres';
  /** Spread into startServer()'s config. */
  config: ClienteleConfig;
  /** Runs SQL text (several statements allowed) in the store's schema. */
  exec(text: string): Promise<void>;
  query<T = Record<string, unknown>>(text: string): Promise<T[]>;
  dispose(): Promise<void>;
}

export function testStore(): TestStore {
  const url = testDbUrl();
  if (url) {
    const schema = freshSchema(url);
    /** Rows of the last statement of `text`, run with the store's schema first on the search path. */
    const run = async (text: string): Promise<any[]> => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`create schema if not exists "${schema.name}"; set search_path to "${schema.name}"`);
        const result = (await client.query(text)) as pg.QueryResult | pg.QueryResult[];
        return Array.isArray(result) ? result.at(-1)!.rows : result.rows;
      } finally {
        await client.end();
      }
    };
    return {
      engine: 'postgres',
      config: { db: url, dbSchema: schema.name },
      exec: async (text) => void (await run(text)),
      query: run,
      dispose: schema.drop,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'clientele-store-'));
  const file = join(dir, 'clientele.db');
  const withDb = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(file);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  return {
    engine: 'sqlite',
    config: { location: dir, inMemory: false },
    exec: async (text) => withDb((db) => void db.exec(text)),
    query: async (text) => withDb((db) => db.prepare(text).all() as any[]),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh store on the engine of this run, opened directly (below HTTP); closing it also drops its data. */
export async function openTestStore(model: Model): Promise<SqlStore> {
  const url = testDbUrl();
  if (!url) {
    const store = openSqliteStore(model, { inMemory: true });
    await store.init();
    return store;
  }
  const schema = freshSchema(url);
  const store = openPostgresStore(model, { url, schema: schema.name });
  await store.init();
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await schema.drop();
  };
  return store;
}
