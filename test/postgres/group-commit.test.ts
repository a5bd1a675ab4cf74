// PostgreSQL's group commit (SqlStore.insertGrouped): creates of one tenant that arrive together share one
// statement. A row the database refuses for its value fails alone; an engine that cannot run the statement
// (SQLSTATE 0A000, as Citus answers for a distributed and a local table written at once) falls back to the
// transaction path with nothing lost. test/group-commit.test.ts covers duplicates and listeners on both engines.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadModel } from '../../src/model/index.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { freshSchema, pgQuery, testPgUrl } from '../helpers/postgres.js';

const model = loadModel();
const url = testPgUrl();
const schema = freshSchema(url);
let store: SqlStore;
before(async () => {
  store = openPostgresStore(model, { url, schema: schema.name });
  await store.init();
});
after(async () => {
  await store.close();
  await schema.drop();
});

const customers = () => store.schema.table(model.entityType('microsoft.graph.bookingCustomer'));
const logOf = (tenantId: string, parentKey: string) => store.changes.read({ tenantId, tableName: customers().name, parentKey }, 0, 1000);

describe('group commit on PostgreSQL', () => {
  it('a row the database refuses fails alone; the rest of its group is stored and logged', async () => {
    const scope = { tenantId: 'tenant-refused', parentKey: 'biz' };
    const names = ['one', 'two', 'bad\u0000name', 'four'];
    const results = await Promise.allSettled(names.map((n, i) => store.insert(customers(), scope, `k${i}`, { id: `k${i}`, displayName: n })));
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
      'only the create PostgreSQL refuses (a NUL in text) fails',
    );
    const stored = await store.list(customers(), scope, { orderBy: [], limit: 10 });
    assert.deepEqual(stored.map((e) => e.idKey), ['k0', 'k1', 'k3'], 'the other creates of the group are stored');
    assert.deepEqual((await logOf(scope.tenantId, scope.parentKey)).map((c) => c.idKey).sort(), ['k0', 'k1', 'k3'], 'and logged, once each');
  });

  it('falls back to the transaction path when the engine refuses the one-statement create (0A000)', async () => {
    // Refuse any statement that writes the change log as part of a create statement, as Citus may.
    await pgQuery(
      url,
      `create function "${schema.name}".refuse_grouped() returns trigger language plpgsql as $$
         begin
           if current_query() like 'with lk as%' then raise exception 'not supported here' using errcode = '0A000'; end if;
           return new;
         end $$;
       create trigger refuse_grouped before insert on "${schema.name}".change_log for each row execute function "${schema.name}".refuse_grouped()`,
    );
    try {
      const scope = { tenantId: 'tenant-fallback', parentKey: 'biz' };
      const keys = ['a', 'b', 'c'];
      const created = await Promise.all(keys.map((k) => store.insert(customers(), scope, k, { id: k, displayName: k.toUpperCase() })));
      assert.deepEqual(created.map((e) => e.values.displayName), ['A', 'B', 'C'], 'every create succeeds through the fallback');
      const later = await store.insert(customers(), scope, 'd', { id: 'd' });
      assert.equal(later.idKey, 'd', 'later creates take the transaction path at once');
      const stored = await store.list(customers(), scope, { orderBy: [], limit: 10 });
      assert.deepEqual(stored.map((e) => e.idKey), ['a', 'b', 'c', 'd'], 'each row is stored once');
      assert.deepEqual((await logOf(scope.tenantId, scope.parentKey)).map((c) => c.idKey).sort(), ['a', 'b', 'c', 'd'], 'and logged once');
    } finally {
      await pgQuery(url, `drop trigger refuse_grouped on "${schema.name}".change_log`);
    }
  });
});
