// Several server processes on one store (the scale-out shape: stateless servers in front of PostgreSQL, or
// `--workers` on one machine, or two servers on one SQLite data directory) give one consistent view:
// concurrent writes through either, next links that work on either, counts that agree.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sharedStore, spawnServe, type ServeProcess, type SharedStore } from './helpers/process.js';
import type { Requester, TestResponse } from './helpers/server.js';

let a: ServeProcess;
let b: ServeProcess;
let store: SharedStore;
before(async () => {
  store = await sharedStore();
  // Both start at once on a fresh store, so their migrations race (and must queue on the schema lock).
  [a, b] = await Promise.all([spawnServe(store.args, store), spawnServe(store.args, store)]);
});
after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await store?.dispose();
});

const customers = (biz: string) => `/beta/solutions/bookingBusinesses/${encodeURIComponent(biz)}/customers`;

async function business(name: string): Promise<string> {
  const res = await a.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: name } });
  assert.equal(res.status, 201, res.text);
  return res.json.id;
}

/** Runs `task(i)` for 0..n-1, `width` at a time. */
async function concurrently<T>(n: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

const either = (i: number): Requester => (i % 2 ? b.request : a.request);

describe('two server processes on one store', () => {
  it('both serve the same data: what one creates, the other reads, lists and counts', async () => {
    const biz = await business('Shared View');
    const ids = await concurrently(40, 8, async (i) => {
      const res = await either(i)('POST', customers(biz), { body: { displayName: `Customer ${i}`, emailAddress: `c${i}@example.com` } });
      assert.equal(res.status, 201, res.text);
      return res.json.id as string;
    });
    assert.equal(new Set(ids).size, 40);
    await concurrently(40, 8, async (i) => {
      const res = await either(i + 1)('GET', `${customers(biz)}/${ids[i]}`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.displayName, `Customer ${i}`);
    });
    for (const server of [a, b]) {
      assert.equal((await server.request('GET', `${customers(biz)}/$count`)).text, '40');
      const list = await server.request('GET', `${customers(biz)}?$top=999&$select=id`);
      assert.deepEqual(new Set(list.json.value.map((c: { id: string }) => c.id)), new Set(ids));
    }
  });

  it('one client-chosen id created through both at once: one 201, the other 409', async () => {
    const biz = await business('Same Id');
    for (let round = 0; round < 5; round++) {
      const id = `00000000-0000-4000-8000-00000000000${round}`;
      const [x, y] = await Promise.all([a, b].map((s) => s.request('POST', customers(biz), { body: { id, displayName: 'Twin' } })));
      assert.deepEqual([x!.status, y!.status].sort(), [201, 409], `${x!.text} ${y!.text}`);
    }
  });

  it('businesses named alike at once through both get distinct derived ids', async () => {
    const res = await concurrently(8, 8, (i) => either(i)('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: 'Race Cafe' } }));
    assert.deepEqual(res.map((r) => r.status), Array(8).fill(201), res.map((r) => r.text).join('\n'));
    const ids = res.map((r) => r.json.id as string);
    assert.equal(new Set(ids).size, 8);
    for (const id of ids) assert.match(id, /^RaceCafe\d*@/);
  });

  it('paging alternately on both while both keep writing: every row that stays is seen once, in order', async () => {
    const biz = await business('Paging Under Load');
    // Emails repeat and every fourth is missing, so the order has ties and NULLs (last, descending).
    const seeded = await concurrently(60, 8, async (i) => {
      const body = { displayName: `Seed ${i}`, emailAddress: i % 4 === 0 ? null : `s${i % 9}@example.com` };
      const res = await either(i)('POST', customers(biz), { body });
      assert.equal(res.status, 201, res.text);
      return res.json.id as string;
    });
    const seen: Array<{ id: string; emailAddress: string | null }> = [];
    let path: string | undefined = `${customers(biz)}?$orderby=emailAddress desc&$select=id,emailAddress`;
    let page = 0;
    let added = 0;
    while (path) {
      const server = page % 2 ? b : a;
      const other = page % 2 ? a : b;
      // Writes between pages, through the other process: new rows, and changes to columns the order does not use.
      const [res]: TestResponse[] = await Promise.all([
        server.request('GET', path, { headers: { prefer: 'odata.maxpagesize=7' } }),
        other.request('POST', customers(biz), { body: { displayName: `Late ${page}`, emailAddress: `late${page}@example.com` } }),
        other.request('PATCH', `${customers(biz)}/${seeded[page % seeded.length]}`, { body: { displayName: `Touched ${page}` } }),
      ]);
      added++;
      assert.equal(res!.status, 200, res!.text);
      assert.ok(res!.json.value.length <= 7, `at most the 7 customers added so far are listed: ${res!.json.value.length}`);
      seen.push(...res!.json.value);
      const next: string | undefined = res!.json['@odata.nextLink'];
      // The next link names the process that issued it; follow it on the other one.
      path = next && next.slice(server.origin.length);
      if (next) assert.ok(next.startsWith(server.origin), next);
      page++;
      assert.ok(page < 50, 'paging terminates');
    }
    const ids = seen.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, 'no row twice');
    for (const id of seeded) assert.ok(ids.includes(id), `seeded ${id} seen`);
    // Descending, NULLs last: each email is <= the one before, and no email follows a NULL.
    for (let i = 1; i < seen.length; i++) {
      const [prev, cur] = [seen[i - 1]!.emailAddress, seen[i]!.emailAddress];
      if (prev === null) assert.equal(cur, null, `an email after a NULL at ${i}`);
      else if (cur !== null) assert.ok(cur <= prev, `${cur} after ${prev}`);
    }
    const counts = await Promise.all([a, b].map(async (s) => Number((await s.request('GET', `${customers(biz)}/$count`)).text)));
    assert.deepEqual(counts, [60 + added, 60 + added]);
  });
});
