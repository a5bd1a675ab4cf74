// Creates that arrive together (the embedded engine commits them as one group, see SqlStore.insertNow): each
// is stored with its change-log entry, a refused one fails alone, each answer comes only after its commit,
// and they wait for a transaction that holds the database. The same must hold on PostgreSQL, which groups a
// tenant's creates into one statement (SqlStore.insertGrouped; more in test/postgres/group-commit.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadModel } from '../src/model/index.js';
import type { SqlStore } from '../src/store/sql-store.js';
import { DuplicateKeyError } from '../src/store/store.js';
import { openTestStore } from './helpers/store.js';

const model = loadModel();
let store: SqlStore;
before(async () => {
  store = await openTestStore(model);
});
after(() => store.close());

const customers = () => store.schema.table(model.entityType('microsoft.graph.bookingCustomer'));
const businesses = () => store.schema.table(model.entityType('microsoft.graph.bookingBusiness'));
const T = 'tenant-group-commit';

describe('creates arriving together', () => {
  it('are all stored and logged; a duplicate key among them fails alone', async () => {
    const scope = { tenantId: T, parentKey: 'together' };
    const keys = ['a', 'b', 'c', 'b', 'd', 'e', 'a', 'f'];
    const results = await Promise.allSettled(keys.map((k, i) => store.insert(customers(), scope, k, { id: k, displayName: `n${i}` })));
    const refused = results.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    // One insert of each repeated key is refused (on PostgreSQL, whichever came second; here, in order).
    assert.deepEqual(refused.map((i) => keys[i]).sort(), ['a', 'b'], `one insert of each repeated key is refused: ${refused}`);
    if (store.engine === 'sqlite') assert.deepEqual(refused, [3, 6], 'in one group, the later insert of a key is the refused one');
    for (const i of refused) {
      const reason = (results[i] as PromiseRejectedResult).reason;
      assert.ok(reason instanceof DuplicateKeyError, `insert ${i} is refused as a duplicate key: ${reason}`);
    }
    const accepted = new Map(results.flatMap((r, i) => (r.status === 'fulfilled' ? [[keys[i]!, `n${i}`] as const] : [])));
    const stored = await store.list(customers(), scope, { orderBy: [], limit: 100 });
    assert.deepEqual(
      stored.map((e) => [e.idKey, e.values.displayName]),
      [...accepted].sort(),
      'every accepted row is stored as it was given, and no refused one',
    );
    for (const [i, r] of results.entries()) {
      if (r.status !== 'fulfilled') continue;
      // A read also brings the row's wire-cache texts (none yet), which an insert does not answer.
      const { wire, ...again } = (await store.get(customers(), scope, keys[i]!))!;
      assert.deepEqual(wire, customers().wire.map(() => null), `insert ${i}: no wire text cached yet`);
      assert.deepEqual(again, r.value, `insert ${i} answered what is stored`);
    }
    const log = await store.changes.read({ tenantId: T, tableName: customers().name, parentKey: 'together' }, 0, 1000);
    assert.deepEqual(
      log.map((c) => [c.kind, c.idKey]).sort(),
      ['a', 'b', 'c', 'd', 'e', 'f'].map((k) => ['created', k]),
      'one change-log entry per stored row, none for the refused ones',
    );
  });

  it('are announced to change listeners only once committed', async () => {
    const scope = { tenantId: `${T}-listen`, parentKey: 'p' };
    const seen: number[] = [];
    const off = store.onChange(async (tenantId) => {
      if (tenantId !== scope.tenantId) return;
      // What a listener is told about is already readable, by anyone.
      seen.push((await store.list(customers(), scope, { orderBy: [], limit: 100 })).length);
    });
    try {
      await Promise.all(['x', 'y', 'z'].map((k) => store.insert(customers(), scope, k, { id: k })));
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(seen.length >= 1, `the listener heard of the creates (${seen.length} times)`);
      assert.ok(seen.every((n) => n >= 1), `every announcement came after a commit: rows seen ${seen.join(',')}`);
    } finally {
      off();
    }
  });

  it('wait for a transaction that holds the database, and do not join it', async () => {
    const scope = { tenantId: `${T}-tx`, parentKey: 'biz' };
    const outside: Array<Promise<unknown>> = [];
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.insert(businesses(), { tenantId: scope.tenantId, parentKey: '' }, 'biz', { id: 'biz' });
        // Creates outside the transaction while it is open: they must not be rolled back with it.
        outside.push(store.insert(customers(), scope, 'kept1', { id: 'kept1' }), store.insert(customers(), scope, 'kept2', { id: 'kept2' }));
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('roll back');
      }),
      /roll back/,
      'the transaction fails as its function did',
    );
    await Promise.all(outside);
    assert.equal(await store.get(businesses(), { tenantId: scope.tenantId, parentKey: '' }, 'biz'), undefined, 'the rolled-back insert is gone');
    const kept = await store.list(customers(), scope, { orderBy: [], limit: 10 });
    assert.deepEqual(kept.map((e) => e.idKey), ['kept1', 'kept2'], 'the creates made outside the transaction are stored');
  });
});
