// microsoft.management.services.api: the partner Customer of seed 003 (Customers entity set).
// The namespace belongs to Microsoft 365 Lighthouse (multi-tenant management, "MTM"; delegated admin
// privileges, "DAP"), so its permissions follow Graph's documented Lighthouse ones (ManagedTenants.*).
// The seed's "required" table lists every property, the server-generated id included, so it cannot be
// literal: the identifying strings are required, the rest are nullable.
import type { SchemaDecl } from '../edm.js';
import { managedTenantsPermissions } from './permissions.js';

export const partnerSchema: SchemaDecl = {
  namespace: 'microsoft.management.services.api',
  types: [
    {
      kind: 'entity',
      name: 'Customer',
      table: 'partner_customers',
      keyStrategy: 'guid',
      caseInsensitiveKey: true,
      indexes: [['displayName'], ['azureTenantId'], ['partnerId']],
      properties: [
        { name: 'id', type: 'Edm.String', nullable: false, immutable: true },
        { name: 'partnerId', type: 'Edm.String', requiredOnCreate: true },
        { name: 'azureTenantId', type: 'Edm.String', requiredOnCreate: true },
        { name: 'contractId', type: 'Edm.String' },
        { name: 'displayName', type: 'Edm.String', requiredOnCreate: true, searchable: true },
        { name: 'domain', type: 'Edm.String', requiredOnCreate: true, searchable: true },
        { name: 'contractType', type: 'Edm.Int32' },
        { name: 'countryLetterCode', type: 'Edm.String' },
        { name: 'deletedDateTime', type: 'Edm.DateTimeOffset' },
        { name: 'isOnBoardedToMTM', type: 'Edm.Boolean' },
        { name: 'onboardingStatus', type: 'Edm.Int32' },
        { name: 'delegatedPrivilegeStatus', type: 'Edm.Int32' },
        { name: 'lastDAPRefreshDateTimeUtc', type: 'Edm.DateTimeOffset' },
        { name: 'cosmosCreatedDateTimeUTC', type: 'Edm.DateTimeOffset' },
        { name: 'cosmosLastModifiedDateTimeUTC', type: 'Edm.DateTimeOffset' },
        { name: 'isDeleted', type: 'Edm.Boolean' },
      ],
    },
  ],
  entitySets: [
    {
      name: 'Customers',
      type: 'microsoft.management.services.api.Customer',
      permissions: managedTenantsPermissions,
    },
  ],
};
