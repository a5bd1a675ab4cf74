// The data commands (seed, import, export, snapshot, reset, restore) on a PostgreSQL database with --db,
// under a server serving the same database: what a team running Clientele on PostgreSQL does between runs.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnCli, tempDir } from '../helpers/cli.js';
import { freshSchema, testPgUrl } from '../helpers/postgres.js';
import { startServer, type TestServer } from '../helpers/server.js';

const CONTOSO = 'Contosolunchdelivery@contoso.onmicrosoft.com';
const url = testPgUrl();
const schema = freshSchema(url);
const customers = `/beta/solutions/bookingBusinesses/${encodeURIComponent(CONTOSO)}/customers`;

let tmp: ReturnType<typeof tempDir>;
let server: TestServer;

const cli = (...args: string[]) => spawnCli([...args, '--db', url, '--db-schema', schema.name]);

before(async () => {
  tmp = tempDir();
  const seeded = await cli('seed');
  assert.equal(seeded.code, 0, seeded.stderr);
  server = await startServer({ db: url, dbSchema: schema.name });
});
after(async () => {
  await server.close();
  await schema.drop();
  tmp.remove();
});

async function names(): Promise<string[]> {
  const res = await server.request('GET', `${customers}?$select=displayName&$orderby=displayName`);
  assert.equal(res.status, 200, res.text);
  return res.json.value.map((c: { displayName: string }) => c.displayName);
}

describe('data commands with --db', () => {
  it('seed wrote to the database the server serves', async () => {
    assert.ok((await names()).length > 0, 'seed wrote businesses');
  });

  it('export reads the customers the API shows; import adds rows the API then lists', async () => {
    const before = await names();
    const out = await cli('export', '--business', CONTOSO, '--format', 'jsonl', '-q');
    assert.equal(out.code, 0, out.stderr);
    const exported = out.stdout.trimEnd().split('\n').map((l) => JSON.parse(l).displayName).sort();
    assert.deepEqual(exported, [...before].sort());

    const csv = join(tmp.dir, 'new.csv');
    writeFileSync(csv, 'Name,Email\nImported Via Db,imported@contoso.example\n');
    const imp = await cli('import', '--business', CONTOSO, csv, '-q');
    assert.equal(imp.code, 0, imp.stderr);
    assert.ok((await names()).includes('Imported Via Db'), 'the imported customer is in the database');
  });

  it('snapshot, reset and restore round-trip the state under the running server', async () => {
    const saved = await names();
    const file = join(tmp.dir, 'pg.snapshot');
    assert.equal((await cli('snapshot', file, '-q')).code, 0);
    const reset = await cli('reset', '--all-tenants');
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stderr, /^reset: \d+ rows deleted \(all tenants\)\n$/);
    assert.equal((await server.request('GET', customers)).status, 404);
    const restored = await cli('restore', file, '-q');
    assert.equal(restored.code, 0, restored.stderr);
    assert.deepEqual(await names(), saved);
  });

  it('bad store options are usage errors (exit 2) that name the option', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['reset', '--db', 'mysql://x'], /--db: expected a postgres:\/\/ or postgresql:\/\/ URL/],
      [['reset', '--db', url, '--location', tmp.dir], /--db and --location exclude each other/],
      [['reset', '--db-schema', 'x'], /--db-schema needs --db/],
    ];
    for (const [args, message] of cases) {
      const r = await spawnCli(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
    }
  });

  it('an unreachable database is one readable line, exit 1, with no credentials in it', async () => {
    const r = await spawnCli(['export', '--business', CONTOSO, '--db', 'postgres://someone:secret@127.0.0.1:1/none']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^clientele: cannot open the store in PostgreSQL at 127\.0\.0\.1:1\/none: /);
    assert.doesNotMatch(r.stderr, /secret/);
  });
});
