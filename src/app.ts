// Composition root: model -> store -> query engine -> HTTP server, from one configuration object.
import type { FastifyInstance } from 'fastify';
import { DEFAULT_CHANGE_RETENTION_MS } from './handlers/entities.js';
import { EntityHookRegistry } from './handlers/hooks.js';
import { loadModel } from './model/index.js';
import { SUBSCRIPTION_TYPE } from './model/schemas/subscriptions.js';
import { NotificationDispatcher, type DispatcherOptions } from './notifications/dispatcher.js';
import { subscriptionHooks } from './notifications/subscription-hooks.js';
import { QueryEngine } from './odata/query.js';
import { buildServer, type ServerDeps } from './http/server.js';
import { StorageSchema } from './store/schema.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';

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
  /**
   * How long the change log keeps changes (default 7 days, Graph's delta token lifetime for directory
   * objects): a delta token older than this answers 410 Gone (syncStateNotFound).
   */
  changeRetentionMs?: number;
  notifications?: NotificationsConfig;
}

/** Change notifications (subscriptions): the delivery schedule and what a subscription may ask for. */
export interface NotificationsConfig extends Partial<Omit<DispatcherOptions, 'changeRetentionMs'>> {
  /**
   * Run the dispatcher in this process (default true). Subscriptions are accepted either way; the dispatcher also
   * removes expired subscriptions and prunes the change log, so at least one process sharing a database runs it.
   */
  deliver?: boolean;
  /** Longest subscription lifetime, in minutes from now (default 4230, Graph's for most resources). */
  maxExpirationMinutes?: number;
  /** How long a notification URL has to answer the validation request (default 10 000 ms, as Graph). */
  validationTimeoutMs?: number;
  /** Accept http:// notification URLs on any host (loopback hosts are always accepted). */
  allowHttp?: boolean;
}

export interface Clientele {
  app: FastifyInstance;
  store: Store;
  /** Delivers change notifications; undefined when `notifications.deliver` is false. */
  dispatcher?: NotificationDispatcher;
  close(): Promise<void>;
}

export async function createClientele(config: ClienteleConfig = {}): Promise<Clientele> {
  const model = loadModel();
  const schema = new StorageSchema(model);
  const store = openSqliteStore(model, { location: config.location, inMemory: config.inMemory });
  await store.init();
  const query = new QueryEngine({ defaultPageSize: config.defaultPageSize ?? 100, maxPageSize: config.maxPageSize ?? 999 });
  const changeRetentionMs = config.changeRetentionMs ?? DEFAULT_CHANGE_RETENTION_MS;
  const n = config.notifications ?? {};
  const hooks = new EntityHookRegistry().register(
    SUBSCRIPTION_TYPE,
    subscriptionHooks(store, {
      maxExpirationMinutes: n.maxExpirationMinutes ?? 4230,
      validationTimeoutMs: n.validationTimeoutMs ?? 10_000,
      allowHttp: n.allowHttp ?? false,
    }),
  );
  const app = await buildServer({
    model,
    schema,
    store,
    query,
    hooks,
    changeRetentionMs,
    bodyLimit: config.bodyLimit,
    publicUrl: config.publicUrl,
    mailboxDomain: config.mailboxDomain,
    logger: config.logger,
  });
  let dispatcher: NotificationDispatcher | undefined;
  if (n.deliver !== false) {
    dispatcher = new NotificationDispatcher(store, model, schema, { ...n, changeRetentionMs }, app.log);
    dispatcher.start();
  }
  return {
    app,
    store,
    dispatcher,
    async close() {
      await dispatcher?.stop();
      await app.close();
      await store.close();
    },
  };
}
