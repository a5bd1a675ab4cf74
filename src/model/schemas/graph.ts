// microsoft.graph: the Bookings types, per API version, as Graph's published CSDL declares them (beta-Prod and
// v1.0-Prod; test/graph-metadata.test.ts holds both $metadata documents against Microsoft's excerpts), plus
// what CSDL does not say: storage, keys, indexes, permissions, search, defaults and behaviour.
//
// Where the versions differ (graph-metadata/README.md lists every difference):
// - beta derives bookingBusiness from the abstract bookingNamedEntity (displayName) and bookingCustomer from
//   bookingPerson (+ emailAddress, not abstract); v1.0 derives bookingBusiness from entity and bookingCustomer
//   from the abstract, empty bookingCustomerBase, and declares displayName and emailAddress on each type;
// - v1.0's customers are a Collection(bookingCustomerBase) (members are bookingCustomers);
// - beta's physicalAddress has postOfficeBox and type, v1.0's phone has language and region;
// - beta's time slots say start/end, v1.0's startTime/endTime (stored under the v1.0 names);
// - only beta has the top-level bookingBusinesses and bookingCurrencies entity sets.
// Services, staff members and custom questions are declared in bookings-catalogue.ts; appointments (and the
// calendarView of them) in bookings-appointments.ts.
import type { PropertyDecl, SchemaDecl } from '../edm.js';
import { bookingAppointmentNavigation } from './bookings-appointments.js';
import { bookingCatalogueNavigation } from './bookings-catalogue.js';
import { BOOKING_CURRENCIES } from '../data/booking-currencies.js';
import { bookingCurrencyPermissions } from './permissions.js';
import { bookingBusinessPermissions as businessPermissions, bookingCustomerPermissions as customerPermissions } from './permissions.js';

const BETA = ['beta' as const];
const V1 = ['v1.0' as const];

const displayName: PropertyDecl = { name: 'displayName', type: 'Edm.String', nullable: false, requiredOnCreate: true, searchable: true };
const emailAddress: PropertyDecl = { name: 'emailAddress', type: 'Edm.String', searchable: true };

