// Sample data for `clientele seed` and `serve --seed`: the Contoso examples of Graph's Bookings pages
// (Contoso lunch delivery and its customer Joni Sherman, Fourth Coffee), with fixed ids so that seeding
// twice changes nothing and tests can address them.

export interface SampleBusiness {
  body: Record<string, unknown>;
  customers: Array<Record<string, unknown>>;
}

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
