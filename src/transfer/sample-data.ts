// Sample data for `clientele seed` and `serve --seed`: the Contoso examples of Graph's Bookings pages
// (Contoso lunch delivery with its customer Joni Sherman, its staff Dana Swope and Samantha Booth, its custom
// questions, its Bento and Kaiseki services and the two appointments of the appointment pages, booked here for
// the seed's own customers; Fourth Coffee), with fixed ids so that seeding twice changes nothing and tests can
// address them.

export interface SampleBusiness {
  body: Record<string, unknown>;
  customers: Array<Record<string, unknown>>;
  /** Created in this order: services name staff members and custom questions. */
  staffMembers?: Array<Record<string, unknown>>;
  customQuestions?: Array<Record<string, unknown>>;
  services?: Array<Record<string, unknown>>;
  /** After the services: an appointment names its service, staff, customers and the answers to their questions. */
  appointments?: Array<Record<string, unknown>>;
}

const weekdayHours = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => ({ day, timeSlots: [{ start: '08:00:00.0000000', end: '17:00:00.0000000' }] }));
const lunchLocation = {
  displayName: 'Contoso Lunch Delivery',
  address: { street: '4567 First Street', city: 'Buffalo', state: 'NY', countryOrRegion: 'USA', postalCode: '98052' },
};
/** One of the docs' Catered bento appointments (beta shapes): half an hour, for one customer who gives their age. */
const bentoAppointment = (id: string, start: string, end: string, customerId: string, extra: Record<string, unknown> = {}) => ({
  id,
  serviceId: '57da6774-a087-4d69-b0e6-6fb82c339976',
  start: { dateTime: start, timeZone: 'UTC' },
  end: { dateTime: end, timeZone: 'UTC' },
  isLocationOnline: true,
  smsNotificationsEnabled: true,
  customerTimeZone: 'America/Chicago',
  maximumAttendeesCount: 5,
  serviceLocation: { displayName: 'Customer location', address: { street: '123 First Avenue', city: 'Buffalo', state: 'NY', countryOrRegion: 'USA', postalCode: '98052' } },
  customers: [{ customerId, timeZone: 'America/Chicago', customQuestionAnswers: [{ questionId: '3bc6fde0-4ad3-445d-ab17-0fc15dba0774', answer: '25' }] }],
  ...extra,
});
const lunchPolicy = { timeSlotInterval: 'PT1H', minimumLeadTime: 'PT10H', maximumAdvance: 'P10D', sendConfirmationsToOwner: true, allowStaffSelection: true };

