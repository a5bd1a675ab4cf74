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
      '<Property Name="addresses" Type="Collection(microsoft.graph.physicalAddress)" />',
      '<ComplexType Name="physicalAddress">',
      '<EnumType Name="phoneType">',
      '<NavigationProperty Name="customers" Type="Collection(microsoft.graph.bookingCustomer)" ContainsTarget="true" />',
      '<EntitySet Name="bookingBusinesses" EntityType="microsoft.graph.bookingBusiness" />',
      '<Singleton Name="solutions" Type="microsoft.graph.solutionsRoot" />',
      '<EntityType Name="bookingPerson" BaseType="microsoft.graph.bookingNamedEntity">',
    ]) {
      assert.ok(res.text.includes(fragment), fragment);
    }
  });
  it("the service document lists the version's entity sets and singletons", async () => {
    const v1 = await server.request('GET', '/v1.0/');
    assert.equal(v1.status, 200, 'v1.0 service document');
    assert.equal(v1.json['@odata.context'], `${server.origin}/v1.0/$metadata`, 'v1.0 context');
    const names = (res: typeof v1) => res.json.value.map((e: { name: string }) => e.name);
    assert.ok(names(v1).includes('solutions'), 'v1.0 has the solutions singleton');
    assert.ok(!names(v1).includes('bookingBusinesses'), 'v1.0 has no top-level bookingBusinesses');
    const beta = await server.request('GET', '/beta/');
    assert.ok(names(beta).includes('bookingBusinesses'), 'beta has the bookingBusinesses entity set');
  });
  it('v1.0 serves the v1.0 shapes: bookingCustomer derives from the abstract bookingCustomerBase', async () => {
    const res = await server.request('GET', '/v1.0/$metadata');
    assert.equal(res.status, 200, 'v1.0 $metadata');
    for (const fragment of [
      '<EntityType Name="bookingCustomerBase" BaseType="microsoft.graph.entity" Abstract="true">',
      '<EntityType Name="bookingCustomer" BaseType="microsoft.graph.bookingCustomerBase">',
      '<NavigationProperty Name="customers" Type="Collection(microsoft.graph.bookingCustomerBase)" ContainsTarget="true" />',
      '<Property Name="language" Type="Edm.String" />',
    ]) {
      assert.ok(res.text.includes(fragment), fragment);
    }
    assert.ok(!res.text.includes('bookingNamedEntity'), 'v1.0 has no bookingNamedEntity');
    assert.ok(!res.text.includes('<EntitySet Name="bookingBusinesses"'), 'v1.0 has no bookingBusinesses entity set');
    assert.notEqual(res.text, (await server.request('GET', '/beta/$metadata')).text, 'the versions differ');
  });
});
