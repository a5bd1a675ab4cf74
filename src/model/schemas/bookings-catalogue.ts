// microsoft.graph: what a Bookings business offers besides its customers — services, staff members and custom
// questions, with the complex and enum types they use — per API version, as Graph's beta-Prod and v1.0-Prod
// CSDL declare them (test/graph-metadata.test.ts holds both $metadata documents against Microsoft's excerpts).
// Merged into the microsoft.graph schema with graph.ts (one CSDL Schema per namespace); graph.ts's
// bookingBusiness takes the navigations below. What CSDL does not say (storage, defaults, permissions,
// required properties) comes from Graph's docs pages; rules across entities live in src/bookings/.
//
// Where the versions differ (graph-metadata/README.md):
// - beta derives bookingService from bookingNamedEntity (displayName) and bookingStaffMember from bookingPerson
//   (+ emailAddress); v1.0 derives bookingService from entity and bookingStaffMember from the abstract, empty
//   bookingStaffMemberBase, and declares displayName (and emailAddress) on each type;
// - v1.0's staffMembers is a Collection(bookingStaffMemberBase) (members are bookingStaffMembers);
// - beta's bookingStaffMember has colorIndex; v1.0's bookingService.smsNotificationsEnabled is not nullable;
// - v1.0's bookingPriceType and bookingReminderRecipients end with unknownFutureValue.
import type { NavigationDecl, PropertyDecl, SchemaDecl } from '../edm.js';
import { bookingBusinessPublishPermission, bookingCustomQuestionPermissions, bookingServicePermissions, bookingStaffMemberPermissions } from './permissions.js';

const BETA = ['beta' as const];
const V1 = ['v1.0' as const];

const displayName: PropertyDecl = { name: 'displayName', type: 'Edm.String', nullable: false, requiredOnCreate: true, searchable: true };
const stamps: PropertyDecl[] = [
  { name: 'createdDateTime', type: 'Edm.DateTimeOffset', readOnly: true, stamp: 'created' },
  { name: 'lastUpdatedDateTime', type: 'Edm.DateTimeOffset', readOnly: true, stamp: 'updated' },
];

export const SERVICE_TYPE = 'microsoft.graph.bookingService';
export const STAFF_MEMBER_TYPE = 'microsoft.graph.bookingStaffMember';
export const CUSTOM_QUESTION_TYPE = 'microsoft.graph.bookingCustomQuestion';

/** bookingBusiness's navigations to what this module declares (graph.ts lists them with `customers`). */
export const bookingCatalogueNavigation: NavigationDecl[] = [
  {
    name: 'customQuestions',
    type: CUSTOM_QUESTION_TYPE,
    collection: true,
    containsTarget: true,
    permissions: bookingCustomQuestionPermissions,
    // As for customers: beyond Graph, which offers neither delta nor change notifications on Bookings.
    changeTracking: true,
  },
  { name: 'services', type: SERVICE_TYPE, collection: true, containsTarget: true, permissions: bookingServicePermissions, changeTracking: true },
  {
    name: 'staffMembers',
    type: STAFF_MEMBER_TYPE,
    byVersion: { 'v1.0': { type: 'microsoft.graph.bookingStaffMemberBase' } },
    collection: true,
    containsTarget: true,
    permissions: bookingStaffMemberPermissions,
    changeTracking: true,
  },
];

const BUSINESS = 'microsoft.graph.bookingBusiness';

