// microsoft.graph.subscription: change notifications, as Graph's v1.0 metadata declares the type. Clientele
// offers them on the collections the model marks `changeTracking` (Bookings customers); what a subscription
// does beyond storage (the notificationUrl handshake, resource and expiry checks) lives in
// src/notifications/subscription-hooks.ts, and delivery in src/notifications/dispatcher.ts.
// Permissions: Graph asks for the read permission of the subscribed resource. Every subscribable resource here
// is a Bookings collection, so the set takes the Bookings read scopes, and creating one also checks the
// resource's own `list` rule (the hook does).
import type { PermissionRule, Permissions, SchemaDecl } from '../edm.js';

const bookingsRead = ['Bookings.Read.All', 'BookingsAppointment.ReadWrite.All', 'Bookings.ReadWrite.All', 'Bookings.Manage.All'];
const rule: PermissionRule = { delegated: bookingsRead, application: bookingsRead, personal: null };
const permissions: Permissions = { list: rule, get: rule, create: rule, update: rule, delete: rule };

export const SUBSCRIPTION_TYPE = 'microsoft.graph.subscription';

export const subscriptionSchema: SchemaDecl = {
  namespace: 'microsoft.graph',
  types: [
    {
      kind: 'entity',
      name: 'subscription',
      baseType: 'microsoft.graph.entity',
      table: 'subscriptions',
      keyStrategy: 'guid',
      caseInsensitiveKey: true,
      notFound: { code: 'ResourceNotFound', message: "The subscription '{id}' does not exist or has expired." },
      // A renewal (PATCH expirationDateTime) answers 200 with the subscription, as Graph does.
      updateResponse: 'entity',
      properties: [
        { name: 'resource', type: 'Edm.String', nullable: false, requiredOnCreate: true, immutable: true },
        { name: 'changeType', type: 'Edm.String', nullable: false, requiredOnCreate: true, immutable: true },
        { name: 'clientState', type: 'Edm.String', immutable: true },
        { name: 'notificationUrl', type: 'Edm.String', nullable: false, requiredOnCreate: true },
        { name: 'notificationQueryOptions', type: 'Edm.String', immutable: true },
        { name: 'lifecycleNotificationUrl', type: 'Edm.String' },
        { name: 'expirationDateTime', type: 'Edm.DateTimeOffset', nullable: false, requiredOnCreate: true },
        { name: 'applicationId', type: 'Edm.String', readOnly: true },
        { name: 'creatorId', type: 'Edm.String', readOnly: true },
        { name: 'includeResourceData', type: 'Edm.Boolean', immutable: true },
        { name: 'latestSupportedTlsVersion', type: 'Edm.String', defaultValue: 'v1_2' },
        { name: 'encryptionCertificate', type: 'Edm.String', immutable: true },
        { name: 'encryptionCertificateId', type: 'Edm.String', immutable: true },
        { name: 'notificationUrlAppId', type: 'Edm.String', immutable: true },
      ],
    },
  ],
  entitySets: [{ name: 'subscriptions', type: SUBSCRIPTION_TYPE, permissions }],
};
