// The built-in development issuer: one RS256 signing key, kept in the data directory (or in memory), that
// mints Entra-shaped access tokens for any tenant. `clientele token` and the tests mint with it; the server
// trusts it (unless told not to) and serves its keys like Entra's discovery endpoints do.
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { CONSUMER_TENANT_ID, DEFAULT_TENANT_ID } from './principal.js';

export const DEV_ISSUER_ALG = 'RS256';
/**
 * `iss` of dev tokens, Entra v2 style with the tenant in the path. `.localhost` is reserved (RFC 6761), so no
 * real issuer can have it; it does not depend on the port, so tokens minted offline match the server.
 */
export const DEV_ISSUER_TEMPLATE = 'https://clientele.localhost/{tenantid}/v2.0';
/**
 * The issuer of tokens from the server's own token endpoint: the authority as the client reached it, as
 * Entra's tokens name theirs (MSAL checks that the discovery document's issuer is on the authority's host).
 */
export const DEV_AUTHORITY_ISSUER_TEMPLATE = '{origin}/{tenantid}/v2.0';
export const DEV_KEY_FILE = 'dev-issuer-key.json';
/** The application (client) id dev tokens name when none is given. */
export const DEV_CLIENT_ID = '6f1c0b6e-3c3f-4f5e-9c3a-c11e47e1e000';
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

/**
 * What a token carries when it names no scopes or roles (`clientele token`, `mint({})`, `startClientele`'s
 * `token()`): every Bookings permission, as delegated scopes or, for an app-only token, application roles.
 */
export const DEFAULT_DEV_PERMISSIONS: readonly string[] = ['Bookings.Read.All', 'BookingsAppointment.ReadWrite.All', 'Bookings.ReadWrite.All', 'Bookings.Manage.All'];

export interface MintOptions {
  /** `tid`, as `clientele token --tenant`; default DEFAULT_TENANT_ID (the consumers tenant when `personal`). */
  tenant?: string;
  /** The same as `tenant` (its older name); `tenant` wins when both are given. */
  tenantId?: string;
  /** Delegated scopes (`scp`); default DEFAULT_DEV_PERMISSIONS. */
  scopes?: string[];
  /** Application roles (`roles`); implies an app-only token; default DEFAULT_DEV_PERMISSIONS. */
  roles?: string[];
  /** App-only token (`idtyp: app`, no `scp`). */
  app?: boolean;
  /** A personal Microsoft account: the token is issued in the consumers tenant. */
  personal?: boolean;
  /** `oid`/`sub`; default a stable id derived from the tenant. */
  objectId?: string;
  /** `azp`/`appid`; default DEV_CLIENT_ID. */
  clientId?: string;
  audience?: string;
  /** `iss`; default DEV_ISSUER_TEMPLATE for the tenant. */
  issuer?: string;
  /** Seconds; default 3600. */
  lifetimeSeconds?: number;
  /** Epoch seconds to issue at (tests make expired or future tokens with it); default now. */
  issuedAt?: number;
  /** Claims to add or replace; a claim set to undefined is removed. */
  claims?: Record<string, unknown>;
}

interface StoredKey {
  kid: string;
  privateJwk: JWK;
}

