// Auth as the server sees it: `authenticate` (request -> principal or 401) and `authorize` (model rule ->
// pass or 403), built from the configuration; plus the dev issuer, whose keys the server publishes.
import { createLocalJWKSet } from 'jose';
import type { Authorizer } from '../handlers/entities.js';
import { authorize } from './authorizer.js';
import { DEV_AUTHORITY_ISSUER_TEMPLATE, DEV_ISSUER_ALG, DEV_ISSUER_TEMPLATE, DevIssuer } from './dev-issuer.js';
import { anonymousPrincipal, DEFAULT_TENANT_ID, type Principal } from './principal.js';
import { ASYMMETRIC_ALGORITHMS, ENTRA_ISSUERS, GRAPH_AUDIENCES, jwksFromFile, jwksFromUrl, TokenValidator, type TrustedIssuer } from './tokens.js';

export type AuthMode = 'token' | 'none';

export interface AuthConfig {
  /** `token` (default): every API call needs a valid bearer token. `none`: no checks, one anonymous tenant. */
  mode?: AuthMode;
  /** Tenant of the anonymous principal in mode `none`. */
  anonymousTenantId?: string;
  /** Trust the built-in dev issuer (default true); an instance may be given to share one key between servers. */
  devIssuer?: boolean | DevIssuer;
  /** An external issuer's keys: a JWKS URL (e.g. Entra's) or a local JWKS file. */
  jwksUrl?: string;
  jwksFile?: string;
  /** `iss` values accepted from the external issuer; `{tenantid}` = the token's tid. Default: Entra v1 and v2. */
  issuers?: string[];
  /** Accepted `aud` values. Default: Graph's. */
  audiences?: string[];
  /** Tolerance for exp/nbf; default 60 s. */
  clockSkewSeconds?: number;
}

export interface Auth {
  mode: AuthMode;
  /** A promise when a token must be checked; the principal itself when it is known at once (auth off). */
  authenticate(req: { headers: Record<string, string | string[] | undefined> }): Promise<Principal> | Principal;
  authorize: Authorizer;
  /** The dev issuer when it is trusted (mint tokens for this server with it). */
  devIssuer?: DevIssuer;
}

export async function createAuth(config: AuthConfig, keyLocation: string | undefined, log?: (err: unknown) => void): Promise<Auth> {
  const mode = config.mode ?? 'token';
  if (mode === 'none') {
    const principal = anonymousPrincipal(config.anonymousTenantId ?? DEFAULT_TENANT_ID);
    return { mode, authenticate: () => principal, authorize };
  }
  const trusted: TrustedIssuer[] = [];
  let devIssuer: DevIssuer | undefined;
  if (config.devIssuer !== false) {
    devIssuer = config.devIssuer instanceof DevIssuer ? config.devIssuer : await DevIssuer.open(keyLocation);
    trusted.push({ issuers: [DEV_ISSUER_TEMPLATE, DEV_AUTHORITY_ISSUER_TEMPLATE], keys: createLocalJWKSet(devIssuer.jwks()), algorithms: [DEV_ISSUER_ALG] });
  }
  if (config.jwksUrl && config.jwksFile) throw new Error('give either a JWKS URL or a JWKS file, not both');
  const external = config.jwksUrl ? jwksFromUrl(config.jwksUrl) : config.jwksFile ? jwksFromFile(config.jwksFile) : undefined;
  if (external) trusted.push({ issuers: config.issuers?.length ? config.issuers : ENTRA_ISSUERS, keys: external, algorithms: ASYMMETRIC_ALGORITHMS });
  else if (config.issuers?.length) throw new Error('an issuer was given without the keys to check its tokens (a JWKS URL or file)');
  if (trusted.length === 0) throw new Error('no token issuer is trusted: enable the dev issuer or configure a JWKS URL or file (or use auth mode none)');

  const validator = new TokenValidator({
    trusted,
    audiences: config.audiences?.length ? config.audiences : GRAPH_AUDIENCES,
    clockSkewSeconds: config.clockSkewSeconds ?? 60,
    onKeyError: log,
  });
  return {
    mode,
    authenticate: (req) => {
      const token = TokenValidator.bearer(req.headers.authorization);
      return validator.recent(token) ?? validator.validate(token);
    },
    authorize,
    devIssuer,
  };
}

export { DevIssuer, type MintOptions } from './dev-issuer.js';
export { anonymousPrincipal, CONSUMER_TENANT_ID, DEFAULT_TENANT_ID, type Principal } from './principal.js';
