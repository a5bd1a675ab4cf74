// Keyset paging through the real server: 1000 rows paged under concurrent inserts lose or repeat nothing,
// in every order; next links carry an opaque, signed $skiptoken that is refused when altered or reused for
// another query.
// test-duration: long (test/run.ts starts it first)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestResponse, type TestServer } from './helpers/server.js';

let server: TestServer;
const BIZ = 'paging@contoso.com';
const base = `/beta/solutions/bookingBusinesses/${encodeURIComponent(BIZ)}/customers`;

interface Row {
  id: string;
  displayName: string;
  emailAddress: string | null;
  createdDateTime: string;
}
const originals: Row[] = [];
let serial = 0;

/** Names repeat (40 distinct), emails are sometimes null: ties and NULLs must page correctly. */
function newCustomer() {
  const i = serial++;
  return {
    displayName: `Customer ${String((i * 7) % 40).padStart(2, '0')}`,
    emailAddress: i % 7 === 0 ? null : `c${(i * 7919) % 1000}.${i}@example.com`,
  };
}

async function insert(n: number): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < n; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, n - i) }, () => server.request('POST', base, { body: newCustomer() })),
    );
    for (const res of batch) {
      assert.equal(res.status, 201, res.text);
      out.push(res.json);
    }
  }
  return out;
}

before(async () => {
  server = await startServer();
  assert.equal((await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: BIZ, displayName: 'Paging' } })).status, 201);
  originals.push(...(await insert(1000)));
});
after(() => server.close());

const pathOf = (link: string) => link.replace(server.origin, '');

/**
 * Pages through `query`, inserting `insertsPerPage` new customers concurrently with every page request.
 * Returns the rows in the order received.
 */
async function pageWithInserts(query: string, insertsPerPage: number): Promise<{ rows: Row[]; pages: number }> {
  const rows: Row[] = [];
  let url: string | undefined = `${base}?${query}`;
  let pages = 0;
  while (url) {
    const [res]: [TestResponse, Row[]] = await Promise.all([server.request('GET', url), insert(insertsPerPage)]);
    assert.equal(res.status, 200, res.text);
    rows.push(...res.json.value);
    pages++;
    url = res.json['@odata.nextLink'] ? pathOf(res.json['@odata.nextLink']) : undefined;
  }
  return { rows, pages };
}

type Key = (r: Row) => string | null;
/**
 * The server's order: byte order, NULLs first ascending and last descending, ties broken by id in the
 * direction of the last key.
 */
function comparator(keys: Array<[Key, boolean]>) {
  const tieBreak: [Key, boolean] = [(r: Row) => r.id, keys.length ? keys[keys.length - 1]![1] : false];
  return (a: Row, b: Row) => {
    for (const [key, desc] of [...keys, tieBreak]) {
      const x = key(a);
      const y = key(b);
      if (x === y) continue;
      const c = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return desc ? -c : c;
    }
    return 0;
  };
}

function checkPaging(rows: Row[], expectedOriginals: Row[], order: (a: Row, b: Row) => number) {
  const ids = rows.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'no row appears twice');
  const seen = new Set(ids);
  const missing = expectedOriginals.filter((r) => !seen.has(r.id));
  assert.deepEqual(missing.map((r) => r.displayName), [], 'every row that existed before paging began is returned');
  for (let i = 1; i < rows.length; i++) assert.ok(order(rows[i - 1]!, rows[i]!) < 0, `rows ${i - 1} and ${i} are in order`);
}