/** A GUID-shaped id derived from a string, so that the same dev user keeps the same `oid`. */
export function stableGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class DevIssuer {
  private constructor(
    private readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
  ) {}

  /** Loads the key from `location` (creating it on first use), or makes one in memory when no location. */
  static async open(location?: string): Promise<DevIssuer> {
    if (location === undefined) return DevIssuer.fromStored(await DevIssuer.generate());
    const file = join(location, DEV_KEY_FILE);
    try {
      return await DevIssuer.fromStored(JSON.parse(readFileSync(file, 'utf8')) as StoredKey);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read the dev issuer key '${file}': ${(err as Error).message}`);
    }
    const stored = await DevIssuer.generate();
    mkdirSync(location, { recursive: true });
    try {
      // 'wx': if another process (a server, `clientele token`) wrote the key meanwhile, use theirs.
      writeFileSync(file, JSON.stringify(stored, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
      chmodSync(file, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return DevIssuer.fromStored(JSON.parse(readFileSync(file, 'utf8')) as StoredKey);
      throw err;
    }
    return DevIssuer.fromStored(stored);
  }

  private static async generate(): Promise<StoredKey> {
    const { privateKey } = await generateKeyPair(DEV_ISSUER_ALG, { extractable: true, modulusLength: 2048 });
    const privateJwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(privateJwk);
    return { kid, privateJwk: { ...privateJwk, kid, alg: DEV_ISSUER_ALG, use: 'sig' } };
  }

  private static async fromStored(stored: StoredKey): Promise<DevIssuer> {
    if (!stored?.kid || stored.privateJwk?.kty !== 'RSA' || !stored.privateJwk.d) throw new Error('the dev issuer key file is not an RSA private JWK');
    const privateKey = (await importJWK(stored.privateJwk, DEV_ISSUER_ALG)) as CryptoKey;
    const { kty, n, e } = stored.privateJwk;
    return new DevIssuer(stored.kid, privateKey, { kty, n, e, kid: stored.kid, alg: DEV_ISSUER_ALG, use: 'sig' });
  }

  /** The `iss` this issuer puts in a token for the tenant. */
  static issuerFor(tenantId: string): string {
    return DEV_ISSUER_TEMPLATE.replace('{tenantid}', tenantId);
  }

  /** The issuer the server's token endpoint at `origin` names for the tenant. */
  static authorityIssuer(origin: string, tenantId: string): string {
    return DEV_AUTHORITY_ISSUER_TEMPLATE.replace('{origin}', origin).replace('{tenantid}', tenantId);
  }

  /** The public keys, as a JWKS document. */
  jwks(): { keys: JWK[] } {
    return { keys: [{ ...this.publicJwk }] };
  }

  /**
   * Signs claims as they are: for what the token endpoint hands out besides access tokens (ID tokens, and the
   * refresh tokens and device codes it later takes back, each under an audience of its own).
   */
  sign(claims: Record<string, unknown>): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: DEV_ISSUER_ALG, typ: 'JWT', kid: this.kid }).sign(this.privateKey);
  }

  /** The claims of a JWT this issuer signed for `audience` and that has not expired; undefined otherwise. */
  async verify(jwt: string, audience: string): Promise<JWTPayload | undefined> {
    try {
      return (await jwtVerify(jwt, createLocalJWKSet(this.jwks()), { audience, algorithms: [DEV_ISSUER_ALG], requiredClaims: ['exp'] })).payload;
    } catch {
      return undefined;
    }
  }

  async mint(opts: MintOptions = {}): Promise<string> {
    const app = opts.app === true || (opts.roles !== undefined && opts.scopes === undefined);
    const tenantId = opts.tenant ?? opts.tenantId ?? (opts.personal ? CONSUMER_TENANT_ID : DEFAULT_TENANT_ID);
    const now = opts.issuedAt ?? Math.floor(Date.now() / 1000);
    const clientId = opts.clientId ?? DEV_CLIENT_ID;
    const objectId = opts.objectId ?? stableGuid(`${app ? 'app' : 'user'}:${tenantId}:${clientId}`);
    const claims: Record<string, unknown> = {
      aud: opts.audience ?? GRAPH_AUDIENCE,
      iss: opts.issuer ?? DevIssuer.issuerFor(tenantId),
      iat: now,
      nbf: now,
      exp: now + (opts.lifetimeSeconds ?? 3600),
      azp: clientId,
      appid: clientId,
      // idtyp is Entra's optional claim telling app-only from user tokens; acct 0 = a member of the tenant.
      idtyp: app ? 'app' : 'user',
      oid: objectId,
      sub: objectId,
      tid: tenantId,
      uti: randomUUID(),
      ver: '2.0',
    };
    if (app) claims.roles = [...(opts.roles ?? DEFAULT_DEV_PERMISSIONS)];
    else {
      claims.scp = (opts.scopes ?? DEFAULT_DEV_PERMISSIONS).join(' ');
      claims.acct = 0;
      claims.name = 'Clientele Developer';
      claims.preferred_username = opts.personal ? 'developer@outlook.com' : `developer@${tenantId}`;
    }
    for (const [k, v] of Object.entries(opts.claims ?? {})) {
      if (v === undefined) delete claims[k];
      else claims[k] = v;
    }
    return this.sign(claims);
  }
}
