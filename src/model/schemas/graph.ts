// microsoft.graph: the Bookings types (beta), as Graph's public metadata declares them.
import type { SchemaDecl } from '../edm.js';
import { bookingBusinessPermissions as businessPermissions, bookingCustomerPermissions as customerPermissions } from './permissions.js';

export const graphSchema: SchemaDecl = {
  namespace: 'microsoft.graph',
  types: [
    {
      kind: 'enum',
      name: 'physicalAddressType',
      members: ['unknown', 'home', 'business', 'other'],
    },
    {
      kind: 'enum',
      name: 'phoneType',
      members: ['home', 'business', 'mobile', 'other', 'assistant', 'homeFax', 'businessFax', 'otherFax', 'pager', 'radio'],
    },
    {
      kind: 'complex',
      name: 'physicalAddress',
      properties: [
        { name: 'postOfficeBox', type: 'Edm.String' },
        { name: 'street', type: 'Edm.String' },
        { name: 'city', type: 'Edm.String' },
        { name: 'state', type: 'Edm.String' },
        { name: 'countryOrRegion', type: 'Edm.String' },
        { name: 'postalCode', type: 'Edm.String' },
        { name: 'type', type: 'microsoft.graph.physicalAddressType' },
      ],
    },
    {
      kind: 'complex',
      name: 'phone',
      properties: [
        { name: 'number', type: 'Edm.String' },
        { name: 'type', type: 'microsoft.graph.phoneType' },
      ],
    },
    {
      kind: 'entity',
      name: 'entity',
      abstract: true,
      properties: [{ name: 'id', type: 'Edm.String', nullable: false, immutable: true }],
    },
    {
      kind: 'entity',
      name: 'bookingNamedEntity',
      baseType: 'microsoft.graph.entity',
      abstract: true,
      properties: [{ name: 'displayName', type: 'Edm.String', nullable: false, requiredOnCreate: true, searchable: true }],
    },
    {
      kind: 'entity',
      name: 'bookingPerson',
      baseType: 'microsoft.graph.bookingNamedEntity',
      abstract: true,
      properties: [{ name: 'emailAddress', type: 'Edm.String', searchable: true }],
    },
    {
      kind: 'entity',
      name: 'bookingCustomer',
      baseType: 'microsoft.graph.bookingPerson',
      table: 'booking_customers',
      keyStrategy: 'guid',
      caseInsensitiveKey: true,
      indexes: [['emailAddress'], ['displayName'], ['createdDateTime']],
      properties: [
        { name: 'addresses', type: 'microsoft.graph.physicalAddress', collection: true, nullable: false },
        { name: 'phones', type: 'microsoft.graph.phone', collection: true, nullable: false },
        { name: 'createdDateTime', type: 'Edm.DateTimeOffset', readOnly: true, stamp: 'created' },
        { name: 'lastUpdatedDateTime', type: 'Edm.DateTimeOffset', readOnly: true, stamp: 'updated' },
      ],
    },
    {
      kind: 'entity',
      name: 'bookingBusiness',
      baseType: 'microsoft.graph.bookingNamedEntity',
      table: 'booking_businesses',
      keyStrategy: 'mailboxFromDisplayName',
      caseInsensitiveKey: true,
      // Bookings is backed by Exchange: a business is a mailbox, and Graph reports a missing one this way.
      notFound: { code: 'ErrorNonExistentMailbox', message: "The SMTP address '{id}' has no mailbox associated with it." },
      indexes: [['displayName']],
      properties: [
        { name: 'businessType', type: 'Edm.String' },
        { name: 'address', type: 'microsoft.graph.physicalAddress' },
        { name: 'phone', type: 'Edm.String' },
        { name: 'email', type: 'Edm.String' },
        { name: 'webSiteUrl', type: 'Edm.String' },
        { name: 'defaultCurrencyIso', type: 'Edm.String' },
        { name: 'languageTag', type: 'Edm.String' },
        { name: 'isPublished', type: 'Edm.Boolean', readOnly: true, defaultValue: false },
        { name: 'publicUrl', type: 'Edm.String', readOnly: true },
        { name: 'createdDateTime', type: 'Edm.DateTimeOffset', readOnly: true, stamp: 'created' },
        { name: 'lastUpdatedDateTime', type: 'Edm.DateTimeOffset', readOnly: true, stamp: 'updated' },
      ],
      navigation: [
        {
          name: 'customers',
          type: 'microsoft.graph.bookingCustomer',
          collection: true,
          containsTarget: true,
          permissions: customerPermissions,
          // Beyond Graph: Bookings offers neither delta nor change notifications on customers today.
          changeTracking: true,
        },
      ],
    },
    {
      kind: 'entity',
      name: 'solutionsRoot',
      properties: [],
      navigation: [
        {
          name: 'bookingBusinesses',
          type: 'microsoft.graph.bookingBusiness',
          collection: true,
          containsTarget: true,
          permissions: businessPermissions,
        },
      ],
    },
  ],
  entitySets: [{ name: 'bookingBusinesses', type: 'microsoft.graph.bookingBusiness', permissions: businessPermissions }],
  singletons: [{ name: 'solutions', type: 'microsoft.graph.solutionsRoot' }],
};
