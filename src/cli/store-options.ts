// The options every command that works on the store directly shares (import, export, seed, reset,
// snapshot, restore): where the data lives and which tenant. The server does not have to run.
// The store's modules are loaded only when a command opens it, so that --help and usage errors are instant.
import { accessSync, constants, statSync } from 'node:fs';
import { ensurePrivateDir } from '../store/private-files.js';
import type { StoreConfig } from '../store/open.js';
import { DEFAULT_TENANT_ID } from '../auth/principal.js';
import type { Model } from '../model/model.js';
import type { StorageSchema } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { env, UsageError } from './util.js';

export const DEFAULT_LOCATION = './.clientele';

export const storeOptionSpecs = {
  location: { type: 'string' },
  db: { type: 'string' },
  'db-schema': { type: 'string' },
} as const;

export const tenantOptionSpecs = {
  tenant: { type: 'string' },
} as const;

export const STORE_HELP =
  `  --location <dir>     data directory of the embedded store [CLIENTELE_LOCATION] (default ${DEFAULT_LOCATION})\n` +
  `  --db <url>           a postgres:// URL: work on that PostgreSQL database instead [CLIENTELE_DB, or DATABASE_URL]\n` +
  `  --db-schema <name>   PostgreSQL schema of Clientele's tables [CLIENTELE_DB_SCHEMA]\n`;
export const TENANT_HELP = `  --tenant <id>        tenant whose data to use [CLIENTELE_TENANT] (default ${DEFAULT_TENANT_ID})\n`;

/** The data directory: --location, else CLIENTELE_LOCATION, else the default. */
export function locationFrom(values: { location?: string }): string {
  return values.location ?? env('CLIENTELE_LOCATION') ?? DEFAULT_LOCATION;
}

/** The PostgreSQL URL: --db, else CLIENTELE_DB, else DATABASE_URL; undefined for the embedded store. */
export function dbUrlFrom(values: { db?: string }): string | undefined {
  const db = values.db ?? env('CLIENTELE_DB') ?? env('DATABASE_URL');
  if (db !== undefined && !/^postgres(ql)?:\/\//i.test(db)) throw new UsageError('--db: expected a postgres:// or postgresql:// URL');
  return db;
}

/** The same choice as `serve` makes: --db (or its environment variables) selects PostgreSQL, else the data directory. */
export function storeConfigFrom(values: { location?: string; db?: string; 'db-schema'?: string }): StoreConfig & { location: string } {
  const db = dbUrlFrom(values);
  if (db !== undefined && values.location !== undefined) throw new UsageError('--db and --location exclude each other');
  const dbSchema = values['db-schema'] ?? env('CLIENTELE_DB_SCHEMA');
  if (dbSchema !== undefined && db === undefined) throw new UsageError('--db-schema needs --db');
  return { location: locationFrom(values), db, dbSchema };
}

/** Where the data lives, for messages: never the database URL's credentials. */
export function describeStore(config: StoreConfig): string {
  if (config.db) {
    const u = new URL(config.db);
    return `PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}${config.dbSchema ? ` (schema ${config.dbSchema})` : ''}`;
  }
  return config.inMemory ? 'memory' : `'${config.location}'`;
}

export function tenantFrom(values: { tenant?: string }): string {
  return values.tenant ?? env('CLIENTELE_TENANT') ?? DEFAULT_TENANT_ID;
}

function reason(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return 'it (or a parent) is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return err.message;
  }
}

/** Creates the data directory when missing and checks it can be written: one readable line when not. */
export function ensureDataDir(dir: string): void {
  try {
    ensurePrivateDir(dir);
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new Error(`data directory '${dir}' is not usable: ${reason(err as NodeJS.ErrnoException)}`);
  }
}

export interface OpenedStore {
  model: Model;
  schema: StorageSchema;
  store: Store;
}

/**
 * Opens the store for a command. `mustExist` refuses to create an empty one (export and reset of data
 * that is not there is a mistake worth reporting, not an empty result).
 */
export async function openCommandStore(config: StoreConfig & { location: string }, opts: { mustExist?: boolean } = {}): Promise<OpenedStore> {
  const [{ openStore }, { loadModel }, { StorageSchema }, { sqliteFile }] = await Promise.all([
    import('../store/open.js'),
    import('../model/index.js'),
    import('../store/schema.js'),
    import('../store/sqlite.js'),
  ]);
  if (config.db !== undefined) {
    // PostgreSQL: opening migrates the schema; data that is not there shows as empty (or a 404 for a business).
  } else if (opts.mustExist) {
    let exists = false;
    try {
      exists = statSync(sqliteFile(config.location)).isFile();
    } catch {
      exists = false;
    }
    if (!exists) throw new Error(`no data in '${config.location}' (${sqliteFile(config.location)} does not exist)`);
  } else {
    ensureDataDir(config.location);
  }
  const model = loadModel();
  let store: Store;
  try {
    store = await openStore(model, config);
  } catch (err) {
    throw new Error(`cannot open the store in ${describeStore(config)}: ${(err as Error).message}`);
  }
  return { model, schema: new StorageSchema(model), store };
}
