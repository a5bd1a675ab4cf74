// The dev issuer's discovery documents, shaped like Entra's: an OpenID configuration naming the issuer
// (with `{tenantid}`, as Entra's multi-tenant document does) and a JWKS with the public signing key.
import { DEV_ISSUER_ALG, DEV_ISSUER_TEMPLATE, type DevIssuer } from './dev-issuer.js';

export const JWKS_PATH = '/discovery/v2.0/keys';

export interface Discovery {
  jwks(): object;
  /** `tenant` substitutes `{tenantid}` in the issuer (the per-tenant document). */
  openidConfiguration(origin: string, tenant?: string): object;
}

export function devIssuerDiscovery(issuer: DevIssuer): Discovery {
  return {
    jwks: () => issuer.jwks(),
    openidConfiguration: (origin, tenant) => ({
      issuer: tenant ? DEV_ISSUER_TEMPLATE.replace('{tenantid}', tenant) : DEV_ISSUER_TEMPLATE,
      jwks_uri: `${origin}${JWKS_PATH}`,
      response_types_supported: ['token'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: [DEV_ISSUER_ALG],
      token_endpoint_auth_methods_supported: [],
      claims_supported: ['aud', 'iss', 'iat', 'nbf', 'exp', 'tid', 'oid', 'sub', 'azp', 'appid', 'scp', 'roles', 'idtyp', 'acct', 'ver'],
      // Tokens come from `clientele token` or DevIssuer.mint, not from an OAuth flow.
      clientele_token_command: 'clientele token --tenant <tid> --scopes "<scope> ..."',
    }),
  };
}
