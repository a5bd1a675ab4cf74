// microsoft.graph: a Bookings business's appointments (a customer booked for a service with staff at a time),
// the complex types they embed, staff availability, and the two actions (cancel, getStaffAvailability), per
// API version as Graph's beta-Prod and v1.0-Prod CSDL declare them (test/graph-metadata.test.ts holds both
// $metadata documents against Microsoft's excerpts). Behaviour: src/bookings/booking-appointment.ts.
//
// Where the versions differ (graph-metadata/README.md):
// - beta's `start`/`end` are v1.0's `startDateTime`/`endDateTime` (one stored value, under the v1.0 names);
// - beta alone has customerId, customerLocation, the invoice fields and onlineMeetingUrl;
// - beta's bookingCustomerInformation has smsNotificationsEnabled (non-null); v1.0 accepts it (Graph's v1.0
//   examples send it) and never shows it.
// What CSDL's out-of-line annotations say (v1.0): duration and filledAttendeesCount are Core.Computed,
// customerNotes and serviceId Core.Immutable.
import type { NavigationDecl, PropertyDecl, SchemaDecl } from '../edm.js';
import { bookingAppointmentPermissions, bookingAppointmentCancelPermission, bookingStaffAvailabilityPermission } from './permissions.js';

const BETA = ['beta' as const];
const V1 = ['v1.0' as const];

export const APPOINTMENT_TYPE = 'microsoft.graph.bookingAppointment';
export const CUSTOMER_INFORMATION_TYPE = 'microsoft.graph.bookingCustomerInformation';
const DATE_TIME_TIME_ZONE = 'microsoft.graph.dateTimeTimeZone';
const BUSINESS = 'microsoft.graph.bookingBusiness';

/** bookingBusiness's navigations to its appointments (graph.ts lists them with the others). */
export const bookingAppointmentNavigation: NavigationDecl[] = [
  {
    name: 'appointments',
    type: APPOINTMENT_TYPE,
    collection: true,
    containsTarget: true,
    permissions: bookingAppointmentPermissions,
    // As for customers: beyond Graph, which offers neither delta nor change notifications on Bookings.
    changeTracking: true,
  },
  // The same appointments, those overlapping `?start=&end=` in start order (read-only: writes go to appointments).
  {
    name: 'calendarView',
    type: APPOINTMENT_TYPE,
    collection: true,
    containsTarget: true,
    permissions: bookingAppointmentPermissions,
    view: 'calendarView',
    viewParameters: [
      { name: 'start', type: 'Edm.DateTimeOffset', required: true, description: 'The start of the window (ISO 8601, UTC or with an offset)' },
      { name: 'end', type: 'Edm.DateTimeOffset', required: true, description: 'The end of the window (ISO 8601, UTC or with an offset)' },
    ],
  },
];

/** A start or end: required on create, beta's name stored under v1.0's. */
const instant = (beta: string, v1: string): PropertyDecl[] => [
  { name: beta, type: DATE_TIME_TIME_ZONE, nullable: false, requiredOnCreate: true, versions: BETA, storedAs: v1 },
  { name: v1, type: DATE_TIME_TIME_ZONE, nullable: false, requiredOnCreate: true, versions: V1 },
];

