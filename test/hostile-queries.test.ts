// Hostile query options answer 400 with a clear message, never a 500 or a false 503: expression depth and size
// limits hold in the query code itself (whatever the way in: a request, an inner $batch URL, or the parsers
// called with text longer than any URL may be), and U+0000 in a key, a literal or a search term is refused on
// every engine.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_INNER_URL_LENGTH } from '../src/http/batch-url.js';
import { GraphError } from '../src/http/errors.js';
import { sqliteDialect } from '../src/odata/filter/dialect.js';
import { parseFilter } from '../src/odata/filter/parser.js';
import { compileSearch } from '../src/odata/search.js';
import { startServer, type TestResponse, type TestServer } from './helpers/server.js';

let server: TestServer;
const business = 'hostile@contoso.com';
const customers = `/solutions/bookingBusinesses/${encodeURIComponent(business)}/customers`;
before(async () => {
  server = await startServer();
  const made = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: business, displayName: 'Hostile' } });
  assert.equal(made.status, 201, made.text);
  const customer = await server.request('POST', `/beta${customers}`, { body: { displayName: 'Adele Vance', emailAddress: 'adelev@contoso.com' } });
  assert.equal(customer.status, 201, customer.text);
});
after(() => server.close());

/**
 * A GET of the customers with this raw query, directly (while it fits in a request line) and as the only
 * request of a $batch (while it fits an inner URL's limit; past it, the batch refuses the URL as too long).
 * `option` and `expr`, when given, are also handed to the parser itself, which must refuse them alone.
 */
async function both(query: string): Promise<TestResponse[]> {
  const results: TestResponse[] = [];
  if (query.length < 12_000) results.push(await server.request('GET', `/beta${customers}?${query}`));
  const url = `${customers}?${query}`;
  const res = await server.request('POST', '/beta/$batch', { body: { requests: [{ id: '1', method: 'GET', url }] } });
  assert.equal(res.status, 200, `the batch itself is fine: ${res.text.slice(0, 500)}`);
  const inner = res.json.responses[0];
  const answer = { status: inner.status, headers: new Headers(inner.headers), text: JSON.stringify(inner.body), json: inner.body };
  if (url.length <= MAX_INNER_URL_LENGTH) results.push(answer);
  else {
    assert.equal(answer.status, 400, `an inner URL past ${MAX_INNER_URL_LENGTH} characters is refused: ${answer.text.slice(0, 300)}`);
    assert.match(answer.json.error.message, /longer than/, 'the batch says the URL is too long');
  }
  return results;
}

/** The parsers on their own: the limits hold for text no URL could carry. */
function parsed(query: string): TestResponse[] {
  const [option, encoded] = query.split(/=(.*)/s) as [string, string];
  const text = decodeURIComponent(encoded);
  try {
    if (option === '$filter') parseFilter(text);
    else {
      const type = server.clientele.model.entityType('microsoft.graph.bookingCustomer');
      compileSearch(type, server.clientele.schema.table(type), text, sqliteDialect);
    }
  } catch (err) {
    assert.ok(err instanceof GraphError, `the parser throws a GraphError, not ${(err as Error).name}: ${(err as Error).message.slice(0, 200)}`);
    const json = { error: { code: err.code, message: err.message } };
    return [{ status: err.status, headers: new Headers(), text: JSON.stringify(json), json }];
  }
  return [{ status: 200, headers: new Headers(), text: '', json: undefined }];
}

async function refused(query: string, message: RegExp): Promise<void> {
  for (const res of [...(await both(query)), ...parsed(query)]) {
    assert.equal(res.status, 400, `400 for ${query.slice(0, 60)}…: ${res.text.slice(0, 500)}`);
    assert.equal(res.json?.error?.code, 'BadRequest', `Graph's error shape: ${res.text.slice(0, 500)}`);
    assert.match(res.json.error.message, message, 'the message says what is wrong');
  }
}

// Commas stay as they are (they are fine in a query string), so long lists fit an inner URL's limit.
const q = (option: string, expr: string) => `${option}=${encodeURIComponent(expr).replace(/%2C/g, ',')}`;

/** `both`, for queries that must work: at least one way in carries them. */
async function carried(query: string): Promise<TestResponse[]> {
  const results = await both(query);
  assert.ok(results.length > 0, `a request or an inner $batch URL carries the query (${query.length} characters)`);
  return results;
}

