// $select, $orderby, $top, $skip, $count, $search, Prefer: odata.maxpagesize and option-name handling,
// through the real server on the fixed data set of filter-data.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CUSTOMERS, CUSTOMERS_PATH, loadFilterData, type FilterData } from './helpers/filter-data.js';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let data: FilterData;
before(async () => {
  server = await startServer({ defaultPageSize: 8, maxPageSize: 50 });
  data = await loadFilterData(server);
});
after(() => server.close());

const get = (query: string, headers?: Record<string, string>) => server.request('GET', `${CUSTOMERS_PATH}?${query}`, { headers });
const names = (res: { json: { value: Array<{ displayName: string }> } }) => res.json.value.map((e) => e.displayName);
/** Property names of an entity, annotations (@odata.type, @odata.etag) left out. */
const properties = (e: object) => Object.keys(e).filter((k) => !k.startsWith('@')).sort();
const nums = (res: { json: { value: Array<{ displayName: string }> } }) => res.json.value.map((e) => data.numberOf(e)).sort((a, b) => a - b);

/** Follows @odata.nextLink to the end; returns every page. */
async function allPages(first: string, headers?: Record<string, string>) {
  const pages: Array<{ value: Array<{ displayName: string; id: string }> }> = [];
  let url: string | undefined = first;
  while (url) {
    const res = await server.request('GET', url.replace(server.origin, ''), { headers });
    assert.equal(res.status, 200, res.text);
    pages.push(res.json);
    url = res.json['@odata.nextLink'];
  }
  return pages;
}

describe('$select', () => {
  it('returns only the selected properties (and id), complex and collection ones included', async () => {
    const res = await get('$select=displayName,addresses&$top=50');
    assert.equal(res.status, 200);
    assert.match(res.json['@odata.context'], /\/customers\(displayName,addresses\)$/);
    for (const e of res.json.value) {
      assert.deepEqual(properties(e), ['addresses', 'displayName', 'id']);
      assert.equal(e['@odata.type'], '#microsoft.graph.bookingCustomer');
    }
    const adele = res.json.value.find((e: { displayName: string }) => e.displayName === 'Adele Vance');
    assert.equal(adele.addresses[0].city, 'Buffalo');
  });
  it('matches names ignoring case and answers with the declared names', async () => {
    const res = await get('$select=DISPLAYNAME,Phones&$top=1');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(properties(res.json.value[0]), ['displayName', 'id', 'phones']);
  });
  it('works on a single entity', async () => {
    const c = data.customer(4);
    const res = await server.request('GET', `${CUSTOMERS_PATH}/${c.id}?$select=emailAddress`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.emailAddress, 'bianca@fabrikam.com');
    assert.equal(res.json.displayName, undefined);
    assert.match(res.json['@odata.context'], /\/customers\(emailAddress\)\/\$entity$/);
  });
  it('an unknown property is 400 naming it', async () => {
    const res = await get('$select=displayName,favouriteColour');
    assert.equal(res.status, 400);
    assert.match(res.json.error.message, /'favouriteColour'/);
  });
});

