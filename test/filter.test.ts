// $filter through the real server on a fixed data set: every expression with the customers it must return,
// and the errors (400, Graph's shape, the position of the problem) for expressions that are wrong.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allBut, CUSTOMERS_PATH, loadFilterData, type FilterData } from './helpers/filter-data.js';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let data: FilterData;
before(async () => {
  server = await startServer();
  data = await loadFilterData(server);
});
after(() => server.close());

async function filter(expr: string, path = CUSTOMERS_PATH) {
  return server.request('GET', `${path}?$filter=${encodeURIComponent(expr)}&$top=999`);
}

/** Customer numbers a filter returns, sorted. */
async function numbers(expr: string): Promise<number[]> {
  const res = await filter(expr);
  assert.equal(res.status, 200, `${expr}: ${res.text}`);
  return res.json.value.map((e: { displayName: string }) => data.numberOf(e)).sort((a: number, b: number) => a - b);
}

/** `+05:00` form of a UTC timestamp: the same instant written with an offset. */
function withOffset(utc: string): string {
  const d = new Date(new Date(utc).getTime() + 5 * 3600_000).toISOString();
  return d.replace('Z', '+05:00');
}

type Case = [expression: string | ((d: FilterData) => string), expected: number[]];

const CASES: Case[] = [
  // comparison, case-sensitive as in OData; tolower/toupper for case-insensitive matching
  ["displayName eq 'Adele Vance'", [1]],
  ["displayName eq 'adele vance'", []],
  ["tolower(displayName) eq 'adele vance'", [1]],
  ["toupper(displayName) eq 'BRIAN JOHNSON'", [5]],
  ["displayName eq 'Diego O''Brien'", [9]],
  ["emailAddress eq 'jonis@relecloud.com'", [17]],
  ["'jonis@relecloud.com' eq emailAddress", [17]],
  ["displayName ne 'Adele Vance'", allBut(1)],
  ["displayName ge 'L' and displayName lt 'M'", [18, 19]],
  ["displayName gt 'Lee Gu' and displayName le 'Lidia Holloway'", [19]],
  // null: eq/ne null, and null is "not equal" to any value (OData semantics)
  ['emailAddress eq null', [3, 10]],
  ['null eq emailAddress', [3, 10]],
  ['emailAddress ne null', allBut(3, 10)],
  ["emailAddress ne 'jonis@relecloud.com'", allBut(17)],
  // string functions
  ["startswith(displayName, 'Al')", [2, 3]],
  ["startswith(displayName,'al')", []],
  ["startswith(tolower(displayName),'b')", [4, 5]],
  ["endswith(emailAddress, '@fabrikam.com')", [4, 5, 9, 13, 16]],
  ["endswith(emailAddress, '@contoso.com')", [1, 2, 6, 7, 8, 11, 12, 14, 20]],
  ["endswith(tolower(emailAddress), '@contoso.com')", [1, 2, 6, 7, 8, 11, 12, 14, 15, 20]],
  ["contains(displayName, 'an')", [1, 3, 4, 5, 11, 15, 16, 17, 20]],
  ["contains(displayName, 'O''B')", [9]],
  ["startswith(displayName, '')", allBut()],
  // in
  ["displayName in ('Lee Gu', 'Megan Bowen', 'Nobody')", [18, 20]],
  ["emailAddress in ('leeg@relecloud.com', null)", [3, 10, 18]],
  // and / or / not / parentheses and precedence
  ["(startswith(displayName, 'J') or startswith(displayName, 'L')) and emailAddress ne null", [16, 17, 18, 19]],
  ["startswith(displayName, 'J') or startswith(displayName, 'L') and endswith(emailAddress, 'fabrikam.com')", [16, 17]],
  ["not (displayName eq 'Adele Vance') and not startswith(displayName, 'A')", allBut(1, 2, 3)],
  ["not(emailAddress eq 'x@example.com')", allBut()],
  ["not contains(emailAddress, 'contoso')", [3, 4, 5, 9, 10, 13, 15, 16, 17, 18, 19]],
  // any() / all() over collections of complex values
  ["addresses/any(a: a/city eq 'Buffalo')", [1, 4, 10, 14, 17, 20]],
  ["addresses/any(a: tolower(a/city) eq 'buffalo')", [1, 4, 6, 10, 14, 17, 20]],
  ['addresses/any()', allBut(3, 9, 15)],
  ['not addresses/any()', [3, 9, 15]],
  ["addresses/all(a: a/state eq 'WA')", [2, 3, 5, 8, 9, 12, 15, 16, 18]],
  ["addresses/all(a: a/city eq 'Buffalo') and addresses/any()", [1, 10, 14, 17]],
  ["addresses/any(a: a/type eq 'business' and a/city eq 'Seattle')", [2, 8, 18]],
  ["addresses/any(a: a/type eq 'business') and addresses/any(a: a/city eq 'Seattle')", [2, 8, 18, 20]],
  ['addresses/any(a: a/type eq null)', [7]],
  ["addresses/any(a: a/city eq 'Seattle' and displayName eq 'Lee Gu')", [18]],
  ["addresses/any(a: a/city eq 'Seattle' and $it/displayName eq 'Lee Gu')", [18]],
  ["addresses/any(a: a/city in ('Austin', 'Milan'))", [7, 11, 19]],
  ["phones/any(p: p/type eq 'mobile')", [1, 6, 8, 12, 15, 17, 20]],
  ["phones/any(p: p/type eq microsoft.graph.phoneType'mobile')", [1, 6, 8, 12, 15, 17, 20]],
  ["phones/any(p: startswith(p/number, '716'))", [1, 6, 14, 15, 17, 20]],
  ["phones/any(p: p/type in ('pager', 'businessFax'))", [7, 16]],
  ["phones/all(p: p/type eq 'home')", [3, 4, 5, 9, 10, 13, 14, 18, 19]],
  ["phones/any(p: p/type eq 'mobile') and addresses/any(a: a/city eq 'Seattle')", [8, 12, 20]],
  // DateTimeOffset literals, in UTC or with an offset
  [(d) => `createdDateTime gt ${d.customer(10).createdDateTime}`, [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]],
  [(d) => `createdDateTime le ${withOffset(d.customer(10).createdDateTime)}`, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  [(d) => `createdDateTime eq ${d.customer(7).createdDateTime}`, [7]],
  ['createdDateTime ge 2000-01-01T00:00:00Z', allBut()],
  ['lastUpdatedDateTime lt 2000-01-01T00:00:00+01:00', []],
  // keys: GUIDs in any case (the key is case-insensitive, as in key lookups)
  [(d) => `id eq '${d.customer(5).id.toUpperCase()}'`, [5]],
  [(d) => `id in ('${d.customer(1).id}', '${d.customer(2).id}')`, [1, 2]],
  // constant expressions, case-insensitive names and operators
  ['true', allBut()],
  ['false', []],
  ['1 eq 1', allBut()],
  ["'a' eq 'b'", []],
  ["DisplayName eq 'Lee Gu'", [18]],
  ["displayName EQ 'Lee Gu'", [18]],
  ["STARTSWITH(displayName,'Lee')", [18]],
  ["Addresses/ANY(a: a/City eq 'Austin') and emailAddress eq null", []],
];

describe('$filter: expressions on a fixed data set', () => {
  for (const [expression, expected] of CASES) {
    const label = typeof expression === 'string' ? expression : expression.toString().replace(/^\(d\) => /, '');
    it(label, async () => {
      const expr = typeof expression === 'string' ? expression : expression(data);
      assert.deepEqual(await numbers(expr), expected, expr);
    });
  }

  it('works with $count=true and the /$count segment', async () => {
    const expr = "addresses/any(a: a/city eq 'Buffalo')";
    const list = await server.request('GET', `${CUSTOMERS_PATH}?$filter=${encodeURIComponent(expr)}&$count=true&$top=2`);
    assert.equal(list.status, 200);
    assert.equal(list.json['@odata.count'], 6);
    assert.equal(list.json.value.length, 2);
    const count = await server.request('GET', `${CUSTOMERS_PATH}/$count?$filter=${encodeURIComponent(expr)}`);
    assert.equal(count.text, '6');
  });

  it('one filter shape with other values, and its next pages, finds each its own rows', async () => {
    // Filtered lists reuse their compiled SQL per shape (src/store/list-statements.ts): values must never stick.
    for (const [name, n] of [['Adele Vance', 1], ['Lee Gu', 18], ['Megan Bowen', 20]] as const) {
      assert.deepEqual(await numbers(`displayName eq '${name}'`), [n], `displayName eq '${name}'`);
    }
    const seen: number[] = [];
    let url: string | undefined = `${CUSTOMERS_PATH}?$filter=${encodeURIComponent('emailAddress ne null')}&$top=3`;
    for (let pages = 0; url; pages++) {
      assert.ok(pages < 20, 'the nextLinks end');
      const res = await server.request('GET', url);
      assert.equal(res.status, 200, res.text);
      seen.push(...res.json.value.map((e: { displayName: string }) => data.numberOf(e)));
      const next: string | undefined = res.json['@odata.nextLink'];
      url = next ? new URL(next).pathname + new URL(next).search : undefined;
    }
    assert.deepEqual(seen.sort((a, b) => a - b), allBut(3, 10), 'every page of the filter, each row once');
  });

  it('tolower/toupper fold every letter, not only ASCII', async () => {
    const res = await server.request('POST', CUSTOMERS_PATH, { body: { displayName: 'Émile Zoë Ørsted' } });
    assert.equal(res.status, 201);
    try {
      for (const expr of ["tolower(displayName) eq 'émile zoë ørsted'", "toupper(displayName) eq 'ÉMILE ZOË ØRSTED'", "contains(tolower(displayName), 'zoë')"]) {
        const got = await filter(expr);
        assert.deepEqual(got.json.value.map((e: { displayName: string }) => e.displayName), ['Émile Zoë Ørsted'], expr);
      }
      const search = await server.request('GET', `${CUSTOMERS_PATH}?$search=${encodeURIComponent('"ÉMILE"')}`);
      assert.deepEqual(search.json.value.map((e: { displayName: string }) => e.displayName), ['Émile Zoë Ørsted']);
    } finally {
      await server.request('DELETE', `${CUSTOMERS_PATH}/${res.json.id}`);
    }
  });

  it('the option name is case-insensitive and the $ optional', async () => {
    for (const name of ['$FILTER', 'filter', '$Filter']) {
      const res = await server.request('GET', `${CUSTOMERS_PATH}?${name}=${encodeURIComponent("displayName eq 'Lee Gu'")}`);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json.value.map((e: { displayName: string }) => e.displayName), ['Lee Gu']);
    }
  });

  it('filters businesses on a single complex property and a Boolean', async () => {
    const names = async (expr: string) => {
      const res = await filter(expr, '/beta/solutions/bookingBusinesses');
      assert.equal(res.status, 200, `${expr}: ${res.text}`);
      return res.json.value.map((b: { displayName: string }) => b.displayName).sort();
    };
    assert.deepEqual(await names("address/city eq 'Buffalo'"), ['Contoso Lunch']);
    assert.deepEqual(await names('address eq null'), ['Filter Test']);
    assert.deepEqual(await names('address ne null'), ['Contoso Lunch', 'Fabrikam Dental']);
    assert.deepEqual(await names('address/type eq null'), ['Fabrikam Dental', 'Filter Test']);
    assert.deepEqual(await names("address/state eq 'WA' or businessType eq 'Restaurant'"), ['Contoso Lunch', 'Fabrikam Dental']);
    const all = ['Contoso Lunch', 'Fabrikam Dental', 'Filter Test'];
    assert.deepEqual(await names('isPublished eq false'), all);
    assert.deepEqual(await names('not isPublished'), all);
    assert.deepEqual(await names('isPublished'), []);
    assert.deepEqual(await names('isPublished eq true or isPublished ne false'), []);
  });
});

