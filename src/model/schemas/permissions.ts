// Permission rules shared by several declarations.
import type { PermissionRule, Permissions } from '../edm.js';

/** The same scopes for delegated (work or school) and application callers; personal accounts never. */
export const anyCaller = (...scopes: string[]): PermissionRule => ({ delegated: scopes, application: scopes, personal: null });

/**
 * Partner / customer-tenant management. Graph documents no permissions for these APIs (the seed pages say
 * TODO); the nearest documented family is Microsoft 365 Lighthouse's, whose namespace the partner Customer
 * belongs to: read with ManagedTenants.Read.All, write with ManagedTenants.ReadWrite.All, delegated only.
 */
const managedTenantsRead: PermissionRule = {
  delegated: ['ManagedTenants.Read.All', 'ManagedTenants.ReadWrite.All'],
  application: null,
  personal: null,
};
const managedTenantsWrite: PermissionRule = { delegated: ['ManagedTenants.ReadWrite.All'], application: null, personal: null };
export const managedTenantsPermissions: Permissions = {
  list: managedTenantsRead,
  get: managedTenantsRead,
  create: managedTenantsWrite,
  update: managedTenantsWrite,
  delete: managedTenantsWrite,
};
