// $metadata (CSDL) and openapi.json describe every type of the model: the CSDL parses as XML and names
// every type, property, navigation and container; the OpenAPI document passes a real OpenAPI 3.1 validator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

type XmlNode = Record<string, any>;
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

describe('$metadata', () => {
  for (const version of ['beta', 'v1.0'] as const) {
    it(`${version}: is well-formed XML that declares every type, property and navigation of the version's model`, async () => {
      const res = await server.request('GET', `/${version}/$metadata`);
      assert.equal(res.status, 200);
      assert.equal(XMLValidator.validate(res.text), true);
      const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(res.text);
      const edmx = doc['edmx:Edmx'];
      assert.equal(edmx.Version, '4.0');
      assert.ok(list(edmx['edmx:Reference']).some((r: XmlNode) => list(r['edmx:Include']).some((i: XmlNode) => i.Namespace === 'Org.OData.Core.V1')), '$metadata references the Org.OData.Core.V1 vocabulary');
      const schemas: XmlNode[] = list(edmx['edmx:DataServices'].Schema);
      const model = server.clientele.model.forVersion(version);
      for (const s of model.schemas) {
        const x = schemas.find((sc) => sc.Namespace === s.namespace);
        assert.ok(x, s.namespace);
        const byName = (tag: string) => new Map<string, XmlNode>(list<XmlNode>(x[tag]).map((n) => [n.Name, n]));
        const entities = byName('EntityType');
        const complexes = byName('ComplexType');
        const enums = byName('EnumType');
        for (const t of s.types) {
          if (t.kind === 'enum') {
            const e = enums.get(t.name);
            assert.ok(e, `EnumType ${t.name}`);
            assert.deepEqual(list<XmlNode>(e.Member).map((m) => m.Name), t.members);
            continue;
          }
          const node = (t.kind === 'entity' ? entities : complexes).get(t.name);
          assert.ok(node, `${t.kind} ${t.name}`);
          if (t.baseType) assert.equal(node.BaseType, t.baseType);
          const props = new Map<string, XmlNode>(list<XmlNode>(node.Property).map((p) => [p.Name, p]));
          assert.deepEqual([...props.keys()], t.properties.map((p) => p.name), `properties of ${t.name}`);
          for (const p of t.properties) {
            assert.equal(props.get(p.name)!.Type, p.collection ? `Collection(${p.type})` : p.type, `${t.name}.${p.name}`);
            // Every declared type a property uses is itself declared.
            const target = p.type.replace(/^Collection\((.*)\)$/, '$1');
            if (!target.startsWith('Edm.')) assert.ok(model.findType(target), target);
          }
          const navs = list<XmlNode>(node.NavigationProperty).map((n) => n.Name);
          assert.deepEqual(navs, (t.navigation ?? []).map((n) => n.name));
          // Root entity types with an id are keyed by it; Graph's solutionsRoot has neither id nor key.
          if (t.kind === 'entity' && !t.baseType && t.properties.some((p) => p.name === 'id')) assert.equal(node.Key?.PropertyRef.Name, 'id', `key of ${t.name}`);
          else assert.equal(node.Key, undefined, `${t.name} declares no key`);
        }
      }
      const container = schemas.find((s) => s.EntityContainer)!.EntityContainer;
      assert.deepEqual(list<XmlNode>(container.EntitySet).map((s) => s.Name), model.entitySets.map((s) => s.name));
      assert.deepEqual(list<XmlNode>(container.Singleton).map((s) => s.Name), model.singletons.map((s) => s.name));
    });
  }
});

