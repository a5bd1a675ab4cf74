// Versioned migrations, on both engines: each schema step the model derives is applied once and recorded in
// clientele_migrations; a restart applies nothing; a step the log lacks (a new property) runs at the next
// start; a database made from `clientele schema` is adopted. Shared settings survive restarts.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadModel } from '../src/model/index.js';
import { postgresSchemaDdl } from '../src/store/postgres.js';
import { StorageSchema } from '../src/store/schema.js';
import { sqliteSchemaDdl } from '../src/store/sqlite.js';
import { startServer } from './helpers/server.js';
import { testStore, type TestStore } from './helpers/store.js';

const schema = new StorageSchema(loadModel());
/** What the model asks for: its own settings table, then per table the table, each column, each wire-cache column, each index. */
const entitySteps = [
  'table clientele_settings',
  ...schema.tables.flatMap((t) => [
    `table ${t.name}`,
    ...t.columns.map((c) => `column ${t.name}.${c.name}`),
    ...t.wire.map((w) => `column ${t.name}.${w.column}`),
    ...t.indexes.map((ix) => `index ${ix.name}`),
  ]),
];
/** Plus the fixed tables of the change log and of notification delivery, one step per table or index. */
const FIXED_STEP = /^(table|index) (ix_)?(change_log|notification_)/;

function assertAllSteps(ids: string[]): void {
  assert.equal(new Set(ids).size, ids.length, 'each step once');
  assert.deepEqual(ids.filter((id) => !FIXED_STEP.test(id)).sort(), [...entitySteps].sort());
  for (const id of ['table change_log', 'index ix_change_log_collection', 'table notification_cursors']) assert.ok(ids.includes(id), id);
}
const BIZ = '/beta/solutions/bookingBusinesses/Migrate@contoso.com';

let store: TestStore;
beforeEach(() => {
  store = testStore();
});
afterEach(() => store.dispose());

const steps = () => store.query<{ id: string; applied_at: string }>('select id, applied_at from clientele_migrations order by id');

describe('migrations', () => {
  it('a fresh store records each schema step once; a restart applies none', async () => {
    const first = await startServer(store.config);
    await first.close();
    const applied = await steps();
    assertAllSteps(applied.map((s) => s.id));
    const second = await startServer(store.config);
    await second.close();
    assert.deepEqual(await steps(), applied);
  });

  it('a step missing from the log runs at the next start: how a new property reaches an existing database', async () => {
    const first = await startServer(store.config);
    await first.close();
    // As if `phones` had just been added to the model: the column and its record are not there yet.
    await store.exec(`alter table booking_customers drop column "phones"`);
    await store.exec(`delete from clientele_migrations where id = 'column booking_customers.phones'`);
    const server = await startServer(store.config);
    try {
      assert.equal((await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: 'Migrate@contoso.com', displayName: 'M' } })).status, 201);
      const created = await server.request('POST', `${BIZ}/customers`, { body: { displayName: 'P', phones: [{ number: '1', type: 'home' }] } });
      assert.equal(created.status, 201, created.text);
      const got = await server.request('GET', `${BIZ}/customers/${created.json.id}`);
      assert.equal(got.json.phones[0].number, '1');
    } finally {
      await server.close();
    }
    assert.ok((await steps()).some((s) => s.id === 'column booking_customers.phones'), 'the phones column migration is recorded');
  });

  it("a business stored before businessHours and schedulingPolicy existed is migrated: its data kept, Graph's defaults added", async () => {
    const first = await startServer(store.config);
    const id = 'Older@contoso.com';
    const created = await first.request('POST', '/beta/solutions/bookingBusinesses', {
      body: { id, displayName: 'Older', email: 'old@example.com', address: { city: 'Buffalo', type: 'business' } },
    });
    assert.equal(created.status, 201, 'business created');
    await first.close();
    // As the database was before this model: no such columns, no records of them.
    for (const column of ['businessHours', 'schedulingPolicy', 'bookingPageSettings']) {
      await store.exec(`alter table booking_businesses drop column "${column}"`);
      await store.exec(`delete from clientele_migrations where id = 'column booking_businesses.${column}'`);
    }
    const server = await startServer(store.config);
    try {
      const got = await server.request('GET', `/beta/solutions/bookingBusinesses/${id}`);
      assert.equal(got.status, 200, 'the business is still there');
      assert.equal(got.json.email, 'old@example.com', 'its data is kept');
      assert.equal(got.json.address.type, 'business', 'including what only beta shows');
      assert.equal(got.json.businessHours.length, 7, 'it has the default business hours now');
      assert.equal(got.json.schedulingPolicy.timeSlotInterval, 'PT30M', 'and the default scheduling policy');
      assert.equal(got.json.bookingPageSettings, null, 'no default page settings');
      const v1 = await server.request('GET', `/v1.0/solutions/bookingBusinesses/${id}`);
      assert.equal(v1.json.businessHours[1].timeSlots[0].startTime, '08:00:00.0000000', 'v1.0 reads the migrated hours');
    } finally {
      await server.close();
    }
  });

  it('a database created from `clientele schema` is adopted as it is', async () => {
    const ddl = (store.engine === 'postgres' ? postgresSchemaDdl : sqliteSchemaDdl)(loadModel());
    await store.exec(ddl.map((s) => `${s};`).join('\n'));
    const server = await startServer(store.config);
    try {
      assert.equal((await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: 'Adopted' } })).status, 201);
    } finally {
      await server.close();
    }
    assertAllSteps((await steps()).map((s) => s.id));
  });

  it('next links stay valid across a restart: the signing key lives in the store', async () => {
    const first = await startServer(store.config);
    let next: string;
    try {
      await first.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: 'One' } });
      await first.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: 'Two' } });
      const page = await first.request('GET', '/beta/solutions/bookingBusinesses?$top=1');
      next = page.json['@odata.nextLink'].slice(first.origin.length);
    } finally {
      await first.close();
    }
    const second = await startServer(store.config);
    try {
      const page = await second.request('GET', next);
      assert.equal(page.status, 200, page.text);
      assert.equal(page.json.value.length, 1);
    } finally {
      await second.close();
    }
  });
});
