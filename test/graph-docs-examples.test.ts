// Replays every request example of Graph's docs pages for bookingBusiness and bookingCustomer, beta and v1.0
// (test/fixtures/graph-docs/bookings-examples.ts, each naming its page): the documented status, the
// documented @odata.context, and every documented body field, except where the page contradicts the
// version's schema (the schema wins) or shows a value Graph chose. Each example runs in a tenant of its own,
// holding what the example assumes exists.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DOCS_EXAMPLES, type DocsExample, type DocsRequest } from './fixtures/graph-docs/bookings-examples.js';
import { expectDocumented } from './helpers/docs-compare.js';
import { ALL_SCOPES, startServer, type TestResponse, type TestServer } from './helpers/server.js';

const GRAPH = 'https://graph.microsoft.com';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

function send(req: DocsRequest, token: string): Promise<TestResponse> {
  assert.ok(req.url.startsWith(GRAPH), `${req.url} is a Graph URL`);
  return server.request(req.method, req.url.slice(GRAPH.length), { token, body: req.body });
}

/** What the example assumes exists, created in the example's tenant through beta. */
async function arrange(ex: DocsExample, token: string): Promise<void> {
  for (const business of ex.given?.businesses ?? []) {
    const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { token, body: business });
    assert.equal(res.status, 201, `${ex.page}: given business ${business.id}: ${res.text}`);
  }
  for (const { business, customer } of ex.given?.customers ?? []) {
    const res = await server.request('POST', `/beta/solutions/bookingBusinesses/${encodeURIComponent(business)}/customers`, { token, body: customer });
    assert.equal(res.status, 201, `${ex.page}: given customer ${customer.id}: ${res.text}`);
  }
}

for (const version of ['v1.0', 'beta']) {
  describe(`Graph's ${version} docs examples for bookingBusiness and bookingCustomer`, () => {
    for (const ex of DOCS_EXAMPLES.filter((e) => e.page.startsWith(`api-reference/${version}/`))) {
      it(`${ex.page.replace(/^.*\//, '')}: ${ex.title}`, async () => {
        const token = await server.token({ tenantId: randomUUID(), scopes: ALL_SCOPES });
        await arrange(ex, token);
        const res = await send(ex.request, token);
        assert.equal(res.status, ex.response.status, `${ex.page}: documented status (${res.text})`);
        const documented = ex.response.body;
        if (!documented) {
          assert.equal(res.text, '', `${ex.page}: no body, as documented`);
        } else {
          const context = String(documented['@odata.context']).replace(GRAPH, server.origin);
          // Mailbox keys are case-insensitive; the pages spell the same business in different cases.
          assert.equal(String(res.json['@odata.context']).toLowerCase(), context.toLowerCase(), `${ex.page}: documented @odata.context`);
          expectDocumented(ex, documented, res.json, '');
        }
        if (ex.then) {
          const later = await send(ex.then.request, token);
          assert.equal(later.status, ex.then.status, `${ex.page}: then ${ex.then.request.method} ${ex.then.request.url}`);
          if (ex.then.body) expectDocumented(ex, ex.then.body, later.json, '');
        }
      });
    }
  });
}

describe('the docs replay itself', () => {
  it('covers the CRUD and customer pages of both versions', () => {
    const pages = new Set(DOCS_EXAMPLES.map((e) => e.page.replace(/^api-reference\//, '')));
    for (const v of ['beta', 'v1.0']) {
      for (const name of ['bookingbusiness-list', 'bookingbusiness-post-bookingbusinesses', 'bookingbusiness-get', 'bookingbusiness-update', 'bookingbusiness-delete',
        'bookingbusiness-list-customers', 'bookingbusiness-post-customers', 'bookingcustomer-get', 'bookingcustomer-update', 'bookingcustomer-delete']) {
        assert.ok(pages.has(`${v}/api/${name}.md`), `${v}/api/${name}.md is replayed`);
      }
    }
  });
  it('notices an answer that differs from the documented one', () => {
    const ex = DOCS_EXAMPLES.find((e) => e.page.endsWith('v1.0/api/bookingcustomer-update.md'))!;
    assert.throws(() => expectDocumented(ex, ex.response.body, { ...ex.response.body, displayName: 'Other' }, ''), 'a changed value fails');
    assert.throws(() => expectDocumented(ex, { addresses: [{ type: 'home' }] }, { addresses: [{}] }, ''), 'a missing field fails');
  });
});