export const bookingsCatalogueSchema: SchemaDecl = {
  namespace: 'microsoft.graph',
  // The business's booking page goes public (publish) and private (unpublish): src/bookings/booking-business.ts.
  actions: [
    { name: 'publish', bindingType: BUSINESS, bindingParameter: 'bookingBusiness', permission: bookingBusinessPublishPermission },
    { name: 'unpublish', bindingType: BUSINESS, bindingParameter: 'bookingBusiness', permission: bookingBusinessPublishPermission },
  ],
  types: [
    { kind: 'enum', name: 'answerInputType', members: ['text', 'radioButton', 'unknownFutureValue'] },
    {
      kind: 'enum',
      name: 'bookingPriceType',
      members: ['undefined', 'fixedPrice', 'startingAt', 'hourly', 'free', 'priceVaries', 'callUs', 'notSet'],
      byVersion: { 'v1.0': { members: ['undefined', 'fixedPrice', 'startingAt', 'hourly', 'free', 'priceVaries', 'callUs', 'notSet', 'unknownFutureValue'] } },
    },
    {
      kind: 'enum',
      name: 'bookingReminderRecipients',
      members: ['allAttendees', 'staff', 'customer'],
      byVersion: { 'v1.0': { members: ['allAttendees', 'staff', 'customer', 'unknownFutureValue'] } },
    },
    { kind: 'enum', name: 'bookingStaffMembershipStatus', members: ['active', 'pendingAcceptance', 'rejectedByStaff', 'unknownFutureValue'] },
    {
      kind: 'enum',
      name: 'bookingStaffRole',
      // Graph's evolvable enum: scheduler and teamMember come after the unknownFutureValue sentinel.
      members: ['guest', 'administrator', 'viewer', 'externalGuest', 'unknownFutureValue', 'scheduler', 'teamMember'],
    },
    {
      kind: 'enum',
      name: 'locationType',
      members: ['default', 'conferenceRoom', 'homeAddress', 'businessAddress', 'geoCoordinates', 'streetAddress', 'hotel', 'restaurant', 'localBusiness', 'postalAddress'],
    },
    { kind: 'enum', name: 'locationUniqueIdType', members: ['unknown', 'locationStore', 'directory', 'private', 'bing'] },
    {
      kind: 'complex',
      name: 'outlookGeoCoordinates',
      properties: [
        { name: 'accuracy', type: 'Edm.Double' },
        { name: 'altitude', type: 'Edm.Double' },
        { name: 'altitudeAccuracy', type: 'Edm.Double' },
        { name: 'latitude', type: 'Edm.Double' },
        { name: 'longitude', type: 'Edm.Double' },
      ],
    },
    {
      kind: 'complex',
      name: 'location',
      properties: [
        { name: 'address', type: 'microsoft.graph.physicalAddress' },
        { name: 'coordinates', type: 'microsoft.graph.outlookGeoCoordinates' },
        { name: 'displayName', type: 'Edm.String' },
        { name: 'locationEmailAddress', type: 'Edm.String' },
        { name: 'locationType', type: 'microsoft.graph.locationType' },
        { name: 'locationUri', type: 'Edm.String' },
        { name: 'uniqueId', type: 'Edm.String' },
        { name: 'uniqueIdType', type: 'microsoft.graph.locationUniqueIdType' },
      ],
    },
    {
      kind: 'complex',
      name: 'bookingQuestionAssignment',
      properties: [
        { name: 'isRequired', type: 'Edm.Boolean', nullable: false },
        { name: 'questionId', type: 'Edm.String', nullable: false },
      ],
    },
    {
      kind: 'complex',
      name: 'bookingReminder',
      properties: [
        { name: 'message', type: 'Edm.String', nullable: false },
        { name: 'offset', type: 'Edm.Duration', nullable: false },
        { name: 'recipients', type: 'microsoft.graph.bookingReminderRecipients', nullable: false },
      ],
    },
    {
      kind: 'entity',
      name: 'bookingService',
      baseType: 'microsoft.graph.bookingNamedEntity',
      byVersion: { 'v1.0': { baseType: 'microsoft.graph.entity' } },
      table: 'booking_services',
      keyStrategy: 'guid',
      caseInsensitiveKey: true,
      notFound: { code: 'ErrorItemNotFound', message: "The specified service '{id}' was not found in the business." },
      indexes: [['displayName']],
      // Defaults: Graph's docs name some (isLocationOnline, smsNotificationsEnabled false); the rest are what
      // Bookings gives a new service (its "Initial service": price 0 notSet, no buffers, one attendee).
      properties: [
        { ...displayName, versions: V1 },
        { name: 'additionalInformation', type: 'Edm.String' },
        { name: 'customQuestions', type: 'microsoft.graph.bookingQuestionAssignment', collection: true },
        { name: 'defaultDuration', type: 'Edm.Duration', nullable: false, defaultValue: 'PT30M' },
        { name: 'defaultLocation', type: 'microsoft.graph.location' },
        { name: 'defaultPrice', type: 'Edm.Double', nullable: false, defaultValue: 0 },
        { name: 'defaultPriceType', type: 'microsoft.graph.bookingPriceType', nullable: false, defaultValue: 'notSet' },
        { name: 'defaultReminders', type: 'microsoft.graph.bookingReminder', collection: true },
        { name: 'description', type: 'Edm.String' },
        { name: 'isAnonymousJoinEnabled', type: 'Edm.Boolean', nullable: false, defaultValue: false },
        { name: 'isCustomerAllowedToManageBooking', type: 'Edm.Boolean' },
        { name: 'isHiddenFromCustomers', type: 'Edm.Boolean', nullable: false, defaultValue: false },
        { name: 'isLocationOnline', type: 'Edm.Boolean', nullable: false, defaultValue: false },
        { name: 'languageTag', type: 'Edm.String', nullable: false, defaultValue: 'en-US' },
        { name: 'maximumAttendeesCount', type: 'Edm.Int32', nullable: false, defaultValue: 1 },
        { name: 'notes', type: 'Edm.String' },
        { name: 'postBuffer', type: 'Edm.Duration', nullable: false, defaultValue: 'PT0S' },
        { name: 'preBuffer', type: 'Edm.Duration', nullable: false, defaultValue: 'PT0S' },
        { name: 'schedulingPolicy', type: 'microsoft.graph.bookingSchedulingPolicy' },
        {
          name: 'smsNotificationsEnabled',
          type: 'Edm.Boolean',
          defaultValue: false,
          byVersion: { 'v1.0': { nullable: false } },
        },
        { name: 'staffMemberIds', type: 'Edm.String', collection: true },
        // Computed by the server (Core.Computed in v1.0's annotations): see src/bookings/booking-service.ts.
        { name: 'webUrl', type: 'Edm.String', readOnly: true },
        ...stamps,
      ],
    },
    { kind: 'entity', name: 'bookingStaffMemberBase', versions: V1, baseType: 'microsoft.graph.entity', abstract: true, properties: [] },
    {
      kind: 'entity',
      name: 'bookingStaffMember',
      baseType: 'microsoft.graph.bookingPerson',
      byVersion: { 'v1.0': { baseType: 'microsoft.graph.bookingStaffMemberBase' } },
      table: 'booking_staff_members',
      keyStrategy: 'guid',
      caseInsensitiveKey: true,
      notFound: { code: 'ErrorItemNotFound', message: "The specified staff member '{id}' was not found in the business." },
      indexes: [['emailAddress'], ['displayName']],
      // Required on create (Graph's create page): displayName, emailAddress, role. Beta inherits
      // emailAddress from bookingPerson, where it is optional, so src/bookings/booking-staff-member.ts checks it.
      properties: [
        { ...displayName, versions: V1 },
        { name: 'emailAddress', type: 'Edm.String', searchable: true, versions: V1 },
        { name: 'availabilityIsAffectedByPersonalCalendar', type: 'Edm.Boolean', nullable: false, defaultValue: false },
        { name: 'colorIndex', type: 'Edm.Int32', versions: BETA },
        { name: 'isEmailNotificationEnabled', type: 'Edm.Boolean', nullable: false, defaultValue: true },
        { name: 'membershipStatus', type: 'microsoft.graph.bookingStaffMembershipStatus', nullable: false, defaultValue: 'active' },
        { name: 'role', type: 'microsoft.graph.bookingStaffRole', nullable: false, requiredOnCreate: true },
        { name: 'timeZone', type: 'Edm.String' },
        { name: 'useBusinessHours', type: 'Edm.Boolean', nullable: false, defaultValue: true },
        // Without a value, the business's hours (Graph: "initialized to be the same as the businessHours").
        { name: 'workingHours', type: 'microsoft.graph.bookingWorkHours', collection: true },
        ...stamps,
      ],
    },
    {
      kind: 'entity',
      name: 'bookingCustomQuestion',
      baseType: 'microsoft.graph.entity',
      table: 'booking_custom_questions',
      keyStrategy: 'guid',
      caseInsensitiveKey: true,
      notFound: { code: 'ErrorItemNotFound', message: "The specified custom question '{id}' was not found in the business." },
      indexes: [['displayName']],
      // Graph's update pages (beta and v1.0) answer 200 with the updated question.
      updateResponse: 'entity',
      properties: [
        { name: 'answerInputType', type: 'microsoft.graph.answerInputType', defaultValue: 'text' },
        { name: 'answerOptions', type: 'Edm.String', collection: true },
        displayName,
        ...stamps,
      ],
    },
  ],
};
