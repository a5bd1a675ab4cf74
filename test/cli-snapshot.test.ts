// `clientele snapshot`, `restore` and `reset` through the real executable, while a server serves the same
// data directory: what a test suite does to get a clean (or a known) emulator between runs.
// test-engines: sqlite (snapshots are of the SQLite data directory)
// test-duration: long (test/run.ts starts it first)
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnCli, tempDir } from './helpers/cli.js';
import { startServer, type TestServer } from './helpers/server.js';

const CONTOSO = 'Contosolunchdelivery@contoso.onmicrosoft.com';
const OTHER_TENANT = '5f1c8e02-7d4b-4b7e-a1f6-0c9d3e2b4a57';

let tmp: ReturnType<typeof tempDir>;
let dir: string;
let server: TestServer;

before(async () => {
  tmp = tempDir();
  dir = join(tmp.dir, 'data');
  server = await startServer({ location: dir, inMemory: false });
});
after(async () => {
  await server.close();
  tmp.remove();
});

const cli = (...args: string[]) => spawnCli([...args, '--location', dir]);

/** Everything the default tenant sees: businesses and their customers, as the API returns them. */
async function state(): Promise<unknown> {
  const businesses = await server.request('GET', '/beta/solutions/bookingBusinesses');
  assert.equal(businesses.status, 200);
  const out: Record<string, unknown> = {};
  for (const b of businesses.json.value) {
    const customers = await server.request('GET', `/beta/solutions/bookingBusinesses/${encodeURIComponent(b.id)}/customers`);
    out[b.id] = { business: b, customers: customers.json.value };
  }
  return out;
}

async function otherTenantCustomers(): Promise<string> {
  const r = await cli('export', '--business', CONTOSO, '--tenant', OTHER_TENANT, '-q');
  return r.code === 0 ? r.stdout : `exit ${r.code}: ${r.stderr}`;
}

let fixtures = 0;
/** The state each test starts from, whatever ran before it: every tenant emptied, the default tenant and
 * OTHER_TENANT seeded afresh (12 rows each), and a snapshot of that taken, with what the API and an export
 * showed when it was taken. */
async function seededSnapshot(): Promise<{ snapshotFile: string; saved: unknown; savedOther: string }> {
  const emptied = await cli('reset', '--all-tenants');
  assert.equal(emptied.code, 0, `reset --all-tenants: ${emptied.stderr}`);
  for (const tenant of [[], ['--tenant', OTHER_TENANT]]) {
    const seeded = await cli('seed', ...tenant);
    assert.equal(seeded.code, 0, `seed ${tenant.join(' ')}: ${seeded.stderr}`);
  }
  const snapshotFile = join(tmp.dir, `state-${++fixtures}.snapshot`);
  const saved = await state();
  const savedOther = await otherTenantCustomers();
  const r = await cli('snapshot', snapshotFile, '-q');
  assert.equal(r.code, 0, `snapshot: ${r.stderr}`);
  return { snapshotFile, saved, savedOther };
}

