// Composition root: model -> store -> query engine -> HTTP server, from one configuration object.
import type { FastifyInstance } from 'fastify';
import { loadModel } from './model/index.js';
import type { Model } from './model/model.js';
import { QueryEngine } from './odata/query.js';
import { createFilterCompiler, createSearchCompiler } from './odata/filter/index.js';
import { buildServer, type ServerDeps } from './http/server.js';
import { StorageSchema } from './store/schema.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';
import { FaultInjector, type FaultOptions } from './http/faults.js';
import { Throttle, type ThrottleOptions } from './http/throttle.js';

export interface ClienteleConfig {
  /** Data directory of the embedded store. */
  location?: string;
  inMemory?: boolean;
  maxPageSize?: number;
  defaultPageSize?: number;
  bodyLimit?: number;
  publicUrl?: string;
  mailboxDomain?: string;
  logger?: ServerDeps['logger'];
  throttle?: ThrottleOptions;
  faults?: FaultOptions;
}

export interface Clientele {
  app: FastifyInstance;
  model: Model;
  schema: StorageSchema;
  store: Store;
  query: QueryEngine;
  close(): Promise<void>;
}

export async function createClientele(config: ClienteleConfig = {}): Promise<Clientele> {
  const model = loadModel();
  const schema = new StorageSchema(model);
  const store = openSqliteStore(model, { location: config.location, inMemory: config.inMemory });
  await store.init();
  const query = new QueryEngine(
    { defaultPageSize: config.defaultPageSize ?? 100, maxPageSize: config.maxPageSize ?? 999 },
    createFilterCompiler(store),
    createSearchCompiler(store),
  );
  const app = await buildServer({
    model,
    schema,
    store,
    query,
    bodyLimit: config.bodyLimit,
    publicUrl: config.publicUrl,
    mailboxDomain: config.mailboxDomain,
    logger: config.logger,
    throttle: config.throttle ? new Throttle(config.throttle) : undefined,
    faults: config.faults ? new FaultInjector(config.faults) : undefined,
  });
  return {
    app,
    model,
    schema,
    store,
    query,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
