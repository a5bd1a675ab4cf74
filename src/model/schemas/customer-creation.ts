// microsoft.graph customer creation (seed 004): a customerCreationOperation holds, through the single-valued
// containment navigation `customer`, the customer it creates, given as a companyProfile and a billingProfile.
// Graph's public metadata defines none of customerCreationOperation, companyProfile or billingProfile (its
// `customer` is Business Central's, a different type), so the two profiles are open complex types: any
// properties are kept as sent. The shape follows Partner Center's customer creation, which these mirror.
// Permissions: Graph documents none; we use the Lighthouse (partner / customer-tenant management) ones,
// as for the partner Customers.
import type { SchemaDecl } from '../edm.js';
import { managedTenantsPermissions as permissions } from './permissions.js';

export const customerCreationSchema: SchemaDecl = {
  namespace: 'microsoft.graph',
  types: [
    { kind: 'complex', name: 'companyProfile', openType: true, properties: [] },
    { kind: 'complex', name: 'billingProfile', openType: true, properties: [] },
    {
      kind: 'enum',
      name: 'longRunningOperationStatus',
      members: ['notStarted', 'running', 'succeeded', 'failed', 'unknownFutureValue'],
    },
    {
      kind: 'entity',
      name: 'customer',
      baseType: 'microsoft.graph.entity',
      table: 'customers',
      keyStrategy: 'guid',
      caseInsensitiveKey: true,
      properties: [
        { name: 'companyProfile', type: 'microsoft.graph.companyProfile', nullable: false, requiredOnCreate: true },
        { name: 'billingProfile', type: 'microsoft.graph.billingProfile', nullable: false, requiredOnCreate: true },
      ],
    },
    {
      kind: 'entity',
      name: 'customerCreationOperation',
      baseType: 'microsoft.graph.entity',
      table: 'customer_creation_operations',
      keyStrategy: 'guid',
      caseInsensitiveKey: true,
      indexes: [['createdDateTime']],
      properties: [
        { name: 'status', type: 'microsoft.graph.longRunningOperationStatus', defaultValue: 'notStarted' },
        { name: 'statusDetail', type: 'Edm.String' },
        { name: 'createdDateTime', type: 'Edm.DateTimeOffset', readOnly: true, stamp: 'created' },
        { name: 'lastActionDateTime', type: 'Edm.DateTimeOffset', readOnly: true, stamp: 'updated' },
      ],
      navigation: [
        { name: 'customer', type: 'microsoft.graph.customer', collection: false, containsTarget: true, permissions },
      ],
    },
  ],
  entitySets: [{ name: 'customerCreationOperations', type: 'microsoft.graph.customerCreationOperation', permissions }],
};