describe('$filter and $search limits', () => {
  it('a $filter nested too deeply is a 400, whether by not, parentheses or functions', async () => {
    await refused(q('$filter', `${'not '.repeat(1500)}(displayName eq 'a')`), /nested more than \d+ levels deep/);
    await refused(q('$filter', `${'('.repeat(4000)}displayName eq 'a'${')'.repeat(4000)}`), /nested more than \d+ levels deep/);
    await refused(q('$filter', `${'tolower('.repeat(500)}displayName${')'.repeat(500)} eq 'a'`), /nested more than \d+ levels deep/);
    // Far past what a URL can hold: only the depth check stands between this and the stack.
    await refused(q('$filter', `${'not '.repeat(50_000)}(displayName eq 'a')`), /nested more than \d+ levels deep/);
    await refused(q('$filter', `${'('.repeat(50_000)}displayName eq 'a'${')'.repeat(50_000)}`), /nested more than \d+ levels deep/);
  });

  it('a $filter with too many operators is a 400, also as a flat chain', async () => {
    const chain = Array.from({ length: 3000 }, (_, i) => `displayName eq 'n${i}'`).join(' or ');
    await refused(q('$filter', chain), /too complex|more than \d+/);
  });

  it('moderate expressions still work', async () => {
    const chain = Array.from({ length: 50 }, (_, i) => `displayName eq 'n${i}'`).join(' or ');
    for (const expr of [`${'not '.repeat(20)}(displayName eq 'Adele Vance')`, `${'('.repeat(40)}displayName eq 'Adele Vance'${')'.repeat(40)}`, `${chain} or displayName eq 'Adele Vance'`]) {
      for (const res of await carried(q('$filter', expr))) {
        assert.equal(res.status, 200, `${expr.slice(0, 60)}: ${res.text.slice(0, 300)}`);
        assert.equal(res.json.value.length, 1, 'Adele is found');
      }
    }
    const values = Array.from({ length: 500 }, (_, i) => `'n${i}'`).join(',');
    for (const res of await carried(q('$filter', `displayName in (${values},'Adele Vance')`))) {
      assert.equal(res.status, 200, `500 values in 'in': ${res.text.slice(0, 300)}`);
      assert.equal(res.json.value.length, 1, 'Adele is found among 500 values');
    }
  });

  it('expressions just inside the limits reach the engine and work (the limits are below the engines\' own)', async () => {
    const expressions = [
      `${'not '.repeat(98)}(displayName eq 'Adele Vance')`,
      `${'tolower('.repeat(97)}displayName${')'.repeat(97)} eq 'adele vance'`,
      Array.from({ length: 450 }, (_, i) => `displayName eq 'n${i}'`).join(' or ') + " or displayName eq 'Adele Vance'",
      `displayName in (${Array.from({ length: 1000 }, (_, i) => `'n${i}'`).join(',')}) or emailAddress in (${Array.from({ length: 900 }, (_, i) => `'e${i}'`).join(',')},'adelev@contoso.com')`,
    ];
    for (const expr of expressions) {
      for (const res of await carried(q('$filter', expr))) {
        assert.equal(res.status, 200, `${expr.slice(0, 60)}…: ${res.text.slice(0, 300)}`);
        assert.equal(res.json.value.length, 1, 'Adele is found');
      }
    }
    const terms = Array.from({ length: 600 }, (_, i) => `"zz${i}"`).join(' OR ');
    for (const res of await carried(q('$search', `${terms} OR "adele"`))) {
      assert.equal(res.status, 200, `601 search terms: ${res.text.slice(0, 300)}`);
      assert.equal(res.json.value.length, 1, 'Adele is found');
    }
  });

  it("an 'in' list too long is a 400 before any SQL (SQLite's variable limit, PostgreSQL's 16-bit parameter count)", async () => {
    for (const n of [40_000, 70_000]) {
      const values = Array.from({ length: n }, (_, i) => `'${i}'`).join(',');
      await refused(q('$filter', `displayName in (${values})`), /'in' list has \d+ values; at most \d+ are allowed/);
    }
  });

  it('a $search nested too deeply or too long is a 400', async () => {
    await refused(q('$search', `${'NOT '.repeat(3000)}"adele"`), /nested more than \d+ levels deep/);
    await refused(q('$search', `${'('.repeat(3000)}"adele"${')'.repeat(3000)}`), /nested more than \d+ levels deep/);
    await refused(q('$search', `${'NOT '.repeat(60_000)}"adele"`), /nested more than \d+ levels deep/);
    await refused(q('$search', Array.from({ length: 5000 }, (_, i) => `"t${i}"`).join(' OR ')), /too complex|more than \d+/);
    for (const res of await carried(q('$search', `${'NOT '.repeat(10)}"adele"`))) assert.equal(res.status, 200, `10 NOTs are fine: ${res.text.slice(0, 300)}`);
  });
});

describe('U+0000 in query text and keys', () => {
  it('is a 400 in a $filter literal, a $search term and a key, on every engine', async () => {
    for (const res of await carried(`$filter=displayName eq 'a%00b'`)) {
      assert.equal(res.status, 400, `filter literal: ${res.text}`);
      assert.match(res.json.error.message, /U\+0000/, 'the message names the character');
    }
    for (const res of await carried(`$search="a%00b"`)) {
      assert.equal(res.status, 400, `search term: ${res.text}`);
      assert.match(res.json.error.message, /U\+0000/, 'the message names the character');
    }
    for (const path of [`/beta${customers}/a%00b`, `/beta/solutions/bookingBusinesses/a%00b%40contoso.com`, `/beta/solutions/bookingBusinesses/a%00b/customers`]) {
      for (const method of ['GET', 'PATCH', 'DELETE']) {
        const res = await server.request(method, path, method === 'PATCH' ? { body: { displayName: 'x' } } : {});
        assert.equal(res.status, 400, `${method} ${path}: ${res.text}`);
        assert.match(res.json.error.message, /U\+0000/, 'the message names the character');
      }
    }
  });
});
