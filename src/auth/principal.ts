// Who is calling: derived from the bearer token (or the configured anonymous principal when auth is off).
// The tenant id scopes every read and write in the store.

export interface Principal {
  tenantId: string;
  /** User object id (delegated) or service principal id (application). */
  objectId?: string;
  appId?: string;
  kind: 'delegated' | 'application';
  /** A personal Microsoft account (MSA) rather than a work or school account. */
  personal: boolean;
  /** Delegated scopes (`scp`) or application roles (`roles`). */
  permissions: ReadonlySet<string>;
  /** True when no token was checked (auth mode `none`): every permission is granted. */
  unrestricted: boolean;
}

export const DEFAULT_TENANT_ID = '00000000-0000-0000-0000-000000000001';

/** Entra ID issues personal Microsoft account tokens in this one tenant (the "consumers" tenant). */
export const CONSUMER_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';

export function anonymousPrincipal(tenantId = DEFAULT_TENANT_ID): Principal {
  return { tenantId, kind: 'delegated', personal: false, permissions: new Set(), unrestricted: true };
}

/** The claims of an Entra ID v1/v2 access token that Clientele reads. */
export interface AccessTokenClaims {
  tid?: unknown;
  oid?: unknown;
  sub?: unknown;
  appid?: unknown;
  azp?: unknown;
  scp?: unknown;
  roles?: unknown;
  idtyp?: unknown;
}

/**
 * Maps validated claims to a principal. `idtyp` (an optional claim) says app or user when present; otherwise
 * a token with `scp` is delegated and one with only `roles` is an application's. Personal accounts are the
 * ones issued in the consumers tenant.
 */
export function principalFromClaims(claims: AccessTokenClaims & { tid: string }): Principal {
  const scopes = typeof claims.scp === 'string' ? claims.scp.split(' ').filter(Boolean) : [];
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  let kind: Principal['kind'];
  if (claims.idtyp === 'app') kind = 'application';
  else if (claims.idtyp === 'user') kind = 'delegated';
  else kind = scopes.length === 0 && roles.length > 0 ? 'application' : 'delegated';
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    // Tenant ids are GUIDs, compared case-insensitively: one spelling per tenant in the store.
    tenantId: claims.tid.toLowerCase(),
    objectId: str(claims.oid) ?? str(claims.sub),
    appId: str(claims.appid) ?? str(claims.azp),
    kind,
    personal: claims.tid.toLowerCase() === CONSUMER_TENANT_ID,
    permissions: new Set(kind === 'application' ? roles : scopes),
    unrestricted: false,
  };
}
