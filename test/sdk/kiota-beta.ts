// The Kiota beta SDK (@microsoft/msgraph-beta-sdk with the @microsoft/msgraph-beta-sdk-bookingbusinesses area
// package), unmodified, against a real Clientele over https. Run by test/sdk-clients.test.ts in a process
// that trusts the development CA through NODE_EXTRA_CA_CERTS.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { AllowedHostsValidator, BaseBearerTokenAuthenticationProvider } from '@microsoft/kiota-abstractions';
import { RetryHandlerOptions } from '@microsoft/kiota-http-fetchlibrary';
import { createGraphBetaServiceClient, GraphBetaRequestAdapter, type GraphBetaServiceClient } from '@microsoft/msgraph-beta-sdk';
import '@microsoft/msgraph-beta-sdk-bookingbusinesses';
import {
  createBookingCustomerCollectionResponseFromDiscriminatorValue,
  type BookingCustomer,
} from '@microsoft/msgraph-beta-sdk/models/index.js';
import { createODataErrorFromDiscriminatorValue, type ODataError } from '@microsoft/msgraph-beta-sdk/models/oDataErrors/index.js';
import { createGraphClientFactory, PageIterator, type PageCollection } from '@microsoft/msgraph-sdk-core';
import { loadSeed } from '../helpers/seeds.js';
import { sdkEnv } from './env.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const env = sdkEnv();

interface Recorded {
  status: number;
  retryAttempt: string | null;
}

/**
 * A Graph beta client for a Clientele origin, authenticated the documented way for a token you already
 * have. `record`, when given, sees every response that reaches the wire (under the SDK's retry handler).
 */
function betaClient(origin: string, token: string, record?: Recorded[]): { client: GraphBetaServiceClient; adapter: GraphBetaRequestAdapter } {
  const auth = new BaseBearerTokenAuthenticationProvider({
    getAuthorizationToken: async () => token,
    getAllowedHostsValidator: () => new AllowedHostsValidator(new Set([new URL(origin).host])),
  });
  const recordingFetch = async (url: string, init: RequestInit) => {
    const res = await fetch(url, init);
    record?.push({ status: res.status, retryAttempt: new Headers(init.headers).get('retry-attempt') });
    return res;
  };
  // The SDK's own middleware chain (retry, redirect, telemetry, ...), with the recorder as its transport.
  const httpClient = record ? createGraphClientFactory({ graphServiceTargetVersion: 'beta' }, recordingFetch) : undefined;
  const adapter = new GraphBetaRequestAdapter(auth, undefined, undefined, httpClient);
  adapter.baseUrl = `${origin}/beta`;
  return { client: createGraphBetaServiceClient(adapter), adapter };
}

/** The error a Kiota call rejects with. */
async function rejection(call: Promise<unknown>): Promise<ODataError> {
  return call.then(
    () => assert.fail('expected the call to fail'),
    (e: ODataError) => e,
  );
}

const { client, adapter } = betaClient(env.origin, env.token);
const seedBody = JSON.parse(loadSeed('002').request.body) as BookingCustomer;
const extraEmails = ['adele@relecloud.com', 'alex@relecloud.com', 'megan@relecloud.com', 'nestor@relecloud.com'];
let businessId: string;

before(async () => {
  const business = await client.bookingBusinesses.post({ displayName: 'Kiota beta test' });
  businessId = business!.id!;
});

const customers = () => client.bookingBusinesses.byBookingBusinessId(businessId).customers;