describe('$orderby', () => {
  it('orders by several keys, ascending and descending', async () => {
    const res = await get('$orderby=emailAddress desc,displayName&$top=50');
    assert.equal(res.status, 200, res.text);
    // Reference order: emailAddress descending (byte order, NULLs last), then displayName.
    const expected = [...CUSTOMERS].sort((a, b) => {
      if (a.emailAddress !== b.emailAddress) {
        if (a.emailAddress === null) return 1;
        if (b.emailAddress === null) return -1;
        return a.emailAddress < b.emailAddress ? 1 : -1;
      }
      return a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0;
    });
    assert.deepEqual(names(res), expected.map((c) => c.displayName));
    assert.deepEqual(names(res).slice(0, 3), ['Megan Bowen', 'Lidia Holloway', 'Lee Gu']);
    assert.deepEqual(names(res).slice(-2), ['Allan Deyoung', 'Emily Braun']);
  });
  it('orders by displayName, asc by default, and by createdDateTime desc', async () => {
    const asc = names(await get('$orderby=displayName&$top=3'));
    assert.deepEqual(asc, ['Adele Vance', 'Alex Wilber', 'Allan Deyoung']);
    const byCreated = await get('$orderby=createdDateTime desc&$top=50');
    assert.deepEqual(byCreated.json.value.map((e: { displayName: string }) => data.numberOf(e)), Array.from({ length: 20 }, (_, i) => 20 - i));
  });
  it('pages of an ordered list keep the order across next links', async () => {
    const pages = await allPages(`${CUSTOMERS_PATH}?$orderby=displayName desc&$top=6`);
    assert.deepEqual(pages.map((p) => p.value.length), [6, 6, 6, 2]);
    const all = pages.flatMap((p) => p.value.map((e) => e.displayName));
    assert.deepEqual(all, [...CUSTOMERS.map((c) => c.displayName)].sort().reverse());
  });
  it('refuses unknown, complex and repeated properties and bad directions', async () => {
    for (const [q, msg] of [
      ['$orderby=nosuch', /'nosuch'/],
      ['$orderby=addresses', /not a primitive value/],
      ['$orderby=displayName sideways', /Invalid \$orderby term/],
      ['$orderby=displayName,displayName desc', /more than once/],
      ['$orderby=addresses/city', /complex value .* not supported/],
    ] as const) {
      const res = await get(q);
      assert.equal(res.status, 400, q);
      assert.match(res.json.error.message, msg, q);
    }
  });
});

describe('$top, $skip, $count, page size', () => {
  it('the default page size applies, with a next link', async () => {
    const res = await get('');
    assert.equal(res.json.value.length, 8);
    assert.ok(res.json['@odata.nextLink'], `the first page has a next link: ${res.text.slice(0, 500)}`);
  });
  it('$top sets the page size; the largest allowed is the configured maximum', async () => {
    const res = await get('$top=5');
    assert.equal(res.json.value.length, 5);
    const next = new URL(res.json['@odata.nextLink']);
    assert.equal(next.searchParams.get('$top'), '5');
    assert.ok(next.searchParams.get('$skiptoken'), `the next link has a $skiptoken: ${next}`);
    assert.equal((await get('$top=50')).json.value.length, 20);
    for (const bad of ['0', '51', '-1', 'ten', '1.5']) {
      const r = await get(`$top=${bad}`);
      assert.equal(r.status, 400, bad);
      assert.match(r.json.error.message, /\$top/);
    }
  });
  it('$skip skips, and its next link continues after the skipped rows', async () => {
    const res = await get('$orderby=displayName&$skip=15&$top=3');
    assert.deepEqual(names(res), ['Joni Sherman', 'Lee Gu', 'Lidia Holloway']);
    const next = await server.request('GET', res.json['@odata.nextLink'].replace(server.origin, ''));
    assert.deepEqual(names(next), ['Megan Bowen', 'brian johnson']);
    assert.equal(next.json['@odata.nextLink'], undefined);
    assert.equal((await get('$skip=x')).status, 400);
  });
  it('$count=true adds @odata.count (the whole collection, not the page)', async () => {
    const res = await get('$count=true&$top=2');
    assert.equal(res.json['@odata.count'], 20);
    assert.equal(res.json.value.length, 2);
    assert.equal((await get('$count=false')).json['@odata.count'], undefined);
    assert.equal((await get('$count=maybe')).status, 400);
  });
  it('the /$count segment answers text/plain, honouring $filter and $search', async () => {
    const all = await server.request('GET', `${CUSTOMERS_PATH}/$count`);
    assert.equal(all.text, '20');
    assert.match(all.headers.get('content-type')!, /^text\/plain/);
    const some = await server.request('GET', `${CUSTOMERS_PATH}/$count?$search=${encodeURIComponent('"fabrikam"')}`);
    assert.equal(some.text, '5');
  });
  it('Prefer: odata.maxpagesize sets the page size and is echoed in Preference-Applied', async () => {
    const res = await get('', { prefer: 'odata.maxpagesize=7' });
    assert.equal(res.json.value.length, 7);
    assert.equal(res.headers.get('preference-applied'), 'odata.maxpagesize=7');
    const pages = await allPages(CUSTOMERS_PATH, { prefer: 'odata.maxpagesize=7' });
    assert.deepEqual(pages.map((p) => p.value.length), [7, 7, 6]);
    const clamped = await get('', { prefer: 'return=minimal, odata.maxpagesize=5000' });
    assert.equal(clamped.headers.get('preference-applied'), 'odata.maxpagesize=50');
    assert.equal(clamped.json.value.length, 20);
    const withTop = await get('$top=3', { prefer: 'odata.maxpagesize=7' });
    assert.equal(withTop.json.value.length, 3);
    assert.equal(withTop.headers.get('preference-applied'), null);
  });
});