describe('$filter: errors', () => {
  const ERRORS: Array<[expression: string, message: RegExp]> = [
    ['displayName eq', /^Syntax error at position 14 in '\$filter': expected a property, literal or function, found the end of the expression\.$/],
    ["displayName eq 'x", /^Syntax error at position 15 in '\$filter': unterminated string literal\.$/],
    ["(displayName eq 'x'", /^Syntax error at position 19 in '\$filter': expected '\)'/],
    ["displayName eq 'x')", /^Syntax error at position 18 in '\$filter': expected 'and', 'or' or the end of the expression, found '\)'/],
    ["displayName eqq 'x'", /^Syntax error at position 12 in '\$filter'/],
    ["displayName eq 'x' and", /^Syntax error at position 22 in '\$filter'/],
    ["displayName eq 'x' # 1", /^Syntax error at position 19 in '\$filter': unexpected character '#'/],
    ["addresses/any(a a/city eq 'x')", /^Syntax error at position 16 in '\$filter': expected ':' after the lambda variable/],
    ["displayName in 'x'", /^Syntax error at position 15 in '\$filter': expected '\(' to start the list/],
    ["nosuch eq 'x'", /^Invalid expression at position 0 in '\$filter': could not find a property named 'nosuch' on type 'microsoft\.graph\.bookingCustomer'\.$/],
    ["addresses/any(a: a/town eq 'x')", /position 19 .*could not find a property named 'town' on type 'microsoft\.graph\.physicalAddress'/],
    ["createdDateTime gt '2020-01-01'", /position 19 .*the literal '2020-01-01' is not a valid value of type 'Edm\.DateTimeOffset'/],
    ['createdDateTime gt 2020-13-01T00:00:00Z', /position 19 .*not a valid Edm\.DateTimeOffset/],
    ['createdDateTime gt 2020-01-01T00:00:00', /position 19 .*a time zone, such as Z, is required/],
    ['displayName eq 5', /position 15 .*the literal 5 is not a valid value of type 'Edm\.String'/],
    ['displayName eq true', /position 15 .*'Edm\.String'/],
    ['displayName', /position 0 .*expected a Boolean expression/],
    ["not displayName eq 'x'", /position 4 .*expected a Boolean expression, found a value of type 'Edm\.String'/],
    ["addresses/city eq 'x'", /position 10 .*'addresses' is a collection; use any\(\) or all\(\)/],
    ["addresses eq 'x'", /position 0 .*the collection 'addresses' cannot be compared/],
    ["phones/any(p: p/type eq 'satellite')", /position 24 .*'satellite' is not a member of 'microsoft\.graph\.phoneType'/],
    ["phones/any(p: p/type gt 'home')", /position 21 .*values of type 'microsoft\.graph\.phoneType' cannot be compared with 'gt'/],
    ["phones/any(p: p/type eq microsoft.graph.physicalAddressType'home')", /position 24 .*of enum type 'microsoft\.graph\.physicalAddressType'/],
    ['startswith(displayName)', /position 0 .*startswith\(\) takes 2 arguments, found 1/],
    ["startswith(createdDateTime, '2020')", /position 11 .*startswith\(\) expects a string argument/],
    ['length(displayName) eq 5', /position 0 .*the function 'length' is not supported/],
    ['frobnicate(displayName)', /position 0 .*unknown function 'frobnicate'/],
    ['addresses/all()', /position 10 .*all\(\) needs a lambda expression/],
    ['displayName/any(a: a eq 1)', /position 12 .*any\(\) can only be applied to a collection/],
    ['emailAddress gt null', /position 13 .*null cannot be used with 'gt'/],
    ["emailAddress eq displayName eq 'x'", /position 0 .*a Boolean expression cannot be compared/],
    ["address/city eq 'x'", /could not find a property named 'address' on type 'microsoft\.graph\.bookingCustomer'/],
    ['displayName add 1 eq 2', /the operator 'add' is not supported/],
    ['', /^Syntax error at position 0 in '\$filter': the expression is empty\.$/],
    ["displayName eq 'a' or phones/any(p: p/number eq 1)", /position 48 .*the literal 1 is not a valid value of type 'Edm\.String'/],
  ];
  for (const [expression, message] of ERRORS) {
    it(JSON.stringify(expression), async () => {
      const res = await filter(expression);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json.error.code, 'BadRequest');
      assert.match(res.json.error.message, message);
      assert.ok(res.json.error.innerError['request-id'], `the error has a request-id: ${res.text}`);
    });
  }

  it('user text never reaches SQL: injection attempts are just strings', async () => {
    for (const expr of ["displayName eq 'x'' or 1=1 --'", "displayName eq 'x''); drop table booking_customers; --'", "contains(displayName, '%')", "startswith(displayName, '_')"]) {
      assert.deepEqual(await numbers(expr), [], expr);
    }
    assert.equal((await server.request('GET', `${CUSTOMERS_PATH}/$count`)).text, '20');
  });
});

