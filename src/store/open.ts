// Opens the configured store: shared by the server (app.ts) and the commands that work on the data
// directly, which need none of the server's modules.
import type { Model } from '../model/model.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** Where the data lives. */
export interface StoreConfig {
  /** Data directory of the embedded store (and of the dev issuer's signing key). */
  location?: string;
  inMemory?: boolean;
}

/** Opens (and migrates) the configured store. */
export async function openStore(model: Model, config: StoreConfig): Promise<Store> {
  const store = openSqliteStore(model, { location: config.location, inMemory: config.inMemory });
  await store.init();
  return store;
}
