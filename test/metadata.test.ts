// $metadata and the service document are generated from the model.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

describe('$metadata', () => {
  it('is CSDL XML naming the Bookings types, their properties and the containers', async () => {
    const res = await server.request('GET', '/beta/$metadata');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^application\/xml/);
    for (const fragment of [
      '<Schema Namespace="microsoft.graph"',
      '<EntityType Name="bookingCustomer" BaseType="microsoft.graph.bookingPerson">',
      '<Property Name="addresses" Type="Collection(microsoft.graph.physicalAddress)" Nullable="false" />',
      '<ComplexType Name="physicalAddress">',
      '<EnumType Name="phoneType">',
      '<NavigationProperty Name="customers" Type="Collection(microsoft.graph.bookingCustomer)" ContainsTarget="true" />',
      '<EntitySet Name="bookingBusinesses" EntityType="microsoft.graph.bookingBusiness" />',
      '<Singleton Name="solutions" Type="microsoft.graph.solutionsRoot" />',
    ]) {
      assert.ok(res.text.includes(fragment), fragment);
    }
  });
  it('the service document lists the entity sets and singletons', async () => {
    const res = await server.request('GET', '/v1.0/');
    assert.equal(res.status, 200);
    assert.equal(res.json['@odata.context'], `${server.origin}/v1.0/$metadata`);
    assert.ok(res.json.value.some((e: { name: string }) => e.name === 'bookingBusinesses'), `the service document lists bookingBusinesses: ${res.text}`);
  });
});
