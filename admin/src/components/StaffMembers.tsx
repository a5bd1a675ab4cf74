// A business's staff members: their list, page and form. Graph requires displayName, emailAddress and role
// on create; a staff member follows the business's hours unless `useBusinessHours` is false.
import type { CatalogueKind } from './Catalogue';

export const staffMembers: CatalogueKind = {
  name: 'staffMembers',
  type: 'microsoft.graph.bookingStaffMember',
  noun: 'staff members',
  singular: 'staff member',
  title: 'Staff members',
  columns: [
    { name: 'displayName', label: 'Name' },
    { name: 'emailAddress', label: 'Email' },
    { name: 'role' },
    { name: 'useBusinessHours', label: 'Business hours' },
    { name: 'membershipStatus', label: 'Status' },
  ],
  fields: ['displayName', 'emailAddress', 'role', 'useBusinessHours', 'timeZone'],
  // Beta inherits emailAddress from bookingPerson, optional there; Graph's create page requires it.
  required: ['emailAddress'],
  details: ['displayName', 'emailAddress', 'role', 'useBusinessHours', 'timeZone', 'membershipStatus', 'isEmailNotificationEnabled', 'id', 'createdDateTime', 'lastUpdatedDateTime'],
  // The server takes a deleted staff member out of the services that name it (README).
  deleteNote: 'Services that name this staff member will no longer.',
  hints: { useBusinessHours: 'Empty on create: true (the business’s hours)', timeZone: 'e.g. America/Chicago' },
};