describe('keyset paging under concurrent inserts', () => {
  const ORDERS: Array<{ query: string; keys: Array<[Key, boolean]>; where?: (r: Row) => boolean }> = [
    { query: '$top=37', keys: [] },
    { query: '$top=37&$orderby=displayName desc', keys: [[(r) => r.displayName, true]] },
    {
      query: '$top=37&$orderby=emailAddress,displayName desc',
      keys: [
        [(r) => r.emailAddress, false],
        [(r) => r.displayName, true],
      ],
    },
    { query: '$top=37&$orderby=emailAddress desc', keys: [[(r) => r.emailAddress, true]] },
    {
      query: `$top=37&$orderby=createdDateTime desc&$filter=${encodeURIComponent("startswith(displayName, 'Customer 1') or emailAddress eq null")}`,
      // Wire timestamps are trimmed (".7Z"), so compare them as instants.
      keys: [[(r) => new Date(r.createdDateTime).toISOString(), true]],
      where: (r) => r.displayName.startsWith('Customer 1') || r.emailAddress === null,
    },
  ];
  for (const { query, keys, where } of ORDERS) {
    it(decodeURIComponent(query), async () => {
      const before = where ? originals.filter(where) : originals;
      const { rows, pages } = await pageWithInserts(query, 3);
      checkPaging(rows, before, comparator(keys));
      assert.ok(pages >= Math.ceil(before.length / 37), `${pages} pages`);
      if (where) assert.ok(rows.every(where), 'the filter holds on every page');
    });
  }

  it('the default page size is Graph-like (100) and next links need no $top', async () => {
    const res = await server.request('GET', base);
    assert.equal(res.json.value.length, 100);
    const next = new URL(res.json['@odata.nextLink']);
    assert.deepEqual([...next.searchParams.keys()], ['$skiptoken']);
    assert.match(next.searchParams.get('$skiptoken')!, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });
});

describe('$skiptoken', () => {
  async function firstNextLink(query: string): Promise<URL> {
    const res = await server.request('GET', `${base}?${query}`);
    return new URL(res.json['@odata.nextLink']);
  }
  const refused = async (path: string) => {
    const res = await server.request('GET', path);
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.error.code, 'BadRequest');
    assert.match(res.json.error.message, /\$skiptoken/);
  };

  it('is opaque: it does not show the position in clear text', async () => {
    const next = await firstNextLink('$top=5&$orderby=displayName');
    const token = next.searchParams.get('$skiptoken')!;
    assert.doesNotMatch(token, /Customer/);
  });
  it('a tampered token is 400', async () => {
    const next = await firstNextLink('$top=5&$orderby=displayName');
    const token = next.searchParams.get('$skiptoken')!;
    const [payload, mac] = token.split('.') as [string, string];
    // Re-encode the payload with another position: the signature no longer matches.
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString());
    decoded.a[0] = 'Customer 39';
    const forged = `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${mac}`;
    for (const bad of [forged, `${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, 'garbage', '', `${payload}`]) {
      next.searchParams.set('$skiptoken', bad);
      await refused(pathOf(next.toString()));
    }
  });
  it('a token reused with another $orderby, $filter or $search is 400', async () => {
    const next = await firstNextLink('$top=5&$orderby=displayName');
    const token = encodeURIComponent(next.searchParams.get('$skiptoken')!);
    await refused(`${base}?$top=5&$orderby=displayName desc&$skiptoken=${token}`);
    await refused(`${base}?$top=5&$orderby=emailAddress&$skiptoken=${token}`);
    await refused(`${base}?$top=5&$skiptoken=${token}`);
    await refused(`${base}?$top=5&$orderby=displayName&$filter=${encodeURIComponent('emailAddress eq null')}&$skiptoken=${token}`);
    await refused(`${base}?$top=5&$orderby=displayName&$search=${encodeURIComponent('"x"')}&$skiptoken=${token}`);
    // ...but the same query with another page size is fine.
    const ok = await server.request('GET', `${base}?$top=9&$orderby=displayName&$skiptoken=${token}`);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.value.length, 9);
  });
  it('a token from another collection is 400', async () => {
    const next = await firstNextLink('$top=5');
    const token = encodeURIComponent(next.searchParams.get('$skiptoken')!);
    await refused(`/beta/solutions/bookingBusinesses?$top=5&$skiptoken=${token}`);
  });
});
