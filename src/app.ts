// Composition root: model -> store -> query engine -> auth -> HTTP server, from one configuration object.
import type { FastifyInstance } from 'fastify';
import { createAuth, type AuthConfig } from './auth/index.js';
import { devIssuerDiscovery } from './auth/discovery.js';
import type { DevIssuer } from './auth/dev-issuer.js';
import { loadModel } from './model/index.js';
import type { Model } from './model/model.js';
import { QueryEngine } from './odata/query.js';
import { createFilterCompiler, createSearchCompiler } from './odata/filter/index.js';
import { buildServer, type ServerDeps } from './http/server.js';
import type { TlsMaterial } from './http/tls.js';
import { StorageSchema } from './store/schema.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';
import { FaultInjector, type FaultOptions } from './http/faults.js';
import { Throttle, type ThrottleOptions } from './http/throttle.js';

export interface ClienteleConfig {
  /** Data directory of the embedded store (and of the dev issuer's signing key). */
  location?: string;
  inMemory?: boolean;
  maxPageSize?: number;
  defaultPageSize?: number;
  bodyLimit?: number;
  publicUrl?: string;
  mailboxDomain?: string;
  logger?: ServerDeps['logger'];
  /** Bearer tokens: required by default, checked against the dev issuer and any configured issuer. */
  auth?: AuthConfig;
  /** Serve https with this certificate and key (PEM). */
  tls?: TlsMaterial;
  throttle?: ThrottleOptions;
  faults?: FaultOptions;
}

export interface Clientele {
  app: FastifyInstance;
  model: Model;
  schema: StorageSchema;
  store: Store;
  query: QueryEngine;
  /** The built-in dev issuer when the server trusts it: `await clientele.devIssuer.mint({...})`. */
  devIssuer?: DevIssuer;
  close(): Promise<void>;
}

export async function createClientele(config: ClienteleConfig = {}): Promise<Clientele> {
  const model = loadModel();
  const schema = new StorageSchema(model);
  // In memory, the dev issuer's key lives (and dies) with the process, like the data.
  let app: FastifyInstance | undefined;
  const auth = await createAuth(config.auth ?? {}, config.inMemory ? undefined : (config.location ?? './.clientele'), (err) =>
    app?.log.error({ err }, 'the signing keys of a token issuer could not be loaded'),
  );
  const store = openSqliteStore(model, { location: config.location, inMemory: config.inMemory });
  await store.init();
  const query = new QueryEngine(
    { defaultPageSize: config.defaultPageSize ?? 100, maxPageSize: config.maxPageSize ?? 999 },
    createFilterCompiler(store),
    createSearchCompiler(store),
  );
  app = await buildServer({
    model,
    schema,
    store,
    query,
    authenticate: auth.authenticate,
    authorize: auth.authorize,
    discovery: auth.devIssuer ? devIssuerDiscovery(auth.devIssuer) : undefined,
    mintDevToken: auth.devIssuer ? (opts) => auth.devIssuer!.mint(opts) : undefined,
    tls: config.tls,
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
    devIssuer: auth.devIssuer,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
