// Composition root: model -> store -> query engine -> auth -> HTTP server, from one configuration object.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createAuth, type Auth, type AuthConfig } from './auth/index.js';
import { devIssuerDiscovery } from './auth/discovery.js';
import type { DevIssuer } from './auth/dev-issuer.js';
import { DEFAULT_CHANGE_RETENTION_MS } from './handlers/entities.js';
import { registerBookingsBehaviour } from './bookings/index.js';
import type { AppointmentOptions } from './bookings/booking-appointment.js';
import { assertActionsHandled, EntityHookRegistry } from './handlers/hooks.js';
import { loadModel } from './model/index.js';
import type { Model } from './model/model.js';
import { SUBSCRIPTION_TYPE } from './model/schemas/subscriptions.js';
import { NotificationDispatcher, type DispatcherOptions } from './notifications/dispatcher.js';
import { subscriptionHooks } from './notifications/subscription-hooks.js';
import { AllowList, type DestinationPolicy } from './notifications/destination.js';
import type { HttpTimeouts } from './http/timeouts.js';
import { QueryEngine } from './odata/query.js';
import { createFilterCompiler, createSearchCompiler } from './odata/filter/index.js';
import { buildServer, type ServerDeps } from './http/server.js';
import type { TlsMaterial } from './http/tls.js';
import { Metrics } from './ops/metrics.js';
import { StorageSchema } from './store/schema.js';
import { openStore, type StoreConfig } from './store/open.js';
import type { Store } from './store/store.js';
import { DEFAULT_TENANT_ID } from './auth/principal.js';
import type { ControlPlaneOptions } from './http/control.js';

export type { StoreConfig };
import { FaultInjector, type FaultOptions } from './http/faults.js';
import { Throttle, type RateLimiter, type ThrottleOptions } from './http/throttle.js';

export interface ClienteleConfig extends StoreConfig {
  maxPageSize?: number;
  defaultPageSize?: number;
  bodyLimit?: number;
  /** Client deadlines in ms (headersMs, requestMs, idleMs, keepAliveMs; 0 = none); defaults in src/http/timeouts.ts. */
  httpTimeouts?: Partial<HttpTimeouts>;
  publicUrl?: string;
  mailboxDomain?: string;
  logger?: ServerDeps['logger'];
  /** Bearer tokens: required by default, checked against the dev issuer and any configured issuer. */
  auth?: AuthConfig;
  /** Serve https with this certificate and key (PEM). */
  tls?: TlsMaterial;
  throttle?: ThrottleOptions;
  /** Takes the place of an in-process throttle (`serve --workers` workers ask the primary's). */
  rateLimiter?: RateLimiter;
  faults?: FaultOptions;
  /** Prometheus metrics at /metrics (default on). */
  metrics?: boolean;
  /**
   * How long the change log keeps changes (default 7 days, Graph's delta token lifetime for directory
   * objects): a delta token older than this answers 410 Gone (syncStateNotFound).
   */
  changeRetentionMs?: number;
  notifications?: NotificationsConfig;
  /** Bookings appointments: what a staff member's double booking does (see OverlapPolicy; default allow). */
  appointments?: AppointmentOptions;
  /**
   * The control plane under /_clientele/ (info, reset, load, token): on by default, for local callers only;
   * with `key`, for callers sending it in `x-clientele-control-key`. `enabled: false` serves none.
   */
  control?: { enabled?: boolean; key?: string };
}

/** Change notifications (subscriptions): the delivery schedule and what a subscription may ask for. */
export interface NotificationsConfig extends Partial<Omit<DispatcherOptions, 'changeRetentionMs' | 'destinations'>> {
  /**
   * Run the dispatcher in this process (default true). Subscriptions are accepted either way; the dispatcher also
   * removes expired subscriptions and prunes the change log, so at least one process sharing a database runs it.
   */
  deliver?: boolean;
  /** Longest subscription lifetime, in minutes from now (default 4230, Graph's for most resources). */
  maxExpirationMinutes?: number;
  /** Live subscriptions per tenant, across its apps (default 1000, Graph's quota); past it, 403. */
  maxSubscriptionsPerTenant?: number;
  /** Live subscriptions per app in a tenant (default 100, Graph's quota); past it, 403. */
  maxSubscriptionsPerApp?: number;
  /** How long a notification URL has to answer the validation request (default 10 000 ms, as Graph). */
  validationTimeoutMs?: number;
  /**
   * Accept plain http:// notification URLs, and receivers on this machine (loopback addresses); by default only
   * https to public addresses (see src/notifications/destination.ts).
   */
  allowHttp?: boolean;
  /** Hosts, addresses and ranges (`receiver.internal`, `10.1.2.3`, `172.17.0.0/16`) allowed whatever their address. */
  allow?: string[];
  /** Resolves host names for the address check (default: the system resolver; tests replace it). */
  resolve?: (hostname: string) => Promise<string[]>;
}

