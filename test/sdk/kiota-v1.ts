// The Kiota v1.0 SDK (@microsoft/msgraph-sdk), unmodified, against a real Clientele over https. Its published
// packages carry the v1.0 models but no request builders for /solutions (that area package is not on npm),
// so requests are built the SDK's generic way, as RequestInformation sent through its GraphRequestAdapter,
// and responses go through the SDK's discriminator factories: a bookingCustomerBase becomes a bookingCustomer
// only by the entity's `@odata.type`. Run by test/sdk-clients.test.ts with the development CA trusted.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  AllowedHostsValidator,
  BaseBearerTokenAuthenticationProvider,
  HttpMethod,
  RequestInformation,
  type ParsableFactory,
  type Parsable,
} from '@microsoft/kiota-abstractions';
import { GraphRequestAdapter } from '@microsoft/msgraph-sdk';
import {
  createBookingBusinessCollectionResponseFromDiscriminatorValue,
  createBookingBusinessFromDiscriminatorValue,
  createBookingCustomerBaseCollectionResponseFromDiscriminatorValue,
  createBookingCustomerBaseFromDiscriminatorValue,
  serializeBookingBusiness,
  serializeBookingCustomer,
  type BookingBusiness,
  type BookingBusinessCollectionResponse,
  type BookingCustomer,
  type BookingCustomerBase,
  type BookingCustomerBaseCollectionResponse,
} from '@microsoft/msgraph-sdk/models/index.js';
import { createODataErrorFromDiscriminatorValue, type ODataError } from '@microsoft/msgraph-sdk/models/oDataErrors/index.js';
import { PageIterator, type PageCollection } from '@microsoft/msgraph-sdk-core';
import { sdkEnv } from './env.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const { origin, token } = sdkEnv();

const adapter = new GraphRequestAdapter(
  new BaseBearerTokenAuthenticationProvider({
    getAuthorizationToken: async () => token,
    getAllowedHostsValidator: () => new AllowedHostsValidator(new Set([new URL(origin).host])),
  }),
);
adapter.baseUrl = `${origin}/v1.0`;
const errorMappings = { XXX: createODataErrorFromDiscriminatorValue };

const BUSINESSES = '{+baseurl}/solutions/bookingBusinesses';
const BUSINESS = `${BUSINESSES}/{bookingBusiness%2Did}`;
const CUSTOMERS = `${BUSINESS}/customers{?%24count,%24filter,%24select,%24top}`;
const CUSTOMER = `${BUSINESS}/customers/{bookingCustomerBase%2Did}`;

/** A request the way the generated request builders make one: a URI template and its parameters. */
function request(method: HttpMethod, template: string, params: Record<string, string> = {}, query: Record<string, unknown> = {}) {
  const info = new RequestInformation(method, template, { baseurl: adapter.baseUrl, ...params });
  for (const [name, value] of Object.entries(query)) info.queryParameters[`%24${name}`] = value as string;
  info.headers.tryAdd('Accept', 'application/json');
  return info;
}

function send<T extends Parsable>(info: RequestInformation, factory: ParsableFactory<T>): Promise<T | undefined> {
  return adapter.send<T>(info, factory, errorMappings);
}

let businessId: string;
before(async () => {
  const info = request(HttpMethod.POST, BUSINESSES);
  info.setContentFromParsable(adapter, 'application/json', { displayName: 'Kiota v1 test' } as BookingBusiness, serializeBookingBusiness);
  businessId = (await send<BookingBusiness>(info, createBookingBusinessFromDiscriminatorValue))!.id!;
});

