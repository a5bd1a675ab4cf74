// The package's public API, for other projects' test suites: start an emulator on a free port, mint
// tokens it accepts, reset and load data between tests, close it. Option names are the CLI's (`serve
// --tenant` is `tenant`, `token --scopes` is `scopes`...). Everything here is what the project's own tests use.
import type { AddressInfo } from 'node:net';
import { createClientele, type Clientele, type ClienteleConfig } from './app.js';
import { DevIssuer, type MintOptions } from './auth/dev-issuer.js';
import { DEFAULT_TENANT_ID } from './auth/principal.js';
import { readFixturesFile, type Fixtures, type LoadFixturesResult } from './transfer/fixtures.js';

export { createClientele, type Clientele, type ClienteleConfig } from './app.js';
export { DEFAULT_DEV_PERMISSIONS, DevIssuer, type MintOptions } from './auth/dev-issuer.js';
export { DEFAULT_TENANT_ID, CONSUMER_TENANT_ID } from './auth/principal.js';
export { FixtureError, type Fixtures, type LoadFixturesResult } from './transfer/fixtures.js';

export type GraphVersion = 'beta' | 'v1.0';

export interface StartOptions {
  /** Port to listen on; default 0, a free one (read it from `url` or `port`). */
  port?: number;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Keep the data in this directory (SQLite) instead of in memory, the default. */
  location?: string;
  /** A PostgreSQL database instead (`postgres://...`), and the schema of its tables. */
  db?: string;
  dbSchema?: string;
  /** The tenant of `token()`, `reset()`, `load()` and `seed`, and of every caller with `auth: 'none'`. */
  tenant?: string;
  /** 'token' (default): API calls need a bearer token (`token()` makes them). 'none': no checks at all. */
  auth?: 'token' | 'none';
  /** Add the sample data of `clientele seed` at start. */
  seed?: boolean;
  /** Fixtures to load at start: the document, or the path of its JSON file. */
  fixtures?: Fixtures | string;
  /** Require this key (header `x-clientele-control-key`) on the /_clientele/ control plane. */
  controlKey?: string;
  /** Anything else `clientele serve` can set (throttle, faults, page sizes, tls...), as configuration. */
  config?: ClienteleConfig;
}

/** The options of `clientele token`, by the same names. */
export interface TokenOptions {
  /** `tid`; default the emulator's tenant. */
  tenant?: string;
  /** Delegated scopes; default every Bookings permission. */
  scopes?: string[] | string;
  /** Application roles; implies `app`. */
  roles?: string[] | string;
  /** An app-only token (default roles: every Bookings permission). */
  app?: boolean;
  /** A personal Microsoft account (the consumers tenant; Bookings refuses these). */
  personal?: boolean;
  objectId?: string;
  clientId?: string;
  audience?: string;
  /** Seconds until it expires; default 3600. */
  lifetime?: number;
  /** Claims to add or replace (undefined removes one). */
  claims?: Record<string, unknown>;
}

export interface ClienteleEmulator {
  /** `http://127.0.0.1:<port>`: the origin, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** The default tenant. */
  readonly tenant: string;
  /** The service root of a Graph version: `${url}/v1.0` (the default) or `${url}/beta`. */
  graphUrl(version?: GraphVersion): string;
  /** A bearer token the emulator accepts: the default tenant and every Bookings permission unless told. */
  token(opts?: TokenOptions): Promise<string>;
  /** Deletes the data of the default tenant (or `tenant`, or every tenant); the number of rows deleted. */
  reset(opts?: { tenant?: string; allTenants?: boolean }): Promise<number>;
  /** Loads fixtures (a document or a JSON file's path): validated, all or nothing. */
  load(fixtures: Fixtures | string, opts?: { tenant?: string }): Promise<LoadFixturesResult>;
  /** Stops the server and closes the store; the port is free when it resolves. */
  close(): Promise<void>;
  /** The running server's parts, for what this API does not cover. */
  readonly clientele: Clientele;
}

