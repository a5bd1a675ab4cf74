// Opens the configured store: shared by the server (app.ts) and the commands that work on the data
// directly, which need none of the server's modules.
import type { Model } from '../model/model.js';
import { isPostgresUrl, openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** Where the data lives. */
export interface StoreConfig {
  /** A postgres:// URL selects the PostgreSQL engine; unset, the embedded SQLite store is used. */
  db?: string;
  /** PostgreSQL schema for Clientele's tables (default: the connection's search_path, normally `public`). */
  dbSchema?: string;
  /** PostgreSQL connections per process (default 10). */
  dbPoolSize?: number;
  /** Milliseconds a PostgreSQL statement may run (default 30 000). */
  dbStatementTimeoutMs?: number;
  /** Milliseconds to wait for a PostgreSQL connection before answering 503 (default 5 000). */
  dbConnectTimeoutMs?: number;
  /** application_name of the PostgreSQL connections (default `clientele`). */
  dbApplicationName?: string;
  /** Data directory of the embedded store (and of the dev issuer's signing key). */
  location?: string;
  inMemory?: boolean;
}

/** Opens (and migrates) the configured store; closes it again when migrating fails. */
export async function openStore(model: Model, config: StoreConfig): Promise<Store> {
  let store: Store;
  if (config.db !== undefined) {
    if (!isPostgresUrl(config.db)) throw new Error(`the database URL must start with postgres:// or postgresql://`);
    store = openPostgresStore(model, {
      url: config.db,
      schema: config.dbSchema,
      poolSize: config.dbPoolSize,
      statementTimeoutMs: config.dbStatementTimeoutMs,
      connectTimeoutMs: config.dbConnectTimeoutMs,
      applicationName: config.dbApplicationName,
    });
  } else {
    store = openSqliteStore(model, { location: config.location, inMemory: config.inMemory });
  }
  try {
    await store.init();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