describe('msgraph-sdk v1.0 (Kiota)', () => {
  let created: BookingCustomer;
  const emails = ['joni@relecloud.com', 'adele@relecloud.com', 'alex@relecloud.com'];

  it('creates and lists businesses', async () => {
    assert.equal(businessId, 'Kiotav1test@contoso.onmicrosoft.com');
    const page = await send<BookingBusinessCollectionResponse>(request(HttpMethod.GET, BUSINESSES), createBookingBusinessCollectionResponseFromDiscriminatorValue);
    assert.deepEqual(
      page?.value?.map((b) => [b.odataType, b.displayName]),
      [['#microsoft.graph.bookingBusiness', 'Kiota v1 test']],
    );
  });

  it('creates customers; the answer deserialises as a bookingCustomer through @odata.type', async () => {
    for (const email of emails) {
      const info = request(HttpMethod.POST, CUSTOMERS, { 'bookingBusiness%2Did': businessId });
      const body: BookingCustomer = {
        odataType: '#microsoft.graph.bookingCustomer',
        displayName: email.split('@')[0],
        emailAddress: email,
        phones: [{ number: '206-555-0100', type: 'home' }],
      };
      // serializeBookingCustomer, not serializeBookingCustomerBase: in this SDK version the base serializer
      // hands derived types to their serializer with isSerializingDerivedType=true, which then writes
      // nothing, so a customer serialised as its base type loses every bookingCustomer property (an SDK
      // bug; the server rightly answers 400 for the missing displayName).
      info.setContentFromParsable(adapter, 'application/json', body, serializeBookingCustomer);
      const answer = (await send<BookingCustomerBase>(info, createBookingCustomerBaseFromDiscriminatorValue)) as BookingCustomer;
      assert.equal(answer.odataType, '#microsoft.graph.bookingCustomer');
      assert.match(answer.id!, GUID);
      // Properties of the derived type land on the model, not in additionalData: dispatch went by @odata.type.
      assert.equal(answer.emailAddress, email);
      assert.equal(answer.additionalData?.emailAddress, undefined);
      assert.deepEqual(answer.phones?.map((p) => [p.number, p.type]), [['206-555-0100', 'home']]);
      assert.ok(answer.createdDateTime instanceof Date, 'createdDateTime is parsed as a Date');
      created ??= answer;
    }
  });

  it('gets a customer', async () => {
    const got = (await send(request(HttpMethod.GET, CUSTOMER, { 'bookingBusiness%2Did': businessId, 'bookingCustomerBase%2Did': created.id! }), createBookingCustomerBaseFromDiscriminatorValue)) as BookingCustomer;
    assert.equal(got.odataType, '#microsoft.graph.bookingCustomer');
    assert.equal(got.displayName, 'joni');
    assert.equal(got.emailAddress, emails[0]);
  });

  it('lists with top, select and count; every item is a bookingCustomer', async () => {
    const info = request(HttpMethod.GET, CUSTOMERS, { 'bookingBusiness%2Did': businessId }, { top: 2, count: true, select: ['displayName', 'emailAddress'] });
    const page = await send<BookingCustomerBaseCollectionResponse>(info, createBookingCustomerBaseCollectionResponseFromDiscriminatorValue);
    assert.equal(page?.odataCount, emails.length);
    assert.equal(page?.value?.length, 2);
    assert.match(page!.odataNextLink!, /^https:\/\/localhost:\d+\/v1\.0\/solutions\/bookingBusinesses\//);
    for (const item of page!.value! as BookingCustomer[]) {
      assert.equal(item.odataType, '#microsoft.graph.bookingCustomer');
      assert.ok(emails.includes(item.emailAddress!), `a listed customer is one of those created: ${item.emailAddress}`);
      assert.equal(item.phones, undefined);
    }
  });

  it('lists with filter', async () => {
    const info = request(HttpMethod.GET, CUSTOMERS, { 'bookingBusiness%2Did': businessId }, { filter: `emailAddress eq '${emails[1]}'` });
    const page = await send<BookingCustomerBaseCollectionResponse>(info, createBookingCustomerBaseCollectionResponseFromDiscriminatorValue);
    assert.deepEqual(
      (page?.value as BookingCustomer[]).map((c) => c.emailAddress),
      [emails[1]],
    );
  });

  it('iterates every page with PageIterator', async () => {
    const info = request(HttpMethod.GET, CUSTOMERS, { 'bookingBusiness%2Did': businessId }, { top: 1 });
    const first = await send<BookingCustomerBaseCollectionResponse>(info, createBookingCustomerBaseCollectionResponseFromDiscriminatorValue);
    const seen: string[] = [];
    const iterator = new PageIterator<BookingCustomerBase>(
      adapter,
      // The SDK's models type odataNextLink as string | null, its PageIterator as string | undefined.
      first as PageCollection<BookingCustomerBase>,
      (c) => {
        seen.push((c as BookingCustomer).emailAddress!);
        return true;
      },
      createBookingCustomerBaseCollectionResponseFromDiscriminatorValue,
      errorMappings,
    );
    await iterator.iterate();
    assert.deepEqual(seen.sort(), [...emails].sort());
  });

  it('updates a customer', async () => {
    const params = { 'bookingBusiness%2Did': businessId, 'bookingCustomerBase%2Did': created.id! };
    const info = request(HttpMethod.PATCH, CUSTOMER, params);
    info.setContentFromParsable(adapter, 'application/json', { odataType: '#microsoft.graph.bookingCustomer', displayName: 'Joni Sherman' } as BookingCustomer, serializeBookingCustomer);
    await adapter.sendNoResponseContent(info, errorMappings);
    const got = (await send(request(HttpMethod.GET, CUSTOMER, params), createBookingCustomerBaseFromDiscriminatorValue)) as BookingCustomer;
    assert.equal(got.displayName, 'Joni Sherman');
  });

  it('deletes a customer; reading it again is an ODataError 404 with the Graph error code', async () => {
    const params = { 'bookingBusiness%2Did': businessId, 'bookingCustomerBase%2Did': created.id! };
    await adapter.sendNoResponseContent(request(HttpMethod.DELETE, CUSTOMER, params), errorMappings);
    const err = await send(request(HttpMethod.GET, CUSTOMER, params), createBookingCustomerBaseFromDiscriminatorValue).then(
      () => assert.fail('expected an ODataError'),
      (e: ODataError) => e,
    );
    assert.equal(err.responseStatusCode, 404);
    assert.equal(err.errorEscaped?.code, 'ErrorItemNotFound');
    assert.deepEqual(err.responseHeaders?.['request-id'], [err.errorEscaped?.innerError?.requestId]);
  });
});
