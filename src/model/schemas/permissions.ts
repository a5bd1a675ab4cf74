// What a bearer token needs, per operation, for each API the model declares.
// Sources: the seed pages (test/fixtures/seeds) and Graph's published permission tables for the same
// operations (api-reference/{beta,v1.0}/includes/permissions/bookingcustomer-*, bookingbusiness-*).
// Where Graph's tables disagree with each other, or say nothing, the choice is written down here.
import type { PermissionRule, Permissions } from '../edm.js';

/** The same scopes for delegated (work or school) and application callers; personal accounts never. */
export const anyCaller = (...scopes: string[]): PermissionRule => ({ delegated: scopes, application: scopes, personal: null });
/** Delegated (work or school) callers only: Graph documents no application permission. */
const delegatedOnly = (...scopes: string[]): PermissionRule => ({ delegated: scopes, application: null, personal: null });

const READ = 'Bookings.Read.All';
const APPOINTMENT = 'BookingsAppointment.ReadWrite.All';
const READ_WRITE = 'Bookings.ReadWrite.All';
const MANAGE = 'Bookings.Manage.All';

// bookingCustomer. Seed 002 (the current create page): delegated and application accept
// BookingsAppointment.ReadWrite.All (least), Bookings.ReadWrite.All and Bookings.Manage.All; Graph's update
// and delete tables say the same. Reads (list, get) add Bookings.Read.All as least privileged (Graph's
// list-customers and get-customer tables). Graph's v1.0 delete table also lists the application role
// Bookings.Read.All as "higher privileged"; a read role that deletes is a documentation slip, so we refuse it.
// Personal Microsoft accounts: "Not supported." everywhere in Bookings.
const customerWrite = anyCaller(APPOINTMENT, READ_WRITE, MANAGE);
const customerRead = anyCaller(READ, APPOINTMENT, READ_WRITE, MANAGE);
export const bookingCustomerPermissions: Permissions = {
  list: customerRead,
  get: customerRead,
  create: customerWrite,
  update: customerWrite,
  delete: customerWrite,
};

// bookingBusiness. Reads: Bookings.Read.All (least) and every write scope; BookingsAppointment.ReadWrite.All
// "additionally allows reading businesses". Update: Bookings.ReadWrite.All or Bookings.Manage.All (Graph's
// current update page, delegated and application). Create and delete: delegated Bookings.Manage.All only
// (Bookings.ReadWrite.All "does not allow create, delete and publish of booking businesses"; Graph documents
// no application permission for them).
export const bookingBusinessPermissions: Permissions = {
  list: customerRead,
  get: customerRead,
  create: delegatedOnly(MANAGE),
  update: anyCaller(READ_WRITE, MANAGE),
  delete: delegatedOnly(MANAGE),
};

/**
 * Partner / customer-tenant management. Graph documents no permissions for these APIs (the seed pages say
 * TODO); the nearest documented family is Microsoft 365 Lighthouse's, whose namespace the partner Customer
 * belongs to: read with ManagedTenants.Read.All, write with ManagedTenants.ReadWrite.All, delegated only.
 */
const managedTenantsRead = delegatedOnly('ManagedTenants.Read.All', 'ManagedTenants.ReadWrite.All');
const managedTenantsWrite = delegatedOnly('ManagedTenants.ReadWrite.All');
export const managedTenantsPermissions: Permissions = {
  list: managedTenantsRead,
  get: managedTenantsRead,
  create: managedTenantsWrite,
  update: managedTenantsWrite,
  delete: managedTenantsWrite,
};

// Services, staff members and custom questions (Graph's pages for each operation, api-reference/{beta,v1.0}/api/
// bookingbusiness-{list,post}-{services,staffmembers,customquestions}, booking{service,staffmember,customquestion}-*).
// Reads: Bookings.Read.All (least) and every write scope, delegated and application (the list-staffmembers and
// list-customquestions tables give application roles; the services pages' older tables say nothing else).
// Writes: services and staff members Bookings.ReadWrite.All or Bookings.Manage.All; custom questions also
// BookingsAppointment.ReadWrite.All (the least privileged on their create page). Graph's tables document no
// application permission for these writes, so app-only tokens are refused.
const catalogueRead = customerRead;
export const bookingServicePermissions: Permissions = {
  list: catalogueRead,
  get: catalogueRead,
  create: delegatedOnly(READ_WRITE, MANAGE),
  update: delegatedOnly(READ_WRITE, MANAGE),
  delete: delegatedOnly(READ_WRITE, MANAGE),
};
export const bookingStaffMemberPermissions: Permissions = { ...bookingServicePermissions };
export const bookingCustomQuestionPermissions: Permissions = {
  list: catalogueRead,
  get: catalogueRead,
  create: delegatedOnly(APPOINTMENT, READ_WRITE, MANAGE),
  update: delegatedOnly(APPOINTMENT, READ_WRITE, MANAGE),
  delete: delegatedOnly(APPOINTMENT, READ_WRITE, MANAGE),
};

// publish and unpublish a business: Bookings.Manage.All alone (Graph's generated tables for both pages,
// delegated and application; Bookings.ReadWrite.All "does not allow … publish of booking businesses").
export const bookingBusinessPublishPermission: PermissionRule = anyCaller(MANAGE);

// bookingCurrency (list and get): Bookings.Read.All (least) and every write scope, delegated only (Graph's
// bookingcurrency-get table documents no application permission). The collection is read-only.
export const bookingCurrencyPermissions: Permissions = {
  list: delegatedOnly(READ, APPOINTMENT, READ_WRITE, MANAGE),
  get: delegatedOnly(READ, APPOINTMENT, READ_WRITE, MANAGE),
};

// bookingAppointment (Graph's list, create, get, update, delete and cancel pages, beta and v1.0): reads
// Bookings.Read.All (least) and every write scope; writes BookingsAppointment.ReadWrite.All (least),
// Bookings.ReadWrite.All, Bookings.Manage.All, delegated and application. The v1.0 create table also lists the
// application role Bookings.Read.All for writes; a read role that writes is a documentation slip (as for
// customers), so it is refused. calendarView reads as the list does. cancel: v1.0's table supports no
// application permission, beta's BookingsAppointment.ReadWrite.All and Bookings.Read.All: applications may
// cancel with the write roles, as they may delete.
export const bookingAppointmentPermissions: Permissions = {
  list: customerRead,
  get: customerRead,
  create: customerWrite,
  update: customerWrite,
  delete: customerWrite,
};
export const bookingAppointmentCancelPermission: PermissionRule = customerWrite;

// getStaffAvailability (Graph's generated table, beta and v1.0): application only, Calendars.ReadWrite (least),
// Bookings.Manage.All, Bookings.Read.All, Bookings.ReadWrite.All, Calendars.Read; delegated "Not supported.".
export const bookingStaffAvailabilityPermission: PermissionRule = {
  delegated: null,
  application: ['Calendars.ReadWrite', MANAGE, READ, READ_WRITE, 'Calendars.Read'],
  personal: null,
};
