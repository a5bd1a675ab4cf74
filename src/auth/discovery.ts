// The dev issuer's discovery documents, shaped like Entra's: an OpenID configuration naming the issuer
// (with `{tenantid}`, as Entra's multi-tenant document does) and a JWKS with the public signing key.
import { DEV_ISSUER_ALG, DEV_ISSUER_TEMPLATE, DevIssuer } from './dev-issuer.js';

export const JWKS_PATH = '/discovery/v2.0/keys';

export interface Discovery {
  jwks(): object;
  /** `tenant` substitutes `{tenantid}` in the issuer (the per-tenant document). */
  openidConfiguration(origin: string, tenant?: string): object;
}

export function devIssuerDiscovery(issuer: DevIssuer): Discovery {
  return {
    jwks: () => issuer.jwks(),
    openidConfiguration: (origin, tenant) => {
      // Entra's multi-tenant document names the endpoints under /common; a tenant's own, under the tenant.
      const oauth = `${origin}/${tenant ? encodeURIComponent(tenant) : 'common'}/oauth2/v2.0`;
      return {
        // A tenant's document describes the authority at this origin (its token endpoint's tokens name it);
        // the root document, the fixed issuer of offline tokens (`clientele token`). Both are trusted.
        issuer: tenant ? DevIssuer.authorityIssuer(origin, tenant) : DEV_ISSUER_TEMPLATE,
        token_endpoint: `${oauth}/token`,
        // MSAL requires these entries; interactive sign-in answers unsupported_response_type.
        authorization_endpoint: `${oauth}/authorize`,
        end_session_endpoint: `${oauth}/logout`,
        jwks_uri: `${origin}${JWKS_PATH}`,
        device_authorization_endpoint: `${oauth}/devicecode`,
        grant_types_supported: ['client_credentials', 'password', 'urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'],
        response_types_supported: ['token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: [DEV_ISSUER_ALG],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic', 'private_key_jwt'],
        claims_supported: ['aud', 'iss', 'iat', 'nbf', 'exp', 'tid', 'oid', 'sub', 'azp', 'appid', 'scp', 'roles', 'idtyp', 'acct', 'ver'],
        // Offline, tokens come from `clientele token`.
        clientele_token_command: 'clientele token --tenant <tid> --scopes "<scope> ..."',
      };
    },
  };
}
