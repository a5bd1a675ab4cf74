// The indexes the model declares serve the common queries: the plan of each query, compiled exactly as the
// server compiles it, uses an index (and a keyset page seeks in it rather than scanning from the start).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ListQuery } from '../src/store/store.js';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startServer();
  await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: 'ix@contoso.com', displayName: 'Indexes' } });
  for (let i = 0; i < 30; i++) {
    await server.request('POST', '/beta/solutions/bookingBusinesses/ix@contoso.com/customers', {
      body: { displayName: `Customer ${i}`, emailAddress: `c${i}@example.com` },
    });
  }
});
after(() => server.close());

/** The plan of the list query the server runs for `rawQuery` on the customers of one business. */
async function plan(rawQuery: string, position?: unknown[]): Promise<string> {
  const { model, schema, store, query } = server.clientele;
  const type = model.entityType('microsoft.graph.bookingCustomer');
  const table = schema.table(type);
  const opts = query.listOptions(type, table, rawQuery, {});
  const q: ListQuery = { where: opts.where, orderBy: opts.orderBy, limit: opts.pageSize + 1, after: position };
  const lines = await store.explain(table, { tenantId: 'any', parentKey: 'ix@contoso.com' }, q);
  return lines.join('\n');
}

const sqlite = () => server.clientele.store.engine === 'sqlite';

/** The plan searches `index` with these conditions (SQLite), or scans that index (PostgreSQL). */
function assertUses(p: string, index: string, sqliteCondition: RegExp) {
  if (sqlite()) {
    assert.match(p, new RegExp(`SEARCH booking_customers USING (COVERING )?INDEX ${index} `), p);
    assert.match(p, sqliteCondition, p);
    assert.doesNotMatch(p, /USE TEMP B-TREE/, `no sort needed:\n${p}`);
  } else {
    assert.match(p, new RegExp(`Index Scan( Backward)? using "?${index}"?`, 'i'), p);
    assert.doesNotMatch(p, /Sort/, `no sort needed:\n${p}`);
  }
}

describe('indexes', () => {
  it('the email lookup filter uses the emailAddress index', async () => {
    const p = await plan(`$filter=${encodeURIComponent("emailAddress eq 'c7@example.com'")}`);
    assertUses(p, 'ix_booking_customers_emailAddress', /\(tenant_id=\? AND parent_key=\? AND emailAddress=\?\)/);
  });
  it('the list ordered by displayName reads the displayName index, and its next page seeks in it', async () => {
    assertUses(await plan('$orderby=displayName'), 'ix_booking_customers_displayName', /\(tenant_id=\? AND parent_key=\?\)/);
    const page = await plan('$orderby=displayName', ['Customer 17', 'some-id']);
    assertUses(page, 'ix_booking_customers_displayName', /\(tenant_id=\? AND parent_key=\? AND displayName>\?\)/);
  });
  it('createdDateTime order uses its index, in both directions', async () => {
    assertUses(await plan('$orderby=createdDateTime desc'), 'ix_booking_customers_createdDateTime', /\(tenant_id=\? AND parent_key=\?\)/);
    assertUses(await plan('$orderby=createdDateTime'), 'ix_booking_customers_createdDateTime', /\(tenant_id=\? AND parent_key=\?\)/);
  });
  it('the default order (by key) pages through the primary key', async () => {
    const p = await plan('', ['some-id']);
    if (sqlite()) {
      assert.match(p, /SEARCH booking_customers USING INDEX sqlite_autoindex_booking_customers_1 \(tenant_id=\? AND parent_key=\? AND id_key>\?\)/, p);
    } else {
      assert.match(p, /Index Scan using "?pk_booking_customers"?/, p);
    }
  });
  it('a key lookup by filter (keys are case-insensitive) seeks the key in an index', async () => {
    const p = await plan(`$filter=${encodeURIComponent("id eq 'ABC'")}`);
    if (sqlite()) assert.match(p, /USING INDEX sqlite_autoindex_booking_customers_1 \(tenant_id=\? AND parent_key=\? AND id_key=\?\)/, p);
    else assert.match(p, /Index (Only )?Scan[^]*Index Cond: .*id_key = 'abc'/, p);
  });
});