describe('openapi.json', () => {
  let doc: any;
  before(async () => {
    const res = await server.request('GET', '/beta/openapi.json');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^application\/json/);
    doc = res.json;
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    assert.equal(doc.openapi, '3.1.0');
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(validator.version, '3.1');
    // Every $ref resolves.
    assert.doesNotThrow(() => validator.resolveRefs());
  });

  it('every $ref points at a component that exists', () => {
    const refs: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string') refs.push(x);
          else walk(x);
        }
      }
    };
    walk(doc);
    assert.ok(refs.length > 20, `the OpenAPI document has its $refs (${refs.length} found)`);
    for (const r of refs) {
      const target = r.replace(/^#\//, '').split('/').reduce((o: any, k) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      assert.ok(target, r);
    }
  });

  it('has a schema for every type of the model, enums and Graph error included', () => {
    const { model } = server.clientele;
    const schemas = doc.components.schemas;
    for (const t of model.structuredTypes()) assert.ok(schemas[t.qualifiedName], t.qualifiedName);
    for (const e of model.enumTypes()) assert.deepEqual(schemas[e.qualifiedName].enum, e.members);
    const customer = schemas['microsoft.graph.bookingCustomer'];
    assert.deepEqual(customer.allOf[0], { $ref: '#/components/schemas/microsoft.graph.bookingPerson' });
    assert.deepEqual(customer.allOf[1].properties.addresses, { type: 'array', items: { $ref: '#/components/schemas/microsoft.graph.physicalAddress' } });
    assert.equal(customer.allOf[1].properties.createdDateTime.readOnly, true);
    assert.deepEqual(schemas['microsoft.graph.bookingPerson'].allOf[1].properties.emailAddress, { type: ['string', 'null'] });
    assert.deepEqual(schemas['microsoft.graph.ODataErrors.MainError'].required, ['code', 'message']);
  });

  it('has the paths of every entity set, singleton and containment navigation, with their operations', () => {
    const paths = doc.paths;
    const expect: Record<string, string[]> = {
      '/bookingBusinesses': ['get', 'post'],
      '/bookingBusinesses/{bookingBusiness-id}': ['get', 'patch', 'delete'],
      '/bookingBusinesses/$count': ['get'],
      '/bookingBusinesses/{bookingBusiness-id}/customers': ['get', 'post'],
      '/bookingBusinesses/{bookingBusiness-id}/customers/{bookingCustomer-id}': ['get', 'patch', 'delete'],
      '/solutions': ['get'],
      '/solutions/bookingBusinesses/{bookingBusiness-id}/customers/{bookingCustomer-id}': ['get', 'patch', 'delete'],
      '/solutions/bookingBusinesses/{bookingBusiness-id}/customers/$count': ['get'],
    };
    for (const [path, methods] of Object.entries(expect)) {
      assert.ok(paths[path], path);
      for (const m of methods) assert.ok(paths[path][m], `${m} ${path}`);
    }
    const list = paths['/solutions/bookingBusinesses/{bookingBusiness-id}/customers'];
    assert.equal(list.get.operationId, 'solutions.bookingBusinesses.customers.List');
    assert.deepEqual(list.parameters.map((p: { name: string }) => p.name), ['bookingBusiness-id']);
    const names = list.get.parameters.map((p: { $ref?: string; name?: string }) => p.name ?? p.$ref!.split('/').pop());
    assert.deepEqual(names.sort(), ['$orderby', '$select', 'count', 'filter', 'search', 'skip', 'skiptoken', 'top']);
    assert.match(list.get.description, /Bookings\.Read\.All/);
    assert.equal(list.get.responses['4XX'].$ref, '#/components/responses/error');
    const ids = Object.values(paths).flatMap((item: any) => ['get', 'post', 'patch', 'put', 'delete'].filter((m) => item[m]).map((m) => item[m].operationId));
    assert.equal(new Set(ids).size, ids.length, 'operation ids are unique');
  });

  it("v1.0's document is valid too and describes v1.0: no top-level bookingBusinesses, v1.0's customer and phone", async () => {
    const v1 = (await server.request('GET', '/v1.0/openapi.json')).json;
    const validator = new Validator();
    const result = await validator.validate(structuredClone(v1));
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.ok(!Object.keys(v1.paths).some((p) => p.startsWith('/bookingBusinesses')), 'no /bookingBusinesses paths in v1.0');
    assert.ok(v1.paths['/solutions/bookingBusinesses/{bookingBusiness-id}/customers'], 'customers under solutions');
    const schemas = v1.components.schemas;
    assert.deepEqual(schemas['microsoft.graph.bookingCustomer'].allOf[0], { $ref: '#/components/schemas/microsoft.graph.bookingCustomerBase' }, 'v1.0 base type');
    assert.ok(schemas['microsoft.graph.phone'].properties.language, 'v1.0 phone has language');
    assert.equal(schemas['microsoft.graph.physicalAddress'].properties.type, undefined, 'v1.0 address has no type');
    assert.equal(schemas['microsoft.graph.bookingPerson'], undefined, 'v1.0 has no bookingPerson');
  });

  it('is served on /v1.0 too, with the caller\'s service root as server', async () => {
    const res = await server.request('GET', '/v1.0/openapi.json');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.servers, [{ url: `${server.origin}/v1.0` }]);
    assert.equal((await server.request('POST', '/beta/openapi.json', { body: {} })).status, 405);
  });
});
