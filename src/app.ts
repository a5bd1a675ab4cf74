// Composition root: model -> store -> query engine -> HTTP server, from one configuration object.
import type { FastifyInstance } from 'fastify';
import { loadModel } from './model/index.js';
import type { Model } from './model/model.js';
import { QueryEngine } from './odata/query.js';
import { buildServer, type ServerDeps } from './http/server.js';
import { Metrics } from './ops/metrics.js';
import { StorageSchema } from './store/schema.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';

/** Where the data lives: shared by the server and the commands that work on the store directly. */
export interface StoreConfig {
  /** Data directory of the embedded store. */
  location?: string;
  inMemory?: boolean;
}

export interface ClienteleConfig extends StoreConfig {
  maxPageSize?: number;
  defaultPageSize?: number;
  bodyLimit?: number;
  publicUrl?: string;
  mailboxDomain?: string;
  logger?: ServerDeps['logger'];
  /** Prometheus metrics at /metrics (default on). */
  metrics?: boolean;
}

export interface Clientele {
  app: FastifyInstance;
  store: Store;
  model: Model;
  schema: StorageSchema;
  close(): Promise<void>;
}

/** Opens (and migrates) the configured store. */
export async function openStore(model: Model, config: StoreConfig): Promise<Store> {
  const store = openSqliteStore(model, { location: config.location, inMemory: config.inMemory });
  await store.init();
  return store;
}

export async function createClientele(config: ClienteleConfig = {}): Promise<Clientele> {
  const model = loadModel();
  const schema = new StorageSchema(model);
  const metrics = config.metrics === false ? undefined : new Metrics();
  const rawStore = await openStore(model, config);
  const store = metrics ? metrics.instrumentStore(rawStore) : rawStore;
  const query = new QueryEngine({ defaultPageSize: config.defaultPageSize ?? 100, maxPageSize: config.maxPageSize ?? 999 });
  const app = await buildServer({
    model,
    schema,
    store,
    query,
    bodyLimit: config.bodyLimit,
    publicUrl: config.publicUrl,
    mailboxDomain: config.mailboxDomain,
    logger: config.logger,
    metrics,
  });
  return {
    app,
    store,
    model,
    schema,
    async close() {
      // Fastify stops accepting connections and waits for in-flight requests; then the store closes.
      await app.close();
      await store.close();
    },
  };
}