export interface Clientele {
  app: FastifyInstance;
  model: Model;
  schema: StorageSchema;
  store: Store;
  query: QueryEngine;
  /** The built-in dev issuer when the server trusts it: `await clientele.devIssuer.mint({...})`. */
  devIssuer?: DevIssuer;
  /** Delivers change notifications; undefined when `notifications.deliver` is false. */
  dispatcher?: NotificationDispatcher;
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
  const metrics = config.metrics === false ? undefined : new Metrics();
  const rawStore = await openStore(model, config);
  let tokenSecret: Buffer;
  try {
    // Every process on the database signs $skiptokens with the same key, so a next link works on any of them.
    tokenSecret = Buffer.from(await rawStore.sharedSetting('skiptoken.key', () => randomBytes(32).toString('base64')), 'base64');
  } catch (err) {
    await rawStore.close();
    throw err;
  }
  const store = metrics ? metrics.instrumentStore(rawStore) : rawStore;
  const query = new QueryEngine(
    { defaultPageSize: config.defaultPageSize ?? 100, maxPageSize: config.maxPageSize ?? 999, tokenSecret },
    createFilterCompiler(store),
    createSearchCompiler(store),
  );
  const changeRetentionMs = config.changeRetentionMs ?? DEFAULT_CHANGE_RETENTION_MS;
  const n = config.notifications ?? {};
  const destinations: DestinationPolicy = { allowHttp: n.allowHttp ?? false, allow: new AllowList(n.allow ?? []), resolve: n.resolve };
  const hooks = registerBookingsBehaviour(new EntityHookRegistry(), store, schema, { appointments: config.appointments }).register(
    SUBSCRIPTION_TYPE,
    subscriptionHooks(store, {
      maxExpirationMinutes: n.maxExpirationMinutes ?? 4230,
      maxPerTenant: n.maxSubscriptionsPerTenant ?? 1000,
      maxPerApp: n.maxSubscriptionsPerApp ?? 100,
      validationTimeoutMs: n.validationTimeoutMs ?? 10_000,
      ...destinations,
    }),
  );
  assertActionsHandled(model, hooks);
  app = await buildServer({
    model,
    schema,
    store,
    query,
    hooks,
    changeRetentionMs,
    authenticate: auth.authenticate,
    authorize: auth.authorize,
    discovery: auth.devIssuer ? devIssuerDiscovery(auth.devIssuer) : undefined,
    mintDevToken: auth.devIssuer ? (opts) => auth.devIssuer!.mint(opts) : undefined,
    tokenEndpoint: auth.devIssuer
      ? {
          issuer: auth.devIssuer,
          applicationRoles: model.declaredPermissions('application'),
          delegatedScopes: model.declaredPermissions('delegated'),
        }
      : undefined,
    control: config.control?.enabled === false ? undefined : controlPlane(config, model, schema, store, auth),
    tls: config.tls,
    bodyLimit: config.bodyLimit,
    timeouts: config.httpTimeouts,
    publicUrl: config.publicUrl,
    mailboxDomain: config.mailboxDomain,
    logger: config.logger,
    throttle: config.rateLimiter ?? (config.throttle ? new Throttle(config.throttle) : undefined),
    faults: config.faults ? new FaultInjector(config.faults) : undefined,
    metrics,
  });
  let dispatcher: NotificationDispatcher | undefined;
  if (n.deliver !== false) {
    dispatcher = new NotificationDispatcher(store, model, schema, { ...n, changeRetentionMs, destinations }, app.log);
    dispatcher.start();
  }
  return {
    app,
    model,
    schema,
    store,
    query,
    devIssuer: auth.devIssuer,
    dispatcher,
    async close() {
      // Deliveries stop; Fastify stops accepting connections and waits for in-flight requests; the store closes.
      await dispatcher?.stop();
      await app.close();
      await store.close();
    },
  };
}

function controlPlane(config: ClienteleConfig, model: Model, schema: StorageSchema, store: Store, auth: Auth): ControlPlaneOptions {
  return {
    key: config.control?.key,
    defaultTenant: config.auth?.anonymousTenantId ?? DEFAULT_TENANT_ID,
    describe: () => ({ engine: store.engine, auth: auth.mode, inMemory: config.inMemory === true, pid: process.pid }),
    reset: (tenant) => store.wipe(tenant),
    async load(fixtures, tenant) {
      const { loadFixtures } = await import('./transfer/fixtures.js');
      return loadFixtures(model, schema, store, fixtures, { tenant, source: 'the request body', mailboxDomain: config.mailboxDomain });
    },
    mint: auth.devIssuer ? (opts) => auth.devIssuer!.mint(opts) : undefined,
  };
}
