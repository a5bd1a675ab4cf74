// The store's change log and notification cursors, below HTTP: what is logged in the writer's transaction
// (and what is not, when the write fails), cascaded removals, pruning bounds, and the lease rules that let
// several processes share the delivery work.
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

const businesses = () => store.schema.table(model.entityType('microsoft.graph.bookingBusiness'));
const customers = () => store.schema.table(model.entityType('microsoft.graph.bookingCustomer'));
const T = 'tenant-a';

async function logOf(tableName: string, parentKey: string, after = 0) {
  return store.changes.read({ tenantId: T, tableName, parentKey }, after, 1000);
}

describe('change log', () => {
  it('logs inserts, updates and deletes with the wire id; failed writes log nothing', async () => {
    const scope = { tenantId: T, parentKey: 'biz1' };
    await store.insert(customers(), scope, 'abc', { id: 'ABC', displayName: 'x' });
    await assert.rejects(store.insert(customers(), scope, 'abc', { id: 'ABC', displayName: 'again' }), DuplicateKeyError);
    assert.ok(await store.update(customers(), scope, 'abc', { displayName: 'y' }), 'the update finds the row');
    assert.equal(await store.update(customers(), scope, 'abc', { displayName: 'z' }, 99), undefined, 'stale version');
    assert.equal(await store.update(customers(), scope, 'nobody', { displayName: 'z' }), undefined);
    assert.equal(await store.delete(customers(), scope, 'nobody'), false);
    assert.equal(await store.delete(customers(), scope, 'abc'), true);
    const log = await logOf(customers().name, 'biz1');
    assert.deepEqual(log.map((c) => [c.kind, c.idKey, c.id]), [
      ['created', 'abc', 'ABC'],
      ['updated', 'abc', 'ABC'],
      ['deleted', 'abc', 'ABC'],
    ]);
    assert.ok(log[0]!.seq < log[1]!.seq && log[1]!.seq < log[2]!.seq, `change sequence numbers ascend: ${log.map((e) => e.seq).join(', ')}`);
  });

  it('a deleted container logs the removal of everything it contained', async () => {
    await store.insert(businesses(), { tenantId: T, parentKey: '' }, 'b@x.com', { id: 'B@x.com', displayName: 'B' });
    for (const id of ['c1', 'c2']) await store.insert(customers(), { tenantId: T, parentKey: 'b@x.com' }, id, { id, displayName: id });
    const mark = await store.changes.head(T);
    assert.equal(await store.delete(businesses(), { tenantId: T, parentKey: '' }, 'b@x.com'), true);
    assert.deepEqual((await logOf(businesses().name, '', mark)).map((c) => [c.kind, c.id]), [['deleted', 'B@x.com']]);
    assert.deepEqual((await logOf(customers().name, 'b@x.com', mark)).map((c) => [c.kind, c.id]).sort(), [
      ['deleted', 'c1'],
      ['deleted', 'c2'],
    ]);
  });

  it('tells listeners about committed changes, per tenant', async () => {
    const heard: string[] = [];
    const off = store.onChange((t) => heard.push(t));
    await store.insert(customers(), { tenantId: 'tenant-b', parentKey: 'p' }, 'k', { id: 'k', displayName: 'k' });
    await assert.rejects(store.insert(customers(), { tenantId: 'tenant-b', parentKey: 'p' }, 'k', { id: 'k', displayName: 'k' }));
    off();
    await store.insert(customers(), { tenantId: 'tenant-b', parentKey: 'p' }, 'k2', { id: 'k2', displayName: 'k' });
    assert.deepEqual(heard, ['tenant-b']);
    assert.ok((await store.changes.head('tenant-b')) > 0, 'tenant-b has a change-log head');
  });

  it('pruning stops at the lowest notification cursor and moves the horizon', async () => {
    const s = await openTestStore(model);
    try {
      const scope = { tenantId: T, parentKey: 'p' };
      for (const id of ['a', 'b', 'c']) await s.insert(customers(), scope, id, { id, displayName: id });
      const [first] = await s.changes.read({ tenantId: T, tableName: customers().name, parentKey: 'p' }, 0, 10);
      await s.deliveries.create({
        tenantId: T,
        subscriptionKey: 'sub',
        tableName: customers().name,
        parentKey: 'p',
        resourcePath: 'x',
        cursorSeq: first!.seq,
        expiresAt: Date.now() + 60_000,
      });
      assert.equal(await s.changes.prune(Date.now() + 1000), 1);
      assert.equal(await s.changes.horizon(), first!.seq);
      await s.deliveries.remove(T, 'sub');
      assert.equal(await s.changes.prune(Date.now() + 1000), 2);
      // Nothing left for the tenant: it stands at the horizon, never before it.
      assert.equal(await s.changes.head(T), await s.changes.horizon());
      assert.equal(await s.changes.prune(Date.now() + 1000), 0);
    } finally {
      await s.close();
    }
  });
});

describe('notification cursors', () => {
  it('one owner at a time holds a cursor; a stale owner cannot move it', async () => {
    const cursor = { tenantId: T, subscriptionKey: 's1', tableName: 't', parentKey: 'p', resourcePath: 'r', cursorSeq: 5, expiresAt: Date.now() + 60_000 };
    await store.deliveries.create(cursor);
    const now = Date.now();
    assert.equal(await store.deliveries.claim(T, 's1', 'A', now, 1000), true);
    assert.equal(await store.deliveries.claim(T, 's1', 'B', now + 10, 1000), false, 'leased to A');
    // A's lease runs out (A is slow or gone): B takes over, and A can no longer write.
    assert.equal(await store.deliveries.claim(T, 's1', 'B', now + 2000, 1000), true);
    assert.equal(await store.deliveries.advance(T, 's1', 'A', 9, 1), false);
    assert.equal(await store.deliveries.retryLater(T, 's1', 'A', { attempts: 1, firstFailureAt: now, nextAttemptAt: now, error: 'x' }), false);
    assert.equal((await store.deliveries.get(T, 's1'))!.cursorSeq, 5);
    assert.equal(await store.deliveries.advance(T, 's1', 'B', 7, 2), true);
    const moved = (await store.deliveries.get(T, 's1'))!;
    assert.equal(moved.cursorSeq, 7);
    assert.equal(moved.delivered, 2);
    // Advancing released the lease.
    assert.equal(await store.deliveries.claim(T, 's1', 'A', now + 2001, 1000), true);
    await store.deliveries.release('A');
    assert.equal(await store.deliveries.claim(T, 's1', 'C', now + 2002, 1000), true);
  });

  it('giving up records the dropped batch and moves past it, only for the lease owner', async () => {
    const now = Date.now();
    await store.deliveries.create({ tenantId: T, subscriptionKey: 's2', tableName: 't', parentKey: 'p', resourcePath: 'r', cursorSeq: 1, expiresAt: now + 60_000 });
    const failure = { tenantId: T, subscriptionKey: 's2', fromSeq: 2, toSeq: 4, notifications: 3, attempts: 5, lastError: 'HTTP 500', at: now };
    assert.equal(await store.deliveries.giveUp(failure, 'A'), false, 'not claimed');
    assert.deepEqual(await store.deliveries.failures(T, 's2'), []);
    assert.equal(await store.deliveries.claim(T, 's2', 'A', now, 1000), true);
    assert.equal(await store.deliveries.giveUp(failure, 'A'), true);
    assert.deepEqual(await store.deliveries.failures(T, 's2'), [failure]);
    assert.equal((await store.deliveries.get(T, 's2'))!.cursorSeq, 4);
  });
});
