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

export function anonymousPrincipal(tenantId = DEFAULT_TENANT_ID): Principal {
  return { tenantId, kind: 'delegated', personal: false, permissions: new Set(), unrestricted: true };
}
