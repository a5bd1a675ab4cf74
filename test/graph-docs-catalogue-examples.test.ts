// Replays the request examples of Graph's docs pages for services, staff members, custom questions,
// currencies and publish/unpublish (test/fixtures/graph-docs/bookings-catalogue-examples.ts, each naming its
// page): the documented status, @odata.context and every documented body field, except where the page
// contradicts the schema, itself or its request (the fixture says how each is decided). Each example runs in
// a tenant of its own holding what it assumes exists.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CATALOGUE_EXAMPLES, type CatalogueExample, type DocsRequest } from './fixtures/graph-docs/bookings-catalogue-examples.js';
import { expectDocumented } from './helpers/docs-compare.js';
import { ALL_SCOPES, startServer, type TestResponse, type TestServer } from './helpers/server.js';

const GRAPH = 'https://graph.microsoft.com';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

function urlOf(ex: CatalogueExample, req: DocsRequest): string {
  assert.ok(req.url.startsWith(GRAPH), `${req.url} is a Graph URL`);
  // `{id}` in a page's URL: the business the example's response names (its given business).
  return req.url.slice(GRAPH.length).replace('{id}', encodeURIComponent(ex.given?.businesses?.[0] ?? '{id}'));
}

async function send(ex: CatalogueExample, req: DocsRequest, token: string): Promise<TestResponse> {
  const res = await server.request(req.method, urlOf(ex, req), { token, body: req.body });
  // A documented collection shortened for readability: follow the next links to see every member.
  if (req.method === 'GET' && ex.truncated?.length && Array.isArray(res.json?.value)) {
    let next = res.json['@odata.nextLink'];
    while (next) {
      const page = await server.request('GET', String(next).slice(server.origin.length), { token });
      assert.equal(page.status, 200, `${ex.page}: next page`);
      res.json.value.push(...page.json.value);
      next = page.json['@odata.nextLink'];
    }
  }
  return res;
}

/** What the example assumes exists, created in the example's tenant through beta (whose shapes say everything). */
async function arrange(ex: CatalogueExample, token: string): Promise<void> {
  const g = ex.given ?? {};
  for (const id of g.businesses ?? []) {
    const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { token, body: { id, displayName: 'Contoso lunch delivery' } });
    assert.equal(res.status, 201, `${ex.page}: given business ${id}: ${res.text}`);
  }
  for (const [collection, items] of [['staffMembers', g.staffMembers], ['customQuestions', g.customQuestions], ['services', g.services]] as const) {
    for (const { business, body } of items ?? []) {
      const res = await server.request('POST', `/beta/solutions/bookingBusinesses/${encodeURIComponent(business)}/${collection}`, { token, body });
      assert.equal(res.status, 201, `${ex.page}: given ${collection} ${String(body.id)}: ${res.text}`);
    }
  }
}

for (const version of ['v1.0', 'beta']) {
  describe(`Graph's ${version} docs examples for services, staff, custom questions, currencies, publish`, () => {
    for (const ex of CATALOGUE_EXAMPLES.filter((e) => e.page.startsWith(`api-reference/${version}/`))) {
      it(`${ex.page.replace(/^.*\//, '')}: ${ex.title}`, async () => {
        const token = await server.token({ tenantId: randomUUID(), scopes: ALL_SCOPES });
        await arrange(ex, token);
        const res = await send(ex, ex.request, token);
        assert.equal(res.status, ex.response.status, `${ex.page}: documented status (${res.text.slice(0, 500)})`);
        const documented = ex.response.body;
        if (!documented) {
          assert.equal(res.text, '', `${ex.page}: no body, as documented`);
        } else {
          const context = documented['@odata.context'];
          if (typeof context === 'string') {
            const expected = context.replace(GRAPH, server.origin);
            const mine = String(res.json['@odata.context']);
            // Mailbox keys are case-insensitive; a page whose context names its sample tenant's business shares the rest.
            if (ex.otherContext) assert.equal(mine.replace(/\('[^']*'\)/, ''), expected.replace(/\('[^']*'\)/, ''), `${ex.page}: documented @odata.context, but for the request's business`);
            else assert.equal(mine.toLowerCase(), expected.toLowerCase(), `${ex.page}: documented @odata.context`);
          }
          expectDocumented(ex, ex.unwrap ? documented.value : documented, res.json, '');
        }
        if (ex.then) {
          const later = await send(ex, ex.then.request, token);
          assert.equal(later.status, ex.then.status, `${ex.page}: then ${ex.then.request.method} ${ex.then.request.url} (${later.text.slice(0, 300)})`);
          if (ex.then.body) expectDocumented(ex, ex.then.body, later.json, '');
        }
      });
    }
  });
}

describe('the catalogue docs replay itself', () => {
  it('covers the pages of every operation, in both versions', () => {
    const pages = new Set(CATALOGUE_EXAMPLES.map((e) => e.page.replace(/^api-reference\//, '')));
    for (const name of [
      'bookingbusiness-list-services', 'bookingbusiness-post-services', 'bookingservice-get', 'bookingservice-update', 'bookingservice-delete',
      'bookingbusiness-list-staffmembers', 'bookingbusiness-post-staffmembers', 'bookingstaffmember-get', 'bookingstaffmember-update', 'bookingstaffmember-delete',
      'bookingbusiness-list-customquestions', 'bookingbusiness-post-customquestions', 'bookingcustomquestion-get', 'bookingcustomquestion-update', 'bookingcustomquestion-delete',
      'bookingcurrency-list', 'bookingcurrency-get', 'bookingbusiness-publish', 'bookingbusiness-unpublish',
    ]) {
      for (const v of ['beta', 'v1.0']) assert.ok(pages.has(`${v}/api/${name}.md`), `${v}/api/${name}.md is replayed`);
    }
  });
  it('notices an answer that differs from the documented one', () => {
    const ex = CATALOGUE_EXAMPLES.find((e) => e.page.endsWith('v1.0/api/bookingcurrency-get.md'))!;
    assert.throws(() => expectDocumented(ex, ex.response.body, { ...ex.response.body, symbol: 'US$' }, ''), 'a changed value fails');
    assert.throws(() => expectDocumented(ex, { id: 'USD', symbol: '$' }, { id: 'USD' }, ''), 'a missing field fails');
  });
});
