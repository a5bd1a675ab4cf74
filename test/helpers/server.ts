// Starts a real Clientele HTTP server on a loopback port for a test file, and a small fetch wrapper that
// sends a dev-issuer token (default tenant, broad delegated scopes) unless the test says otherwise.
// The engine comes from CLIENTELE_TEST_DB (test/run.ts sets it for the PostgreSQL pass): unset, an in-memory
// SQLite store; a postgres:// URL, a fresh schema of that database, dropped when the server closes.
import type { AddressInfo } from 'node:net';
import { createClientele, type Clientele, type ClienteleConfig } from '../../src/app.js';
import { DevIssuer, type MintOptions } from '../../src/auth/dev-issuer.js';
import { DEFAULT_TENANT_ID } from '../../src/auth/principal.js';
import { loadModel } from '../../src/model/index.js';
import { freshSchema } from './postgres.js';

/** The PostgreSQL URL of this test run, or undefined when the suite runs on SQLite. */
export function testDbUrl(): string | undefined {
  return process.env.CLIENTELE_TEST_DB || undefined;
}

/** The engine the API tests run against. */
export function testEngine(): 'sqlite' | 'postgres' {
  return testDbUrl() ? 'postgres' : 'sqlite';
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: any;
}

export interface RequestOptions {
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  /** Send this bearer token instead of the default one. */
  token?: string;
  /** Send no Authorization header at all. */
  anonymous?: boolean;
}

export interface TestServer {
  clientele: Clientele;
  /** http://127.0.0.1:port */
  origin: string;
  request(method: string, path: string, opts?: RequestOptions): Promise<TestResponse>;
  /** A dev-issuer token for this server (defaults: DEFAULT_TENANT_ID, delegated, ALL_SCOPES). */
  token(opts?: MintOptions): Promise<string>;
  close(): Promise<void>;
}

/** Every delegated scope any operation of the model accepts: what the default test caller holds. */
export const ALL_SCOPES: string[] = loadModel().declaredPermissions('delegated');
export { DEFAULT_TENANT_ID };

export type Requester = TestServer['request'];

/** fetch against `origin`, with `defaultToken()` as the bearer unless the request says otherwise. */
export function requester(origin: string, defaultToken?: () => Promise<string>): Requester {
  let cached: Promise<string> | undefined;
  return async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    const hasAuthorization = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
    if (!opts.anonymous && !hasAuthorization && (opts.token || defaultToken)) {
      headers.authorization = `Bearer ${opts.token ?? (await (cached ??= defaultToken!()))}`;
    }
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(origin + path, { method, headers, body });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
}

/** A token with every delegated scope of the model (the default test caller), from `issuer`. */
export function mintDefault(issuer: DevIssuer, opts: MintOptions = {}): Promise<string> {
  return issuer.mint({ scopes: opts.roles || opts.app ? undefined : ALL_SCOPES, ...opts });
}

// One dev issuer key per test process: making an RSA key costs ~0.3 s, and servers need not differ in it.
let sharedIssuer: Promise<DevIssuer> | undefined;

export async function startServer(config: ClienteleConfig = {}): Promise<TestServer> {
  const url = testDbUrl();
  let dropSchema: (() => Promise<void>) | undefined;
  if (url && config.db === undefined && config.location === undefined) {
    const schema = freshSchema(url);
    dropSchema = schema.drop;
    config = { db: url, dbSchema: schema.name, ...config };
  }
  const auth = { devIssuer: await (sharedIssuer ??= DevIssuer.open()), ...config.auth };
  let clientele: Clientele;
  try {
    clientele = await createClientele({ inMemory: true, ...config, auth });
  } catch (err) {
    await dropSchema?.();
    throw err;
  }
  await clientele.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = clientele.app.server.address() as AddressInfo;
  const origin = `${config.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const token = async (opts: MintOptions = {}) => {
    if (!clientele.devIssuer) throw new Error('this server does not trust the dev issuer');
    return mintDefault(clientele.devIssuer, opts);
  };
  return {
    clientele,
    origin,
    token,
    request: requester(origin, clientele.devIssuer ? () => token() : undefined),
    async close() {
      await clientele.close();
      await dropSchema?.();
    },
  };
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
