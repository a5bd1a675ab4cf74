// Starts a real Clientele HTTP server on a loopback port for a test file, and a small fetch wrapper that
// sends a dev-issuer token (default tenant, broad delegated scopes) unless the test says otherwise.
import type { AddressInfo } from 'node:net';
import { createClientele, type Clientele, type ClienteleConfig } from '../../src/app.js';
import { DevIssuer, type MintOptions } from '../../src/auth/dev-issuer.js';
import { DEFAULT_TENANT_ID } from '../../src/auth/principal.js';
import type { Permissions } from '../../src/model/edm.js';
import { loadModel } from '../../src/model/index.js';

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
export const ALL_SCOPES: string[] = (() => {
  const scopes = new Set<string>();
  const add = (permissions: Permissions | undefined) => {
    for (const rule of Object.values(permissions ?? {})) for (const s of rule?.delegated ?? []) scopes.add(s);
  };
  for (const schema of loadModel().schemas) {
    for (const set of schema.entitySets ?? []) add(set.permissions);
    for (const type of schema.types) if (type.kind !== 'enum') for (const nav of type.navigation ?? []) add(nav.permissions);
  }
  return [...scopes];
})();
export { DEFAULT_TENANT_ID };

// One dev issuer key per test process: making an RSA key costs ~0.3 s, and servers need not differ in it.
let sharedIssuer: Promise<DevIssuer> | undefined;

export async function startServer(config: ClienteleConfig = {}): Promise<TestServer> {
  const auth = { devIssuer: await (sharedIssuer ??= DevIssuer.open()), ...config.auth };
  const clientele = await createClientele({ inMemory: true, ...config, auth });
  await clientele.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = clientele.app.server.address() as AddressInfo;
  const origin = `${config.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const token = async (opts: MintOptions = {}) => {
    if (!clientele.devIssuer) throw new Error('this server does not trust the dev issuer');
    return clientele.devIssuer.mint({ scopes: opts.roles || opts.app ? undefined : ALL_SCOPES, ...opts });
  };
  let defaultToken: string | undefined;
  return {
    clientele,
    origin,
    token,
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const hasAuthorization = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
      if (!opts.anonymous && !hasAuthorization && (opts.token || clientele.devIssuer)) {
        headers.authorization = `Bearer ${opts.token ?? (defaultToken ??= await token())}`;
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
    },
    close: () => clientele.close(),
  };
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