describe('msgraph-beta-sdk (Kiota)', () => {
  let created: BookingCustomer;

  it('creates a business, deserialised as a bookingBusiness', async () => {
    const business = await client.bookingBusinesses.byBookingBusinessId(businessId).get();
    assert.equal(businessId, 'Kiotabetatest@contoso.onmicrosoft.com');
    assert.equal(business?.odataType, '#microsoft.graph.bookingBusiness');
    assert.equal(business?.displayName, 'Kiota beta test');
    assert.ok(business?.createdDateTime instanceof Date, 'createdDateTime is parsed as a Date');
  });

  it("creates a customer from seed 002's documented request body", async () => {
    created = (await customers().post(seedBody))!;
    assert.match(created.id!, GUID);
    assert.equal(created.odataType, '#microsoft.graph.bookingCustomer');
    assert.equal(created.displayName, seedBody.displayName);
    assert.equal(created.emailAddress, seedBody.emailAddress);
    assert.deepEqual(
      created.addresses!.map((a) => [a.street, a.city, a.state, a.countryOrRegion, a.postalCode, a.postOfficeBox, a.type]),
      seedBody.addresses!.map((a) => [a.street, a.city, a.state, a.countryOrRegion, a.postalCode, a.postOfficeBox, a.type]),
    );
    assert.deepEqual(
      created.phones!.map((p) => [p.number, p.type]),
      seedBody.phones!.map((p) => [p.number, p.type]),
    );
    assert.ok(created.createdDateTime instanceof Date, 'createdDateTime is parsed as a Date');
    for (const email of extraEmails) await customers().post({ displayName: email.split('@')[0], emailAddress: email });
  });

  it('gets the customer', async () => {
    const got = await customers().byBookingCustomerId(created.id!).get();
    assert.equal(got?.id, created.id);
    assert.equal(got?.emailAddress, seedBody.emailAddress);
    assert.equal(got?.addresses?.length, 2);
    assert.equal(got?.createdDateTime?.getTime(), created.createdDateTime?.getTime());
  });

  it('lists with top, select and count', async () => {
    const page = await customers().get({ queryParameters: { top: 2, count: true, select: ['displayName', 'emailAddress'] } });
    assert.equal(page?.odataCount, 1 + extraEmails.length);
    assert.equal(page?.value?.length, 2);
    assert.match(page!.odataNextLink!, /^https:\/\/localhost:\d+\/beta\//);
    for (const c of page!.value!) {
      assert.equal(c.odataType, '#microsoft.graph.bookingCustomer');
      assert.ok(c.displayName && c.emailAddress && c.id, `a listed customer has displayName, emailAddress and id: ${c.id}`);
      assert.equal(c.addresses, undefined);
    }
  });

  it('lists with filter', async () => {
    const page = await customers().get({ queryParameters: { filter: `emailAddress eq '${extraEmails[2]}'` } });
    assert.deepEqual(
      page?.value?.map((c) => c.emailAddress),
      [extraEmails[2]],
    );
  });

  it('counts with the $count segment', async () => {
    assert.equal(await customers().count.get(), 1 + extraEmails.length);
  });

  it('iterates every page with PageIterator', async () => {
    const first = await customers().get({ queryParameters: { top: 2 } });
    const seen: string[] = [];
    const iterator = new PageIterator<BookingCustomer>(
      adapter,
      // The SDK's models type odataNextLink as string | null, its PageIterator as string | undefined.
      first as PageCollection<BookingCustomer>,
      (c) => {
        seen.push(c.emailAddress!);
        return true;
      },
      createBookingCustomerCollectionResponseFromDiscriminatorValue,
      { XXX: createODataErrorFromDiscriminatorValue },
    );
    await iterator.iterate();
    assert.equal(iterator.getPagingState(), 'Complete');
    assert.deepEqual(seen.sort(), [seedBody.emailAddress, ...extraEmails].sort());
  });

  it('reaches /solutions/bookingBusinesses with withUrl (no -solutions area package is published)', async () => {
    const url = `${env.origin}/beta/solutions/bookingBusinesses/${encodeURIComponent(businessId)}/customers`;
    const page = await customers().withUrl(`${url}?$top=1&$count=true`).get();
    assert.equal(page?.odataCount, 1 + extraEmails.length);
    assert.equal(page?.value?.length, 1);
    assert.match(page!.odataNextLink!, /\/beta\/solutions\/bookingBusinesses\//);
    const got = await customers().byBookingCustomerId(created.id!).withUrl(`${url}/${created.id}`).get();
    assert.equal(got?.emailAddress, seedBody.emailAddress);
  });

  it('updates the customer and the change is read back', async () => {
    await customers().byBookingCustomerId(created.id!).patch({ displayName: 'Joni Sherman-Smith' });
    const got = await customers().byBookingCustomerId(created.id!).get();
    assert.equal(got?.displayName, 'Joni Sherman-Smith');
    assert.equal(got?.phones?.length, 2);
  });

  it('deletes the customer', async () => {
    await customers().byBookingCustomerId(created.id!).delete();
    assert.equal(await customers().count.get(), extraEmails.length);
  });

  it('a missing customer surfaces as an ODataError with the status, the Graph error code and the request id', async () => {
    const err = await rejection(customers().byBookingCustomerId(created.id!).get());
    assert.equal(err.responseStatusCode, 404);
    // Kiota renames the OData `error` member to `errorEscaped`.
    assert.equal(err.errorEscaped?.code, 'ErrorItemNotFound');
    assert.match(err.errorEscaped?.message ?? '', /not found/);
    assert.equal(err.message, err.errorEscaped?.message);
    assert.match(err.errorEscaped?.innerError?.requestId ?? '', GUID);
    assert.deepEqual(err.responseHeaders?.['request-id'], [err.errorEscaped?.innerError?.requestId]);
    assert.ok(err.errorEscaped?.innerError?.date instanceof Date, 'the error date is parsed as a Date');
  });

  it('a missing business surfaces as an ODataError with the mailbox error code', async () => {
    const err = await rejection(client.bookingBusinesses.byBookingBusinessId('nobody@contoso.onmicrosoft.com').customers.get());
    assert.equal(err.responseStatusCode, 404);
    assert.equal(err.errorEscaped?.code, 'ErrorNonExistentMailbox');
  });

  it('a token from an issuer the server does not trust surfaces as an ODataError 401 InvalidAuthenticationToken', async () => {
    // The throttled server's dev issuer has its own key, so its tokens do not validate here.
    assert.ok(env.throttledToken, 'the throttled server handed out a token');
    const { client: stranger } = betaClient(env.origin, env.throttledToken);
    const err = await rejection(stranger.bookingBusinesses.get());
    assert.equal(err.responseStatusCode, 401);
    assert.equal(err.errorEscaped?.code, 'InvalidAuthenticationToken');
    assert.match(String(err.responseHeaders?.['www-authenticate']), /^Bearer /);
  });

  it('an invalid body surfaces as an ODataError 400', async () => {
    const err = await rejection(customers().post({ displayName: 'Bad', addresses: [{ type: 'mars' as never }] }));
    assert.equal(err.responseStatusCode, 400);
    assert.ok(err.errorEscaped?.code, 'the ODataError has a code');
  });
});

describe('msgraph-beta-sdk (Kiota) under throttling', () => {
  // The second server throttles each tenant and app to 1 request/s with bursts of 2 (see test/sdk-clients.test.ts).
  const throttled = () => {
    assert.ok(env.throttledOrigin && env.throttledToken, 'CLIENTELE_THROTTLED_URL and CLIENTELE_THROTTLED_TOKEN');
    return { origin: env.throttledOrigin, token: env.throttledToken };
  };

  it("a 429 with Retry-After is retried by the SDK's retry handler, and the call then succeeds", async () => {
    const { origin, token } = throttled();
    const wire: Recorded[] = [];
    const { client } = betaClient(origin, token, wire);
    const started = Date.now();
    // More calls than the burst allows: one of them is refused at least once and must be retried.
    for (let i = 0; i < 8 && !wire.some((r) => r.status === 429); i++) {
      const page = await client.bookingBusinesses.get();
      assert.deepEqual(page?.value, []);
    }
    const refused = wire.findIndex((r) => r.status === 429);
    assert.ok(refused >= 0, `no request was throttled: ${JSON.stringify(wire)}`);
    assert.deepEqual(wire[refused + 1], { status: 200, retryAttempt: '1' }, JSON.stringify(wire));
    // The server asked for 1 second; the handler waited for it.
    assert.ok(Date.now() - started >= 900, `the retry waited the second asked for: ${Date.now() - started} ms`);
  });

  it('when retries are exhausted the 429 surfaces as an ODataError TooManyRequests', async () => {
    const { origin, token } = throttled();
    const { client } = betaClient(origin, token);
    const noRetry = [new RetryHandlerOptions({ maxRetries: 0 })];
    let err: ODataError | undefined;
    for (let i = 0; i < 6 && !err; i++) {
      err = await client.bookingBusinesses.get({ options: noRetry }).then(
        () => undefined,
        (e: ODataError) => e,
      );
    }
    assert.ok(err, 'no request was throttled');
    assert.equal(err.responseStatusCode, 429);
    assert.equal(err.errorEscaped?.code, 'TooManyRequests');
    assert.deepEqual(err.responseHeaders?.['retry-after'], ['1']);
  });
});
