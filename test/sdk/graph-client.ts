// @microsoft/microsoft-graph-client v3, unmodified, against a real Clientele over https: written the way a
// Graph user writes it. Run by test/sdk-clients.test.ts in a process that trusts the development CA
// through NODE_EXTRA_CA_CERTS; the server and a dev-issuer token come in CLIENTELE_URL and CLIENTELE_TOKEN.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Client, GraphError, PageIterator } from '@microsoft/microsoft-graph-client';
import { loadSeed } from '../helpers/seeds.js';
import { sdkEnv } from './env.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const { origin, token } = sdkEnv();

// The client sends the token only to Graph's hosts and to customHosts, and only over https.
const client = Client.init({
  authProvider: (done) => done(null, token),
  baseUrl: `${origin}/`,
  customHosts: new Set([new URL(origin).hostname]),
  defaultVersion: 'beta',
});

/** Seed 002 (Create bookingCustomer): its documented request, whose path the client gets without '/beta'. */
const seed = loadSeed('002');
const seedBody = JSON.parse(seed.request.body) as Record<string, unknown>;
const seedPath = seed.request.path.replace(/^\/beta/, '');

// The documented business, contosolunchdelivery@contoso.com, with its id given (Clientele allows that).
const businessId = 'Contosolunchdelivery@contoso.com';
const customers = `/solutions/bookingBusinesses/${encodeURIComponent(businessId)}/customers`;
const extraEmails = ['adele@relecloud.com', 'alex@relecloud.com', 'megan@relecloud.com', 'nestor@relecloud.com'];

before(async () => {
  await client.api('/solutions/bookingBusinesses').post({ id: businessId, displayName: 'Contoso lunch delivery' });
});