describe('snapshot, reset, restore', () => {

  it('snapshot writes every tenant as JSON lines: a header, one line per row, an end marker', async () => {
    await seededSnapshot();
    const snapshotFile = join(tmp.dir, 'written.snapshot');
    const r = await cli('snapshot', snapshotFile);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `snapshot: 28 rows saved to ${snapshotFile}\n`);
    const lines = readFileSync(snapshotFile, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines[0].format, 'clientele-snapshot');
    assert.equal(lines[0].version, 1);
    assert.ok(Array.isArray(lines[0].tables.booking_customers), 'the snapshot header lists the booking_customers table');
    assert.deepEqual(lines.at(-1), { end: true, rows: 28 }, 'the end marker counts every row of both tenants');
    const tenants = new Set(lines.slice(1, -1).map((l) => l.tenantId));
    assert.deepEqual([...tenants].sort(), ['00000000-0000-0000-0000-000000000001', OTHER_TENANT].sort());
  });

  it('restore brings back exactly the saved state, under a running server', async () => {
    const { snapshotFile, saved, savedOther } = await seededSnapshot();
    const customers = `/beta/solutions/bookingBusinesses/${encodeURIComponent(CONTOSO)}/customers`;
    assert.equal((await server.request('POST', customers, { body: { displayName: 'Added later' } })).status, 201);
    assert.equal((await server.request('DELETE', `${customers}/36038f36-634e-44e4-9415-d7d59c2347aa`)).status, 204);
    assert.equal((await server.request('PATCH', `${customers}/8bb19f4b-6d8d-4d4e-bd43-0aa6b4a0e8a1`, { body: { displayName: 'Renamed' } })).status, 200, 'customer renamed');
    assert.notDeepEqual(await state(), saved);

    const r = await cli('restore', snapshotFile);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `restore: 28 rows restored from ${snapshotFile}\n`);
    assert.deepEqual(await state(), saved, 'ids, values and timestamps as they were');
    assert.equal(await otherTenantCustomers(), savedOther);
  });

  it('reset empties the default tenant only; --all-tenants empties every tenant', async () => {
    const { snapshotFile, saved, savedOther } = await seededSnapshot();
    const r = await cli('reset');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'reset: 14 rows deleted (tenant 00000000-0000-0000-0000-000000000001)\n');
    assert.deepEqual(await state(), {});
    assert.equal(await otherTenantCustomers(), savedOther, 'the other tenant keeps its data');

    const all = await cli('reset', '--all-tenants');
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stderr, 'reset: 14 rows deleted (all tenants)\n');
    assert.match(await otherTenantCustomers(), /^exit 1: .*has no mailbox/);

    const both = await cli('reset', '--all-tenants', '--tenant', OTHER_TENANT);
    assert.equal(both.code, 2);
  });

  it('restore from standard input, snapshot to standard output', async () => {
    const { snapshotFile, saved, savedOther } = await seededSnapshot();
    const r = await spawnCli(['restore', '-', '--location', dir], { input: readFileSync(snapshotFile) });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await state(), saved);
    const out = await cli('snapshot', '-', '-q');
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stderr, '');
    // Same rows (the header's timestamp differs).
    assert.deepEqual(out.stdout.split('\n').slice(1), readFileSync(snapshotFile, 'utf8').split('\n').slice(1));
  });

  it('a damaged, cut-short or foreign file changes nothing', async () => {
    const { snapshotFile, saved, savedOther } = await seededSnapshot();
    const text = readFileSync(snapshotFile, 'utf8').trimEnd().split('\n');
    const cases: Array<[string, RegExp]> = [
      [text.slice(0, 4).join('\n'), /the snapshot is incomplete \(no end marker\)/],
      [[...text.slice(0, 3), '{"table":"booking_customers",', ...text.slice(3)].join('\n'), /line 4: not valid JSON/],
      [[...text.slice(0, 3), '{"table":"no_such_table","tenantId":"t","parentKey":"","idKey":"x","version":1,"values":{}}', ...text.slice(3)].join('\n'), /line 4: unknown table 'no_such_table'/],
      [[text[0], ...text.slice(2)].join('\n'), /the end marker counts 28 rows, the snapshot has 27/],
      ['Name,Email\n', /not valid JSON/],
      ['{"hello":"world"}\n', /not a Clientele snapshot/],
    ];
    for (const [content, pattern] of cases) {
      const f = join(tmp.dir, 'damaged.snapshot');
      writeFileSync(f, content);
      const r = await cli('restore', f);
      assert.equal(r.code, 1, content.slice(0, 80));
      assert.match(r.stderr, /^clientele: .*damaged\.snapshot: .*; nothing was restored\n$/);
      assert.match(r.stderr, pattern);
      assert.deepEqual(await state(), saved);
    }
  });

  it('reset, restore and import are logged like any write: a delta client sees them', async () => {
    const { snapshotFile } = await seededSnapshot();
    const base = `/beta/solutions/bookingBusinesses/${encodeURIComponent(CONTOSO)}/customers`;
    /** Follows a delta round to its deltaLink. */
    const round = async (url: string) => {
      const items: any[] = [];
      for (let next = url; ; ) {
        const res = await server.request('GET', next);
        assert.equal(res.status, 200, res.text);
        items.push(...res.json.value);
        const link = res.json['@odata.deltaLink'] ?? res.json['@odata.nextLink'];
        if (res.json['@odata.deltaLink']) return { items, deltaLink: link.slice(server.origin.length) as string };
        next = link.slice(server.origin.length);
      }
    };
    const first = await round(`${base}/delta`);
    assert.equal(first.items.length, 3);
    const ephemeral = await server.request('POST', base, { body: { displayName: 'Ephemeral' } });
    assert.equal(ephemeral.status, 201);
    const second = await round(first.deltaLink);
    assert.deepEqual(second.items.map((c) => c.displayName), ['Ephemeral']);

    // Reset deletes everything; the snapshot brings back all but Ephemeral; an import adds one.
    assert.equal((await cli('reset')).code, 0);
    assert.equal((await cli('restore', snapshotFile)).code, 0);
    const imported = await spawnCli(['import', '--business', CONTOSO, '--location', dir], { input: 'Name\nDelta Imported\n' });
    assert.equal(imported.code, 0, imported.stderr);
    const third = await round(second.deltaLink);
    const removed = third.items.filter((c) => c['@removed']).map((c) => c.id);
    assert.deepEqual(removed, [ephemeral.json.id]);
    assert.deepEqual(third.items.filter((c) => !c['@removed']).map((c) => c.displayName).sort(), ['Adele Vance', 'Alex Wilber', 'Delta Imported', 'Joni Sherman']);
  });

  it('usage errors: a file argument is required', async () => {
    for (const command of ['snapshot', 'restore']) {
      const r = await cli(command);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^clientele: expected one argument: the snapshot file/);
    }
  });
});