/** Graph's hours for a new business (its create example): Monday to Friday, 08:00 to 17:00. */
const workday = (day: string) => ({ day, timeSlots: [{ startTime: '08:00:00.0000000', endTime: '17:00:00.0000000' }] });
const DEFAULT_BUSINESS_HOURS = [
  ...['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map(workday),
  { day: 'saturday', timeSlots: [] },
  { day: 'sunday', timeSlots: [] },
];
/** Graph's scheduling policy for a new business (its create example). */
const DEFAULT_SCHEDULING_POLICY = {
  timeSlotInterval: 'PT30M',
  minimumLeadTime: 'P1D',
  maximumAdvance: 'P365D',
  sendConfirmationsToOwner: true,
  allowStaffSelection: true,
  customAvailabilities: [],
  generalAvailability: null,
  isMeetingInviteToCustomersEnabled: null,
};

export const graphSchema: SchemaDecl = {
  namespace: 'microsoft.graph',
  types: [
    { kind: 'enum', name: 'physicalAddressType', versions: BETA, members: ['unknown', 'home', 'business', 'other'] },
    {
      kind: 'enum',
      name: 'phoneType',
      members: ['home', 'business', 'mobile', 'other', 'assistant', 'homeFax', 'businessFax', 'otherFax', 'pager', 'radio'],
    },
    { kind: 'enum', name: 'dayOfWeek', members: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] },
    { kind: 'enum', name: 'bookingPageAccessControl', members: ['unrestricted', 'restrictedToOrganization', 'unknownFutureValue'] },
    {
      kind: 'enum',
      name: 'bookingsServiceAvailabilityType',
      members: ['bookWhenStaffAreFree', 'notBookable', 'customWeeklyHours', 'unknownFutureValue'],
    },
    {
      kind: 'complex',
      name: 'physicalAddress',
      properties: [
        // v1.0 lacks both, yet Graph's v1.0 examples send them and succeed: v1.0 accepts them, never shows
        // them, keeps postOfficeBox as sent and, as its update page says, maps every address it writes to
        // the type `other`.
        { name: 'postOfficeBox', type: 'Edm.String', versions: BETA, acceptedIn: { 'v1.0': 'asSent' } },
        { name: 'street', type: 'Edm.String' },
        { name: 'city', type: 'Edm.String' },
        { name: 'state', type: 'Edm.String' },
        { name: 'countryOrRegion', type: 'Edm.String' },
        { name: 'postalCode', type: 'Edm.String' },
        { name: 'type', type: 'microsoft.graph.physicalAddressType', versions: BETA, acceptedIn: { 'v1.0': { stored: 'other' } } },
      ],
    },
    {
      kind: 'complex',
      name: 'phone',
      properties: [
        { name: 'number', type: 'Edm.String' },
        { name: 'type', type: 'microsoft.graph.phoneType' },
        { name: 'language', type: 'Edm.String', versions: V1 },
        { name: 'region', type: 'Edm.String', versions: V1 },
      ],
    },
    {
      kind: 'complex',
      name: 'bookingWorkTimeSlot',
      properties: [
        { name: 'start', type: 'Edm.TimeOfDay', nullable: false, versions: BETA, storedAs: 'startTime' },
        { name: 'end', type: 'Edm.TimeOfDay', nullable: false, versions: BETA, storedAs: 'endTime' },
        { name: 'startTime', type: 'Edm.TimeOfDay', nullable: false, versions: V1 },
        { name: 'endTime', type: 'Edm.TimeOfDay', nullable: false, versions: V1 },
      ],
    },
    {
      kind: 'complex',
      name: 'bookingWorkHours',
      properties: [
        { name: 'day', type: 'microsoft.graph.dayOfWeek', nullable: false },
        { name: 'timeSlots', type: 'microsoft.graph.bookingWorkTimeSlot', collection: true },
      ],
    },
    {
      kind: 'complex',
      name: 'bookingsAvailability',
      properties: [
        { name: 'availabilityType', type: 'microsoft.graph.bookingsServiceAvailabilityType', nullable: false },
        { name: 'businessHours', type: 'microsoft.graph.bookingWorkHours', collection: true },
      ],
    },
    {
      kind: 'complex',
      name: 'bookingsAvailabilityWindow',
      baseType: 'microsoft.graph.bookingsAvailability',
      properties: [
        { name: 'startDate', type: 'Edm.Date' },
        { name: 'endDate', type: 'Edm.Date' },
      ],
    },
    {
      kind: 'complex',
      name: 'bookingSchedulingPolicy',
      properties: [
        { name: 'timeSlotInterval', type: 'Edm.Duration', nullable: false },
        { name: 'minimumLeadTime', type: 'Edm.Duration', nullable: false },
        { name: 'maximumAdvance', type: 'Edm.Duration', nullable: false },
        { name: 'sendConfirmationsToOwner', type: 'Edm.Boolean', nullable: false },
        { name: 'allowStaffSelection', type: 'Edm.Boolean', nullable: false },
        { name: 'customAvailabilities', type: 'microsoft.graph.bookingsAvailabilityWindow', collection: true },
        { name: 'generalAvailability', type: 'microsoft.graph.bookingsAvailability' },
        { name: 'isMeetingInviteToCustomersEnabled', type: 'Edm.Boolean' },
      ],
    },
    {
      kind: 'complex',
      name: 'bookingPageSettings',
      properties: [
        { name: 'accessControl', type: 'microsoft.graph.bookingPageAccessControl', nullable: false },
        { name: 'bookingPageColorCode', type: 'Edm.String', nullable: false },
        { name: 'businessTimeZone', type: 'Edm.String', nullable: false },
        { name: 'customerConsentMessage', type: 'Edm.String', nullable: false },
        { name: 'enforceOneTimePassword', type: 'Edm.Boolean', nullable: false },
        { name: 'isBusinessLogoDisplayEnabled', type: 'Edm.Boolean', nullable: false },
        { name: 'isCustomerConsentEnabled', type: 'Edm.Boolean', nullable: false },
        { name: 'isSearchEngineIndexabilityDisabled', type: 'Edm.Boolean', nullable: false },
        { name: 'isTimeSlotTimeZoneSetToBusinessTimeZone', type: 'Edm.Boolean', nullable: false },
        { name: 'privacyPolicyWebUrl', type: 'Edm.String', nullable: false },
        { name: 'termsAndConditionsWebUrl', type: 'Edm.String', nullable: false },
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
      versions: BETA,
      baseType: 'microsoft.graph.entity',
      abstract: true,
      properties: [displayName],
    },
    {
      kind: 'entity',
      name: 'bookingPerson',
      versions: BETA,
      baseType: 'microsoft.graph.bookingNamedEntity',
      properties: [emailAddress],
    },
    { kind: 'entity', name: 'bookingCustomerBase', versions: V1, baseType: 'microsoft.graph.entity', abstract: true, properties: [] },
    {
      kind: 'entity',
      name: 'bookingCustomer',
      baseType: 'microsoft.graph.bookingPerson',
      byVersion: { 'v1.0': { baseType: 'microsoft.graph.bookingCustomerBase' } },
      table: 'booking_customers',
      keyStrategy: 'guid',
      caseInsensitiveKey: true,
      indexes: [['emailAddress'], ['displayName'], ['createdDateTime']],
      // Graph's customer update pages (beta and v1.0) answer 200 with the updated customer.
      updateResponse: 'entity',
      properties: [
        { ...displayName, versions: V1 },
        { ...emailAddress, versions: V1 },
        { name: 'addresses', type: 'microsoft.graph.physicalAddress', collection: true },
        { name: 'phones', type: 'microsoft.graph.phone', collection: true },
        { name: 'createdDateTime', type: 'Edm.DateTimeOffset', readOnly: true, stamp: 'created' },
        { name: 'lastUpdatedDateTime', type: 'Edm.DateTimeOffset', readOnly: true, stamp: 'updated' },
      ],
    },
    {
      kind: 'entity',
      name: 'bookingBusiness',
      baseType: 'microsoft.graph.bookingNamedEntity',
      byVersion: { 'v1.0': { baseType: 'microsoft.graph.entity' } },
      table: 'booking_businesses',
      keyStrategy: 'mailboxFromDisplayName',
      caseInsensitiveKey: true,
      // Bookings is backed by Exchange: a business is a mailbox, and Graph reports a missing one this way.
      notFound: { code: 'ErrorNonExistentMailbox', message: "The SMTP address '{id}' has no mailbox associated with it." },
      indexes: [['displayName']],
      // Graph's list pages: a list gives each business's id and displayName (a GET by id gives the rest), and
      // `?query=` keeps the businesses whose name contains the text.
      listed: ['id', 'displayName'],
      textQuery: { name: 'query', properties: ['displayName'] },
      properties: [
        { ...displayName, versions: V1 },
        { name: 'businessType', type: 'Edm.String', defaultValue: '' },
        { name: 'address', type: 'microsoft.graph.physicalAddress' },
        { name: 'phone', type: 'Edm.String' },
        { name: 'email', type: 'Edm.String' },
        { name: 'webSiteUrl', type: 'Edm.String' },
        { name: 'defaultCurrencyIso', type: 'Edm.String' },
        { name: 'languageTag', type: 'Edm.String', defaultValue: 'en-US' },
        { name: 'isPublished', type: 'Edm.Boolean', readOnly: true, defaultValue: false },
        { name: 'publicUrl', type: 'Edm.String', readOnly: true },
        { name: 'businessHours', type: 'microsoft.graph.bookingWorkHours', collection: true, defaultValue: DEFAULT_BUSINESS_HOURS },
        { name: 'schedulingPolicy', type: 'microsoft.graph.bookingSchedulingPolicy', defaultValue: DEFAULT_SCHEDULING_POLICY },
        { name: 'bookingPageSettings', type: 'microsoft.graph.bookingPageSettings' },
        { name: 'createdDateTime', type: 'Edm.DateTimeOffset', readOnly: true, stamp: 'created' },
        { name: 'lastUpdatedDateTime', type: 'Edm.DateTimeOffset', readOnly: true, stamp: 'updated' },
      ],
      navigation: [
        {
          name: 'customers',
          type: 'microsoft.graph.bookingCustomer',
          byVersion: { 'v1.0': { type: 'microsoft.graph.bookingCustomerBase' } },
          collection: true,
          containsTarget: true,
          permissions: customerPermissions,
          // Beyond Graph: Bookings offers neither delta nor change notifications on customers today.
          changeTracking: true,
        },
        ...bookingCatalogueNavigation,
        ...bookingAppointmentNavigation,
      ],
    },
    {
      // Graph's currency list, read-only: src/model/data/booking-currencies.ts.
      kind: 'entity',
      name: 'bookingCurrency',
      baseType: 'microsoft.graph.entity',
      table: 'booking_currencies',
      caseInsensitiveKey: true,
      referenceData: BOOKING_CURRENCIES,
      notFound: { code: 'ErrorItemNotFound', message: "The currency '{id}' is not a Bookings currency." },
      properties: [{ name: 'symbol', type: 'Edm.String', nullable: false }],
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
        { name: 'bookingCurrencies', type: 'microsoft.graph.bookingCurrency', collection: true, containsTarget: true, permissions: bookingCurrencyPermissions },
      ],
    },
  ],
  entitySets: [
    { name: 'bookingBusinesses', type: 'microsoft.graph.bookingBusiness', permissions: businessPermissions, versions: BETA },
    { name: 'bookingCurrencies', type: 'microsoft.graph.bookingCurrency', permissions: bookingCurrencyPermissions, versions: BETA },
  ],
  // v1.0's Bookings examples all give `https://graph.microsoft.com/v1.0/solutions/$metadata#bookingBusinesses…`.
  singletons: [{ name: 'solutions', type: 'microsoft.graph.solutionsRoot', byVersion: { 'v1.0': { ownsMetadata: true } } }],
};