describe('microsoft-graph-client v3', () => {
  let created: Record<string, any>;

  it('creates a business with a Graph-made id and reads it back through both of its beta paths and through v1.0', async () => {
    const business = await client.api('/solutions/bookingBusinesses').post({ displayName: 'Graph client test' });
    assert.equal(business.id, 'Graphclienttest@contoso.onmicrosoft.com', 'the id Graph would give');
    const viaSolutions = await client.api(`/solutions/bookingBusinesses/${encodeURIComponent(business.id)}`).get();
    const viaRoot = await client.api(`/bookingBusinesses/${encodeURIComponent(business.id)}`).get();
    const viaV1 = await client.api(`/solutions/bookingBusinesses/${encodeURIComponent(business.id)}`).version('v1.0').get();
    assert.equal(viaSolutions['@odata.type'], '#microsoft.graph.bookingBusiness', 'typed');
    assert.equal(viaRoot.displayName, 'Graph client test', 'beta has the top-level entity set');
    assert.match(viaRoot['@odata.context'], /\/beta\/\$metadata#bookingBusinesses\/\$entity$/, 'beta context of the entity set');
    // v1.0 has no top-level bookingBusinesses; its context URLs name the solutions metadata (its docs).
    assert.match(viaV1['@odata.context'], /\/v1\.0\/solutions\/\$metadata#bookingBusinesses\/\$entity$/, 'v1.0 context');
  });

  it("creates a customer with seed 002's documented request, at its documented path", async () => {
    assert.equal(seedPath, '/solutions/bookingbusinesses/contosolunchdelivery@contoso.com/customers');
    created = await client.api(seedPath).post(seedBody);
    assert.match(created.id, GUID);
    assert.equal(created['@odata.type'], '#microsoft.graph.bookingCustomer');
    for (const [key, value] of Object.entries(seedBody)) assert.deepEqual(created[key], value, key);
    for (const email of extraEmails) await client.api(customers).post({ displayName: email.split('@')[0], emailAddress: email });
  });

  it('gets the customer', async () => {
    const got = await client.api(`${customers}/${created.id}`).get();
    const { '@odata.context': _context, ...fields } = got;
    const { '@odata.context': _createdContext, ...createdFields } = created;
    assert.deepEqual(fields, createdFields);
  });

  it('lists with $top, $select and $count', async () => {
    const page = await client.api(customers).top(2).select(['displayName', 'emailAddress']).count(true).get();
    assert.equal(page['@odata.count'], 1 + extraEmails.length);
    assert.equal(page.value.length, 2);
    assert.match(page['@odata.nextLink'], /^https:\/\/localhost:\d+\/beta\//);
    for (const item of page.value) {
      const { '@odata.type': type, '@odata.etag': _etag, ...fields } = item;
      assert.equal(type, '#microsoft.graph.bookingCustomer');
      assert.deepEqual(Object.keys(fields).sort(), ['displayName', 'emailAddress', 'id']);
    }
  });

  it('lists with $filter', async () => {
    const page = await client.api(customers).filter(`emailAddress eq '${extraEmails[1]}'`).get();
    assert.deepEqual(
      page.value.map((c: { emailAddress: string }) => c.emailAddress),
      [extraEmails[1]],
    );
  });

  it('iterates every page with PageIterator, following https next links with the token', async () => {
    const first = await client.api(customers).top(2).get();
    const seen: string[] = [];
    const iterator = new PageIterator(client, first, (customer) => {
      seen.push(customer.emailAddress);
      return true;
    });
    await iterator.iterate();
    assert.ok(iterator.isComplete(), 'the page iterator went through every page');
    assert.deepEqual(seen.sort(), [seedBody.emailAddress, ...extraEmails].sort());
  });

  it('updates the customer (PATCH answers 200 with it, as Graph documents) and the change is read back', async () => {
    const answer = await client.api(`${customers}/${created.id}`).update({ displayName: 'Joni Sherman-Smith' });
    assert.equal(answer.displayName, 'Joni Sherman-Smith', 'the answer is the updated customer');
    const got = await client.api(`${customers}/${created.id}`).get();
    assert.equal(got.displayName, 'Joni Sherman-Smith');
    assert.deepEqual(got.addresses, seedBody.addresses);
    assert.ok(Date.parse(got.lastUpdatedDateTime) >= Date.parse(created.lastUpdatedDateTime), `lastUpdatedDateTime does not go back: ${created.lastUpdatedDateTime} then ${got.lastUpdatedDateTime}`);
  });

  it('deletes the customer', async () => {
    assert.equal(await client.api(`${customers}/${created.id}`).delete(), undefined);
    const page = await client.api(customers).count(true).get();
    assert.equal(page['@odata.count'], extraEmails.length);
  });

  it('a missing customer raises a GraphError with statusCode, code and requestId', async () => {
    const err = await client.api(`${customers}/${created.id}`).get().then(
      () => assert.fail('expected a GraphError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof GraphError, `not a GraphError: ${err}`);
    assert.equal(err.statusCode, 404);
    assert.equal(err.code, 'ErrorItemNotFound');
    assert.match(err.requestId!, GUID);
    assert.equal(err.requestId, err.headers!.get('request-id'));
    const body = JSON.parse(err.body);
    assert.equal(body.innerError['client-request-id'], err.headers!.get('client-request-id'));
  });

  it('a missing business raises a GraphError with the mailbox error code', async () => {
    const err = await client.api('/solutions/bookingBusinesses/nobody@contoso.onmicrosoft.com/customers').get().catch((e: unknown) => e);
    assert.ok(err instanceof GraphError, `a GraphError, not: ${err}`);
    assert.equal(err.statusCode, 404);
    assert.equal(err.code, 'ErrorNonExistentMailbox');
  });

  it('a body with an unknown property raises a GraphError 400 RequestBodyRead', async () => {
    const err = await client.api(customers).post({ displayName: 'x', shoeSize: 44 }).catch((e: unknown) => e);
    assert.ok(err instanceof GraphError, `a GraphError, not: ${err}`);
    assert.equal(err.statusCode, 400);
    assert.equal(err.code, 'RequestBodyRead');
  });
});