describe('$filter on partner Customers (numbers, Booleans, nullable DateTimeOffsets)', () => {
  const PARTNERS = [
    { displayName: 'Contoso', domain: 'contoso.com', contractType: 1, isOnBoardedToMTM: true, onboardingStatus: 2, isDeleted: false },
    { displayName: 'Fabrikam', domain: 'fabrikam.com', contractType: 2, isOnBoardedToMTM: false, onboardingStatus: 0, isDeleted: false },
    { displayName: 'Northwind', domain: 'northwind.com', isDeleted: true, deletedDateTime: '2021-03-04T05:06:07Z' },
    { displayName: 'Tailspin', domain: 'tailspin.com', contractType: 3, isOnBoardedToMTM: true, onboardingStatus: 1, isDeleted: false },
    { displayName: 'Wingtip', domain: 'wingtiptoys.com', contractType: -1, deletedDateTime: '2022-01-01T00:00:00+02:00' },
  ];
  before(async () => {
    for (const p of PARTNERS) {
      const res = await server.request('POST', '/beta/Customers', { body: { partnerId: 'p1', azureTenantId: `t-${p.displayName}`, ...p } });
      assert.equal(res.status, 201, res.text);
    }
  });
  const names = async (query: string) => {
    const res = await server.request('GET', `/beta/Customers?${query}`);
    assert.equal(res.status, 200, `${query}: ${res.text}`);
    return res.json.value.map((c: { displayName: string }) => c.displayName);
  };
  const CASES: Array<[string, string[]]> = [
    ['contractType eq 1', ['Contoso']],
    ['contractType gt 1', ['Fabrikam', 'Tailspin']],
    ['contractType ge 1.5', ['Fabrikam', 'Tailspin']],
    ['contractType lt 0', ['Wingtip']],
    ['contractType eq null', ['Northwind']],
    ['contractType ne 1', ['Fabrikam', 'Northwind', 'Tailspin', 'Wingtip']],
    ['contractType in (1, 3)', ['Contoso', 'Tailspin']],
    ['contractType in (1.5, 3, 3000000000)', ['Tailspin']],
    ['contractType lt 3000000000 and contractType gt -9007199254740991', ['Contoso', 'Fabrikam', 'Tailspin', 'Wingtip']],
    ['contractType lt 2.5e0', ['Contoso', 'Fabrikam', 'Wingtip']],
    ['onboardingStatus le contractType', ['Fabrikam', 'Tailspin']],
    ['isOnBoardedToMTM', ['Contoso', 'Tailspin']],
    ['isOnBoardedToMTM eq false', ['Fabrikam']],
    ['not isOnBoardedToMTM', ['Fabrikam', 'Northwind', 'Wingtip']],
    ['isDeleted ne true', ['Contoso', 'Fabrikam', 'Tailspin', 'Wingtip']],
    ['isDeleted eq isOnBoardedToMTM', ['Fabrikam', 'Wingtip']],
    ['deletedDateTime gt 2021-12-31T21:00:00Z', ['Wingtip']],
    ['deletedDateTime eq 2021-12-31T22:00:00Z', ['Wingtip']],
    ['deletedDateTime lt 2021-12-31T22:00:00.0000001Z and deletedDateTime ne 2021-12-31T22:00:00Z', ['Northwind']],
    ["endswith(domain, '.com') and contractType ge 2", ['Fabrikam', 'Tailspin']],
  ];
  for (const [expr, expected] of CASES) {
    it(expr, async () => assert.deepEqual((await names(`$filter=${encodeURIComponent(expr)}&$orderby=displayName`)).sort(), expected));
  }
  it('orders by a number (NULLs last descending) and searches domain and displayName', async () => {
    assert.deepEqual(await names('$orderby=contractType desc'), ['Tailspin', 'Fabrikam', 'Contoso', 'Wingtip', 'Northwind']);
    assert.deepEqual(await names('$orderby=contractType'), ['Northwind', 'Wingtip', 'Contoso', 'Fabrikam', 'Tailspin']);
    assert.deepEqual(await names(`$search=${encodeURIComponent('"toys"')}`), ['Wingtip']);
  });
  it('one shape with numbers of each kind (int, beyond 32 bits, fraction) binds each as its own', async () => {
    // PostgreSQL types these parameters differently (dialect.number), so each is its own compiled shape.
    for (const [n, expected] of [
      ['1', ['Fabrikam', 'Tailspin']],
      ['1.5', ['Fabrikam', 'Tailspin']],
      ['3000000000', []],
      ['-2', ['Contoso', 'Fabrikam', 'Tailspin', 'Wingtip']],
      ['2', ['Tailspin']],
    ] as const) {
      assert.deepEqual((await names(`$filter=${encodeURIComponent(`contractType gt ${n}`)}`)).sort(), expected, `contractType gt ${n}`);
    }
  });
  it('a string literal for a number is 400', async () => {
    const res = await server.request('GET', `/beta/Customers?$filter=${encodeURIComponent("contractType eq '1'")}`);
    assert.equal(res.status, 400);
    assert.match(res.json.error.message, /position 16 .*'Edm\.Int32'/);
  });
});

