// A fixed data set for $filter/$search tests: 20 bookingCustomers (numbered 1-20) with addresses and phones,
// and three businesses. Created through the API in order, a few milliseconds apart, so that createdDateTime
// increases with the number.
import assert from 'node:assert/strict';
import type { TestServer } from './server.js';

type Address = { type?: string; city?: string; state?: string; street?: string; postalCode?: string; countryOrRegion?: string };
type Phone = { type: string; number: string };

export const CUSTOMERS: Array<{ displayName: string; emailAddress: string | null; addresses: Address[]; phones: Phone[] }> = [
  /* 1 */ { displayName: 'Adele Vance', emailAddress: 'adelev@contoso.com', addresses: [{ type: 'home', city: 'Buffalo', state: 'NY', street: '1 Main St', postalCode: '14201', countryOrRegion: 'USA' }], phones: [{ type: 'mobile', number: '716-555-0101' }] },
  /* 2 */ { displayName: 'Alex Wilber', emailAddress: 'alexw@contoso.com', addresses: [{ type: 'business', city: 'Seattle', state: 'WA' }], phones: [{ type: 'business', number: '206-555-0102' }, { type: 'home', number: '206-555-0103' }] },
  /* 3 */ { displayName: 'Allan Deyoung', emailAddress: null, addresses: [], phones: [] },
  /* 4 */ { displayName: 'Bianca Pisani', emailAddress: 'bianca@fabrikam.com', addresses: [{ type: 'home', city: 'Buffalo', state: 'NY' }, { type: 'business', city: 'Rochester', state: 'NY' }], phones: [{ type: 'home', number: '585-555-0104' }] },
  /* 5 */ { displayName: 'brian johnson', emailAddress: 'brianj@fabrikam.com', addresses: [{ type: 'other', city: 'Redmond', state: 'WA' }], phones: [] },
  /* 6 */ { displayName: 'Cameron White', emailAddress: 'cameronw@contoso.com', addresses: [{ type: 'home', city: 'buffalo', state: 'NY' }], phones: [{ type: 'mobile', number: '716-555-0106' }] },
  /* 7 */ { displayName: 'Christie Cline', emailAddress: 'christiec@contoso.com', addresses: [{ city: 'Austin', state: 'TX' }], phones: [{ type: 'pager', number: '512-555-0107' }] },
  /* 8 */ { displayName: 'Debra Berger', emailAddress: 'debrab@contoso.com', addresses: [{ type: 'business', city: 'Seattle', state: 'WA' }, { type: 'home', city: 'Redmond', state: 'WA' }], phones: [{ type: 'mobile', number: '425-555-0108' }, { type: 'business', number: '425-555-0109' }] },
  /* 9 */ { displayName: "Diego O'Brien", emailAddress: 'diego@fabrikam.com', addresses: [], phones: [{ type: 'home', number: '212-555-0110' }] },
  /* 10 */ { displayName: 'Emily Braun', emailAddress: null, addresses: [{ type: 'home', city: 'Buffalo', state: 'NY' }], phones: [] },
  /* 11 */ { displayName: 'Enrico Cattaneo', emailAddress: 'enrico@contoso.com', addresses: [{ type: 'business', city: 'Milan', countryOrRegion: 'Italy' }], phones: [{ type: 'business', number: '+39 02 555 0111' }] },
  /* 12 */ { displayName: 'Grady Archie', emailAddress: 'grady@contoso.com', addresses: [{ type: 'home', city: 'Seattle', state: 'WA' }], phones: [{ type: 'mobile', number: '206-555-0112' }] },
  /* 13 */ { displayName: 'Henrietta Mueller', emailAddress: 'henrietta@fabrikam.com', addresses: [{ type: 'home', city: 'Berlin', countryOrRegion: 'Germany' }], phones: [] },
  /* 14 */ { displayName: 'Irvin Sayers', emailAddress: 'irvins@contoso.com', addresses: [{ type: 'home', city: 'Buffalo', state: 'NY' }, { type: 'home', city: 'Buffalo', state: 'NY' }], phones: [{ type: 'home', number: '716-555-0114' }] },
  /* 15 */ { displayName: 'Isaiah Langer', emailAddress: 'isaiahl@CONTOSO.com', addresses: [], phones: [{ type: 'mobile', number: '716-555-0115' }] },
  /* 16 */ { displayName: 'Johanna Lorenz', emailAddress: 'johanna@fabrikam.com', addresses: [{ type: 'business', city: 'Redmond', state: 'WA' }], phones: [{ type: 'businessFax', number: '425-555-0116' }] },
  /* 17 */ { displayName: 'Joni Sherman', emailAddress: 'jonis@relecloud.com', addresses: [{ type: 'home', city: 'Buffalo', state: 'NY' }], phones: [{ type: 'home', number: '716-555-0117' }, { type: 'mobile', number: '716-555-0118' }] },
  /* 18 */ { displayName: 'Lee Gu', emailAddress: 'leeg@relecloud.com', addresses: [{ type: 'business', city: 'Seattle', state: 'WA' }], phones: [] },
  /* 19 */ { displayName: 'Lidia Holloway', emailAddress: 'lidiah@relecloud.com', addresses: [{ type: 'home', city: 'Austin', state: 'TX' }], phones: [{ type: 'home', number: '512-555-0119' }] },
  /* 20 */ { displayName: 'Megan Bowen', emailAddress: 'meganb@contoso.com', addresses: [{ type: 'business', city: 'Buffalo', state: 'NY' }, { type: 'home', city: 'Seattle', state: 'WA' }], phones: [{ type: 'mobile', number: '716-555-0120' }] },
];

/** The business the customers live in, and two more for filters on a single complex property and a Boolean. */
export const BUSINESSES = [
  { id: 'filtertest@contoso.com', displayName: 'Filter Test', businessType: 'Test' },
  { id: 'lunch@contoso.com', displayName: 'Contoso Lunch', businessType: 'Restaurant', address: { type: 'business', city: 'Buffalo', state: 'NY' } },
  { id: 'dental@contoso.com', displayName: 'Fabrikam Dental', businessType: 'Dentist', address: { city: 'Seattle', state: 'WA' } },
];

export const CUSTOMERS_PATH = `/beta/solutions/bookingBusinesses/${encodeURIComponent(BUSINESSES[0]!.id)}/customers`;

export interface FilterData {
  /** Created customers by number (1-20), as the API returned them. */
  customer(n: number): { id: string; createdDateTime: string; displayName: string };
  /** Customer number of an entity in a response. */
  numberOf(entity: { displayName: string }): number;
}

export async function loadFilterData(server: TestServer): Promise<FilterData> {
  for (const b of BUSINESSES) {
    const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: b });
    assert.equal(res.status, 201, res.text);
  }
  const created: Array<{ id: string; createdDateTime: string; displayName: string }> = [];
  for (const c of CUSTOMERS) {
    const res = await server.request('POST', CUSTOMERS_PATH, { body: c });
    assert.equal(res.status, 201, res.text);
    created.push(res.json);
    // Distinct creation times (they have millisecond precision).
    await new Promise((r) => setTimeout(r, 3));
  }
  const byName = new Map(CUSTOMERS.map((c, i) => [c.displayName, i + 1]));
  return {
    customer: (n) => created[n - 1]!,
    numberOf: (e) => {
      const n = byName.get(e.displayName);
      assert.ok(n, `unexpected entity ${e.displayName}`);
      return n;
    },
  };
}

/** 1..20 without the given numbers. */
export function allBut(...except: number[]): number[] {
  return Array.from({ length: 20 }, (_, i) => i + 1).filter((n) => !except.includes(n));
}