// One in-memory signing key per process: making an RSA key takes a while, and emulators started one after
// another in a test run need not differ in it (it never leaves the process).
let processIssuer: Promise<DevIssuer> | undefined;

const asList = (v: string[] | string | undefined) => (typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : v);

/** Starts an emulator: in memory, on a free loopback port, every API call needing a `token()`. */
export async function startClientele(opts: StartOptions = {}): Promise<ClienteleEmulator> {
  const tenant = opts.tenant ?? DEFAULT_TENANT_ID;
  const base = opts.config ?? {};
  const persistent = opts.location !== undefined || opts.db !== undefined || base.location !== undefined || base.db !== undefined;
  const mode = opts.auth ?? base.auth?.mode ?? 'token';
  const config: ClienteleConfig = {
    ...base,
    inMemory: !persistent,
    location: opts.location ?? base.location,
    db: opts.db ?? base.db,
    dbSchema: opts.dbSchema ?? base.dbSchema,
    control: { ...base.control, key: opts.controlKey ?? base.control?.key },
    auth: {
      ...base.auth,
      mode,
      anonymousTenantId: tenant,
      // In memory the key lives with the process; on disk it is the data directory's, as the CLI's.
      devIssuer: base.auth?.devIssuer ?? (persistent || mode === 'none' ? undefined : await (processIssuer ??= DevIssuer.open())),
    },
  };
  const fixtures = typeof opts.fixtures === 'string' ? readFixturesFile(opts.fixtures) : opts.fixtures;
  const clientele = await createClientele(config);
  try {
    if (opts.seed) {
      const { seedSampleData } = await import('./transfer/seed.js');
      await seedSampleData(clientele.model, clientele.schema, clientele.store, tenant);
    }
    if (fixtures !== undefined) await loadInto(clientele, fixtures, tenant, typeof opts.fixtures === 'string' ? opts.fixtures : 'fixtures', config);
    await clientele.app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  } catch (err) {
    await clientele.close();
    throw err;
  }
  const { port, address, family } = clientele.app.server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  const url = `${config.tls ? 'https' : 'http'}://${host}:${port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    port,
    tenant,
    clientele,
    graphUrl: (version = 'v1.0') => {
      if (version !== 'beta' && version !== 'v1.0') throw new Error(`graphUrl: '${String(version)}' is not 'beta' or 'v1.0'`);
      return `${url}/${version}`;
    },
    async token(t = {}) {
      if (!clientele.devIssuer) {
        throw new Error(mode === 'none' ? "this emulator runs with auth 'none': it needs no token" : 'this emulator does not trust the built-in dev issuer');
      }
      const roles = asList(t.roles);
      const app = t.app === true || roles !== undefined;
      const mint: MintOptions = {
        tenant: t.personal ? undefined : (t.tenant ?? tenant),
        scopes: app ? undefined : asList(t.scopes),
        roles: app ? roles : undefined,
        app,
        personal: t.personal,
        objectId: t.objectId,
        clientId: t.clientId,
        audience: t.audience,
        lifetimeSeconds: t.lifetime,
        claims: t.claims,
      };
      return clientele.devIssuer.mint(mint);
    },
    reset: (r = {}) => clientele.store.wipe(r.allTenants ? undefined : (r.tenant ?? tenant)),
    async load(f, l = {}) {
      const doc = typeof f === 'string' ? readFixturesFile(f) : f;
      return loadInto(clientele, doc, l.tenant ?? tenant, typeof f === 'string' ? f : 'fixtures', config);
    },
    close: () => (closing ??= clientele.close()),
  };
}

async function loadInto(clientele: Clientele, fixtures: unknown, tenant: string, source: string, config: ClienteleConfig): Promise<LoadFixturesResult> {
  const { loadFixtures } = await import('./transfer/fixtures.js');
  return loadFixtures(clientele.model, clientele.schema, clientele.store, fixtures, { tenant, source, mailboxDomain: config.mailboxDomain });
}
