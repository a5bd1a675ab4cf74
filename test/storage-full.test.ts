// A full store (disk or database size limit) answers 507 Insufficient Storage with a clear message and logs
// it, never 500; reads keep working, nothing half-written is left, and writes resume once there is room.
// On SQLite the database is really filled (max_page_count); on PostgreSQL, whose disk cannot be filled from
// here, the store's writes fail as PostgreSQL's do on a full disk (SQLSTATE 53100).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../src/store/store.js';
import { startServer, testEngine, type TestServer } from './helpers/server.js';

const logLines: Array<{ level: number; msg: string; err?: { code?: string } }> = [];
const logStream = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
    done();
  },
});

let server: TestServer;
const business = 'full@contoso.com';
const customers = `/beta/solutions/bookingBusinesses/${encodeURIComponent(business)}/customers`;
before(async () => {
  // metrics off: the store the server uses is the engine's own, so the test can fill it.
  server = await startServer({ metrics: false, logger: { level: 'error', stream: logStream } });
  const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: business, displayName: 'Full' } });
  assert.equal(res.status, 201, res.text);
});
after(() => server.close());

/** Makes the store full; returns how to make room again. */
async function fillTheStore(store: Store): Promise<() => Promise<void>> {
  if (testEngine() === 'sqlite') {
    // SQLite's own limit on the database size: the next page it needs is refused with SQLITE_FULL.
    const db = (store as unknown as { db: Kysely<any> }).db;
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]!.page_count;
    await sql.raw(`pragma max_page_count = ${pages}`).execute(db);
    return async () => {
      await sql.raw('pragma max_page_count = 1073741823').execute(db);
    };
  }
  const writes = ['insert', 'update', 'delete', 'transaction'] as const;
  const saved = writes.map((m) => [m, store[m]] as const);
  for (const m of writes) {
    (store as any)[m] = async () => {
      throw Object.assign(new Error('could not extend file "base/16384/16385": No space left on device'), { code: '53100', severity: 'ERROR' });
    };
  }
  return async () => {
    for (const [m, f] of saved) (store as any)[m] = f;
  };
}

describe('a full store', () => {
  it('answers 507 with a clear message and a log line, keeps serving reads, and takes writes again once there is room', async () => {
    const before = await server.request('GET', `${customers}/$count`);
    assert.equal(before.status, 200, before.text);
    const makeRoom = await fillTheStore(server.clientele.store);
    try {
      let refused;
      // Pages left over may take a few small rows; a large one needs new pages.
      for (let i = 0; i < 50; i++) {
        refused = await server.request('POST', customers, { body: { displayName: `Too much ${i}`, addresses: Array.from({ length: 20 }, () => ({ street: 'x'.repeat(500) })) } });
        if (refused.status !== 201) break;
      }
      assert.equal(refused!.status, 507, refused!.text);
      assert.equal(refused!.json.error.code, 'InsufficientStorage', "Graph's shape, with a code that says it");
      assert.match(refused!.json.error.message, /out of storage space/, 'a clear message');
      assert.ok(refused!.json.error.innerError['request-id'], 'innerError carries the request-id');
      assert.ok(
        logLines.some((l) => l.msg === 'storage full: a write was refused' && l.level >= 50),
        `an error line was logged: ${JSON.stringify(logLines.slice(-3))}`,
      );
      // Through $batch too.
      const batch = await server.request('POST', '/beta/$batch', {
        body: { requests: [{ id: '1', method: 'POST', url: customers.replace('/beta', ''), body: { displayName: 'Batched', addresses: Array.from({ length: 20 }, () => ({ street: 'y'.repeat(500) })) }, headers: { 'content-type': 'application/json' } }] },
      });
      assert.equal(batch.status, 200, batch.text);
      assert.equal(batch.json.responses[0].status, 507, JSON.stringify(batch.json.responses[0]));
      const read = await server.request('GET', customers);
      assert.equal(read.status, 200, 'reads still work');
    } finally {
      await makeRoom();
    }
    const after = await server.request('POST', customers, { body: { displayName: 'After the cleanup' } });
    assert.equal(after.status, 201, `writes resume: ${after.text}`);
  });
});