export const SAMPLE_BUSINESSES: SampleBusiness[] = [
  {
    body: {
      id: 'Contosolunchdelivery@contoso.onmicrosoft.com',
      displayName: 'Contoso lunch delivery',
      businessType: 'Food delivery',
      phone: '206-555-0100',
      email: 'manager@contoso.com',
      webSiteUrl: 'https://www.contoso.com',
      defaultCurrencyIso: 'USD',
      languageTag: 'en-US',
      address: { postOfficeBox: '', street: '4567 Main Street', city: 'Buffalo', state: 'NY', countryOrRegion: 'USA', postalCode: '98052', type: 'business' },
    },
    customers: [
      {
        id: '36038f36-634e-44e4-9415-d7d59c2347aa',
        displayName: 'Joni Sherman',
        emailAddress: 'jonis@relecloud.com',
        addresses: [
          { postOfficeBox: '', street: '4567 Main Street', city: 'Buffalo', state: 'NY', countryOrRegion: 'USA', postalCode: '98052', type: 'home' },
          { postOfficeBox: '', street: '4570 Main Street', city: 'Buffalo', state: 'NY', countryOrRegion: 'USA', postalCode: '98054', type: 'business' },
        ],
        phones: [
          { number: '206-555-0100', type: 'home' },
          { number: '206-555-0200', type: 'business' },
        ],
      },
      {
        id: '8bb19f4b-6d8d-4d4e-bd43-0aa6b4a0e8a1',
        displayName: 'Adele Vance',
        emailAddress: 'adelev@relecloud.com',
        phones: [{ number: '425-555-0109', type: 'mobile' }],
      },
      {
        id: 'c7f0c5a2-3f0e-4bd8-9b0e-5e6f2d1a7c33',
        displayName: 'Alex Wilber',
        emailAddress: 'alexw@relecloud.com',
        addresses: [{ street: '1 Microsoft Way', city: 'Redmond', state: 'WA', countryOrRegion: 'USA', postalCode: '98052', type: 'home' }],
      },
    ],
    // Graph's staff, custom question and service pages (beta shapes, which say everything).
    staffMembers: [
      {
        id: '8ee1c803-a1fa-406d-8259-7ab53233f148', displayName: 'Dana Swope', emailAddress: 'danas@contoso.com', role: 'externalGuest',
        timeZone: 'America/Chicago', useBusinessHours: true, isEmailNotificationEnabled: false, colorIndex: 1, workingHours: weekdayHours,
      },
      {
        id: '71d64d0e-7225-49b6-b0b1-070d476cda51', displayName: 'Samantha Booth', emailAddress: 'samanthab@contoso.onmicrosoft.com', role: 'administrator',
        timeZone: 'America/Chicago', useBusinessHours: true, availabilityIsAffectedByPersonalCalendar: true, isEmailNotificationEnabled: false, colorIndex: 0,
      },
    ],
    customQuestions: [
      { id: '3bc6fde0-4ad3-445d-ab17-0fc15dba0774', displayName: 'What is your age?', answerInputType: 'text', answerOptions: [] },
      { id: 'dbb865a6-530d-46e1-8e88-5d76789034b2', displayName: 'What is your nationality?', answerInputType: 'radioButton', answerOptions: ['US', 'UK', 'Canada', 'India'] },
    ],
    services: [
      {
        id: '57da6774-a087-4d69-b0e6-6fb82c339976', displayName: 'Bento', defaultDuration: 'PT30M', defaultPrice: 10, defaultPriceType: 'fixedPrice',
        description: 'Individual bento box lunch delivery', notes: 'Home-cooked special', preBuffer: 'PT5M', postBuffer: 'PT10M', isLocationOnline: true,
        smsNotificationsEnabled: true, defaultLocation: lunchLocation, schedulingPolicy: lunchPolicy,
        defaultReminders: [{ offset: 'P1D', recipients: 'allAttendees', message: 'Please be reminded that this service is tomorrow.' }],
        staffMemberIds: ['8ee1c803-a1fa-406d-8259-7ab53233f148'],
        customQuestions: [{ questionId: '3bc6fde0-4ad3-445d-ab17-0fc15dba0774', isRequired: true }],
      },
      {
        id: '635a7b7c-4230-4d3b-a42b-698e89927528', displayName: 'Kaiseki', defaultDuration: 'PT1H30M', defaultPrice: 30, defaultPriceType: 'fixedPrice',
        description: 'Individual kaiseki lunch delivery', notes: 'Home-cooked special', preBuffer: 'PT5M', postBuffer: 'PT10M', isLocationOnline: true,
        smsNotificationsEnabled: true, defaultLocation: lunchLocation, schedulingPolicy: lunchPolicy,
        staffMemberIds: ['8ee1c803-a1fa-406d-8259-7ab53233f148', '71d64d0e-7225-49b6-b0b1-070d476cda51'],
      },
    ],
    // Graph's appointment pages (get, list, calendarView): their two Bento lunches (the pages' Jordan Miller and
    // Bob Kelly are Joni Sherman and Adele Vance here).
    appointments: [
      bentoAppointment('AAMkADKnAAA=', '2018-05-06T12:00:00', '2018-05-06T12:30:00', '36038f36-634e-44e4-9415-d7d59c2347aa', {
        serviceNotes: 'Customer requires punctual service.',
        staffMemberIds: ['8ee1c803-a1fa-406d-8259-7ab53233f148'],
        reminders: [
          { offset: 'P1D', recipients: 'allAttendees', message: 'This service is tomorrow' },
          { offset: 'PT1H', recipients: 'customer', message: 'Please be available to enjoy your lunch service.' },
          { offset: 'PT2H', recipients: 'staff', message: 'Please check traffic for next cater.' },
        ],
      }),
      bentoAppointment('AAMkADKoAAA=', '2018-04-30T13:00:00', '2018-04-30T13:30:00', '8bb19f4b-6d8d-4d4e-bd43-0aa6b4a0e8a1', {
        serviceLocation: { displayName: 'Customer location', address: { street: '987 Third Avenue', city: 'Buffalo', state: 'NY', countryOrRegion: 'USA', postalCode: '98052' } },
      }),
    ],
  },
  {
    body: {
      id: 'FourthCoffee@contoso.onmicrosoft.com',
      displayName: 'Fourth Coffee',
      phone: '206-555-0100',
      email: 'manager@fourthcoffee.com',
      webSiteUrl: 'https://www.fourthcoffee.com',
      defaultCurrencyIso: 'USD',
      address: { postOfficeBox: 'P.O. Box 123', street: '4567 Main Street', city: 'Buffalo', state: 'NY', countryOrRegion: 'USA', postalCode: '98052' },
    },
    customers: [
      {
        id: '2a4d1f0e-9c3b-4e5f-8a7d-6b1c0e9f3d21',
        displayName: 'Megan Bowen',
        emailAddress: 'meganb@relecloud.com',
        phones: [{ number: '206-555-0150', type: 'mobile' }],
      },
    ],
  },
];