export const bookingsAppointmentsSchema: SchemaDecl = {
  namespace: 'microsoft.graph',
  actions: [
    {
      name: 'cancel',
      bindingType: APPOINTMENT_TYPE,
      bindingParameter: 'bookingAppointment',
      parameters: [{ name: 'cancellationMessage', type: 'Edm.String' }],
      permission: bookingAppointmentCancelPermission,
    },
    {
      name: 'getStaffAvailability',
      bindingType: BUSINESS,
      bindingParameter: 'bookingBusiness',
      parameters: [
        { name: 'staffIds', type: 'Edm.String', collection: true, nullable: false },
        { name: 'startDateTime', type: DATE_TIME_TIME_ZONE, nullable: false },
        { name: 'endDateTime', type: DATE_TIME_TIME_ZONE, nullable: false },
      ],
      returnType: { type: 'microsoft.graph.staffAvailabilityItem', collection: true },
      permission: bookingStaffAvailabilityPermission,
    },
  ],
  types: [
    { kind: 'enum', name: 'bookingInvoiceStatus', versions: BETA, members: ['draft', 'reviewing', 'open', 'canceled', 'paid', 'corrective'] },
    { kind: 'enum', name: 'bookingsAvailabilityStatus', members: ['available', 'busy', 'slotsAvailable', 'outOfOffice', 'unknownFutureValue'] },
    {
      kind: 'complex',
      name: 'dateTimeTimeZone',
      properties: [
        { name: 'dateTime', type: 'Edm.String', nullable: false },
        { name: 'timeZone', type: 'Edm.String' },
      ],
    },
    {
      kind: 'complex',
      name: 'availabilityItem',
      properties: [
        { name: 'endDateTime', type: DATE_TIME_TIME_ZONE, nullable: false },
        { name: 'serviceId', type: 'Edm.String' },
        { name: 'startDateTime', type: DATE_TIME_TIME_ZONE, nullable: false },
        { name: 'status', type: 'microsoft.graph.bookingsAvailabilityStatus' },
      ],
    },
    {
      kind: 'complex',
      name: 'staffAvailabilityItem',
      properties: [
        { name: 'availabilityItems', type: 'microsoft.graph.availabilityItem', collection: true },
        { name: 'staffId', type: 'Edm.String' },
      ],
    },
    {
      kind: 'complex',
      name: 'bookingQuestionAnswer',
      properties: [
        { name: 'answer', type: 'Edm.String' },
        { name: 'answerInputType', type: 'microsoft.graph.answerInputType' },
        { name: 'answerOptions', type: 'Edm.String', collection: true },
        { name: 'isRequired', type: 'Edm.Boolean' },
        { name: 'question', type: 'Edm.String' },
        { name: 'questionId', type: 'Edm.String' },
        { name: 'selectedOptions', type: 'Edm.String', collection: true },
      ],
    },
    { kind: 'complex', name: 'bookingCustomerInformationBase', abstract: true, properties: [] },
    {
      kind: 'complex',
      name: 'bookingCustomerInformation',
      baseType: 'microsoft.graph.bookingCustomerInformationBase',
      properties: [
        { name: 'customerId', type: 'Edm.String' },
        { name: 'customQuestionAnswers', type: 'microsoft.graph.bookingQuestionAnswer', collection: true },
        { name: 'emailAddress', type: 'Edm.String' },
        { name: 'location', type: 'microsoft.graph.location' },
        { name: 'name', type: 'Edm.String' },
        { name: 'notes', type: 'Edm.String' },
        { name: 'phone', type: 'Edm.String' },
        { name: 'smsNotificationsEnabled', type: 'Edm.Boolean', nullable: false, versions: BETA, acceptedIn: { 'v1.0': 'asSent' } },
        { name: 'timeZone', type: 'Edm.String' },
      ],
    },
    {
      kind: 'entity',
      name: 'bookingAppointment',
      baseType: 'microsoft.graph.entity',
      table: 'booking_appointments',
      keyStrategy: 'guid',
      // Graph's appointment ids are Exchange item ids (`AAMkADKnAAA=`), base64: case matters.
      notFound: { code: 'ErrorItemNotFound', message: "The specified appointment '{id}' was not found in the business." },
      indexes: [['serviceId']],
      // "The value of this property is available only when reading this bookingAppointment by its ID" (Graph's
      // resource and update pages); the list pages show them so.
      readByIdOnly: ['reminders', 'serviceNotes', 'customerNotes'],
      properties: [
        { name: 'additionalInformation', type: 'Edm.String' },
        { name: 'anonymousJoinWebUrl', type: 'Edm.String' },
        { name: 'appointmentLabel', type: 'Edm.String' },
        { name: 'createdDateTime', type: 'Edm.DateTimeOffset', readOnly: true, stamp: 'created' },
        { name: 'customerEmailAddress', type: 'Edm.String', searchable: true },
        { name: 'customerId', type: 'Edm.String', versions: BETA },
        { name: 'customerLocation', type: 'microsoft.graph.location', versions: BETA },
        { name: 'customerName', type: 'Edm.String', searchable: true },
        { name: 'customerNotes', type: 'Edm.String', immutable: true },
        { name: 'customerPhone', type: 'Edm.String' },
        { name: 'customers', type: 'microsoft.graph.bookingCustomerInformationBase', collection: true, nullable: false },
        { name: 'customerTimeZone', type: 'Edm.String' },
        // Computed from the start and end (Core.Computed): src/bookings/booking-appointment.ts.
        { name: 'duration', type: 'Edm.Duration', nullable: false, readOnly: true },
        ...instant('end', 'endDateTime'),
        { name: 'filledAttendeesCount', type: 'Edm.Int32', nullable: false, readOnly: true },
        { name: 'invoiceAmount', type: 'Edm.Double', nullable: false, defaultValue: 0, versions: BETA },
        { name: 'invoiceDate', type: DATE_TIME_TIME_ZONE, versions: BETA },
        { name: 'invoiceId', type: 'Edm.String', versions: BETA },
        { name: 'invoiceStatus', type: 'microsoft.graph.bookingInvoiceStatus', nullable: false, defaultValue: 'draft', versions: BETA },
        { name: 'invoiceUrl', type: 'Edm.String', versions: BETA },
        { name: 'isCustomerAllowedToManageBooking', type: 'Edm.Boolean' },
        { name: 'isLocationOnline', type: 'Edm.Boolean', nullable: false, defaultValue: false },
        { name: 'joinWebUrl', type: 'Edm.String' },
        { name: 'lastUpdatedDateTime', type: 'Edm.DateTimeOffset', readOnly: true, stamp: 'updated' },
        // Defaults for these come from the service (src/bookings/booking-appointment.ts).
        { name: 'maximumAttendeesCount', type: 'Edm.Int32', nullable: false },
        { name: 'onlineMeetingUrl', type: 'Edm.String', versions: BETA },
        { name: 'optOutOfCustomerEmail', type: 'Edm.Boolean', nullable: false, defaultValue: false },
        { name: 'postBuffer', type: 'Edm.Duration', nullable: false },
        { name: 'preBuffer', type: 'Edm.Duration', nullable: false },
        { name: 'price', type: 'Edm.Double', nullable: false },
        { name: 'priceType', type: 'microsoft.graph.bookingPriceType', nullable: false },
        { name: 'reminders', type: 'microsoft.graph.bookingReminder', collection: true },
        // Graph gives appointments not booked through the self-service page the empty GUID (its examples).
        { name: 'selfServiceAppointmentId', type: 'Edm.String', defaultValue: '00000000-0000-0000-0000-000000000000' },
        { name: 'serviceId', type: 'Edm.String', immutable: true, requiredOnCreate: true },
        { name: 'serviceLocation', type: 'microsoft.graph.location' },
        { name: 'serviceName', type: 'Edm.String', nullable: false, searchable: true },
        { name: 'serviceNotes', type: 'Edm.String' },
        { name: 'smsNotificationsEnabled', type: 'Edm.Boolean', nullable: false, defaultValue: false },
        { name: 'staffMemberIds', type: 'Edm.String', collection: true },
        ...instant('start', 'startDateTime'),
      ],
    },
  ],
};