describe('$filter on customerCreationOperations (an enum)', () => {
  before(async () => {
    for (const status of [undefined, 'running', 'succeeded', 'failed']) {
      const res = await server.request('POST', '/beta/customerCreationOperations', { body: status ? { status } : {} });
      assert.equal(res.status, 201, res.text);
    }
  });
  const statuses = async (expr: string) => {
    const res = await server.request('GET', `/beta/customerCreationOperations?$filter=${encodeURIComponent(expr)}`);
    assert.equal(res.status, 200, `${expr}: ${res.text}`);
    return res.json.value.map((o: { status: string }) => o.status).sort();
  };
  it('compares enum members given as strings or qualified literals', async () => {
    assert.deepEqual(await statuses("status eq 'running'"), ['running']);
    assert.deepEqual(await statuses("status eq 'Running'"), ['running']);
    assert.deepEqual(await statuses("status in ('succeeded', 'failed')"), ['failed', 'succeeded']);
    assert.deepEqual(await statuses("status ne 'notStarted'"), ['failed', 'running', 'succeeded']);
    assert.deepEqual(await statuses("status eq microsoft.graph.longRunningOperationStatus'failed'"), ['failed']);
    assert.deepEqual(await statuses('createdDateTime ge 2000-01-01T00:00:00Z'), ['failed', 'notStarted', 'running', 'succeeded']);
  });
  it('refuses an unknown member, ordering comparisons and $orderby on an enum', async () => {
    const bad = await server.request('GET', `/beta/customerCreationOperations?$filter=${encodeURIComponent("status eq 'paused'")}`);
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /position 10 .*'paused' is not a member of 'microsoft\.graph\.longRunningOperationStatus'/);
    const order = await server.request('GET', '/beta/customerCreationOperations?$orderby=status');
    assert.equal(order.status, 400);
    assert.match(order.json.error.message, /enumeration property 'status'/);
  });
});

describe('compiled filters are kept', () => {
  it('the same $filter text compiles once per type and options; a refused one is refused every time', async () => {
    const { createFilterCompiler } = await import('../src/odata/filter/index.js');
    const { loadModel } = await import('../src/model/index.js');
    const { StorageSchema } = await import('../src/store/schema.js');
    const model = loadModel();
    const schema = new StorageSchema(model);
    const table = schema.tables.find((t) => t.name === 'booking_customers')!;
    const compile = createFilterCompiler({ engine: 'sqlite', encodeColumn: (_t, _c, v) => v });
    const text = "emailAddress eq 'a@example.com'";
    const first = compile(table.type, table, text);
    assert.equal(compile(table.type, table, text), first, 'asked again, the same compiled filter');
    assert.notEqual(compile(table.type, table, text, { unknownEnumMembers: true }), first, 'with the enum preference, its own');
    assert.notEqual(compile(table.type, table, "emailAddress eq 'b@example.com'"), first, 'another text, another filter');
    for (let i = 0; i < 2; i++) assert.throws(() => compile(table.type, table, 'nope eq 1'), /nope/, `a refused filter is refused again (${i})`);
  });
});