describe('$search', () => {
  const SEARCHES: Array<[string, number[]]> = [
    ['"jo"', [5, 16, 17]],
    ['"JO"', [5, 16, 17]],
    ['"fabrikam"', [4, 5, 9, 13, 16]],
    ['"contoso" "ale"', [2]],
    ['"contoso" AND "ale"', [2]],
    ['"lee" OR "lidia"', [18, 19]],
    ['"relecloud" NOT "lee"', [17, 19]],
    ['("lee" OR "lidia") AND "holloway"', [19]],
    ['"displayName:bowen"', [20]],
    ['"emailAddress:brian"', [5]],
    ['"displayname:contoso"', []],
    ['jonis', [17]],
    ['"o\'brien"', [9]],
    ['"zzz"', []],
  ];
  for (const [search, expected] of SEARCHES) {
    it(search, async () => {
      const res = await get(`$search=${encodeURIComponent(search)}&$top=50`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(nums(res), expected);
    });
  }
  it('combines with $filter and $count', async () => {
    const res = await get(`$search=${encodeURIComponent('"contoso"')}&$filter=${encodeURIComponent("startswith(displayName,'A')")}&$count=true`);
    assert.deepEqual(nums(res), [1, 2]);
    assert.equal(res.json['@odata.count'], 2);
  });
  it('searches businesses by displayName', async () => {
    const res = await server.request('GET', `/beta/solutions/bookingBusinesses?$search=${encodeURIComponent('"lunch"')}`);
    assert.deepEqual(names(res), ['Contoso Lunch']);
  });
  it('malformed searches are 400 with the position', async () => {
    for (const [search, msg] of [
      ['"unterminated', /^Syntax error at position 0 in '\$search': unterminated phrase/],
      ['""', /position 0 .*the search term is empty/],
      ['"a" OR', /position 6 .*expected a search term/],
      ['("a"', /position 4 .*expected '\)'/],
      ['', /position 0 .*the search expression is empty/],
    ] as const) {
      const res = await get(`$search=${encodeURIComponent(search)}`);
      assert.equal(res.status, 400, search);
      assert.match(res.json.error.message, msg, search);
    }
  });
});

describe('query option names', () => {
  it('are case-insensitive, and the $ is optional', async () => {
    for (const q of ['$TOP=2', 'top=2', '$Top=2']) assert.equal((await get(q)).json.value.length, 2, q);
    assert.equal((await get('count=true&top=1')).json['@odata.count'], 20);
    assert.deepEqual(names(await get('orderby=displayName&select=displayName&top=1')), ['Adele Vance']);
  });
  it('a repeated option is 400', async () => {
    const res = await get('$top=1&$TOP=2');
    assert.equal(res.status, 400);
    assert.match(res.json.error.message, /more than once/);
  });
  it('unknown $ options and $expand of a name that is no navigation are refused; custom options are ignored', async () => {
    assert.match((await get('$frobnicate=1')).json.error.message, /'\$frobnicate' is not supported/);
    assert.equal((await get('$expand=customers')).status, 400);
    assert.equal((await get('$format=xml')).status, 400);
    assert.equal((await get('$format=json&$top=1')).status, 200);
    assert.equal((await get('mycustomoption=1&$top=1')).status, 200);
    assert.equal((await server.request('GET', `${CUSTOMERS_PATH}/${data.customer(1).id}?$top=1`)).status, 400);
  });
});
