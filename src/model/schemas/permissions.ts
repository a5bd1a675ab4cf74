// What a bearer token needs, per operation, for each API the model declares.
// Sources: the seed pages (test/fixtures/seeds) and Graph's published permission tables for the same
// operations (api-reference/{beta,v1.0}/includes/permissions/bookingcustomer-*, bookingbusiness-*).
// Where Graph's tables disagree with each other, or say nothing, the choice is written down here.
import type { PermissionRule, Permissions } from '../edm.js';

const READ = 'Bookings.Read.All';
const APPOINTMENT = 'BookingsAppointment.ReadWrite.All';
const READ_WRITE = 'Bookings.ReadWrite.All';
const MANAGE = 'Bookings.Manage.All';

/** Personal Microsoft accounts are refused everywhere in Bookings ("Not supported."). */
const both = (accepted: string[]): PermissionRule => ({ delegated: accepted, application: accepted, personal: null });

// bookingCustomer. Seed 002 (the current create page): delegated and application accept
// BookingsAppointment.ReadWrite.All (least), Bookings.ReadWrite.All and Bookings.Manage.All; Graph's update
// and delete tables say the same. Reads (list, get) add Bookings.Read.All as least privileged (Graph's
// list-customers and get-customer tables). Graph's v1.0 delete table also lists the application role
// Bookings.Read.All as "higher privileged"; a read role that deletes is a documentation slip, so we refuse it.
const customerWrite = both([APPOINTMENT, READ_WRITE, MANAGE]);
const customerRead = both([READ, APPOINTMENT, READ_WRITE, MANAGE]);
export const bookingCustomerPermissions: Permissions = {
  list: customerRead,
  get: customerRead,
  create: customerWrite,
  update: customerWrite,
  delete: customerWrite,
};

// bookingBusiness. Reads: Bookings.Read.All (least) and every write scope; BookingsAppointment.ReadWrite.All
// "additionally allows reading businesses". Update: Bookings.ReadWrite.All or Bookings.Manage.All (Graph's
// current update page, delegated and application). Create and delete are management operations:
// Bookings.Manage.All ("Bookings.ReadWrite.All ... does not allow create, delete and publish of booking
// businesses"). Graph documents create/delete as delegated-only; we also accept the application role
// Bookings.Manage.All, which Graph defines for exactly this ("manage ... businesses"), so that app-only
// test setups can make the businesses they need.
export const bookingBusinessPermissions: Permissions = {
  list: both([READ, APPOINTMENT, READ_WRITE, MANAGE]),
  get: both([READ, APPOINTMENT, READ_WRITE, MANAGE]),
  create: both([MANAGE]),
  update: both([READ_WRITE, MANAGE]),
  delete: both([MANAGE]),
};

// Partner customers (seeds 003 and 004: POST /Customers, POST /customerCreationOperations/{id}/customer/$ref).
// Their pages say "TODO: Provide applicable permissions." Graph's documented permissions for a partner's
// customer relationships are DelegatedAdminRelationship.Read.All / DelegatedAdminRelationship.ReadWrite.All
// (tenantRelationships/delegatedAdminCustomers), delegated and application; personal accounts are not
// supported. We use those: reads accept either, writes need ReadWrite.
const partnerRead = both(['DelegatedAdminRelationship.Read.All', 'DelegatedAdminRelationship.ReadWrite.All']);
const partnerWrite = both(['DelegatedAdminRelationship.ReadWrite.All']);
export const partnerCustomerPermissions: Permissions = {
  list: partnerRead,
  get: partnerRead,
  create: partnerWrite,
  update: partnerWrite,
  delete: partnerWrite,
};
