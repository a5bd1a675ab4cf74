// After a bulk load (import, restore, fixtures) the loaded tables have planner statistics at once: without them
// PostgreSQL guesses a handful of rows and sorts the whole table for every page until autovacuum runs.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnCli, tempDir } from '../helpers/cli.js';
import { freshSchema, pgQuery, testPgUrl } from '../helpers/postgres.js';
import { startServer, type TestServer } from '../helpers/server.js';

const BUSINESS = 'statistics@contoso.com';
const ROWS = 1500;
const url = testPgUrl();
const schema = freshSchema(url);
let tmp: ReturnType<typeof tempDir>;
let server: TestServer;
let customersTable = '';

const cli = (...args: string[]) => spawnCli([...args, '--db', url, '--db-schema', schema.name]);

/** What PostgreSQL knows of a table: rows it estimates, and when it was last analysed by hand. */
async function statistics(table: string): Promise<{ reltuples: number; analysed: boolean; at: number }> {
  const [row] = await pgQuery<{ reltuples: number; last_analyze: Date | null }>(
    url,
    `select c.reltuples::float8 as reltuples, s.last_analyze from pg_class c join pg_namespace n on n.oid = c.relnamespace
       left join pg_stat_user_tables s on s.relid = c.oid where n.nspname = $1 and c.relname = $2`,
    [schema.name, table],
  );
  assert.ok(row, `table ${table} exists in schema ${schema.name}`);
  return { reltuples: Number(row.reltuples), analysed: row.last_analyze !== null, at: row.last_analyze?.getTime() ?? 0 };
}

before(async () => {
  tmp = tempDir();
  server = await startServer({ db: url, dbSchema: schema.name });
  const made = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: BUSINESS, displayName: 'Statistics' } });
  assert.equal(made.status, 201, `the business is created: ${made.text}`);
  const model = server.clientele.model;
  customersTable = server.clientele.schema.table(model.entityType('microsoft.graph.bookingCustomer')).name;
});
after(async () => {
  await server.close();
  await schema.drop();
  tmp.remove();
});

describe('planner statistics after bulk loads on PostgreSQL', () => {
  it('import analyses the customers table and the change log', async () => {
    const csv = join(tmp.dir, 'many.csv');
    const lines = Array.from({ length: ROWS }, (_, i) => `Customer ${i},customer${i}@statistics.example`);
    writeFileSync(csv, `Name,Email\n${lines.join('\n')}\n`);
    const imp = await cli('import', '--business', BUSINESS, '--tenant', '00000000-0000-0000-0000-000000000001', csv, '-q');
    assert.equal(imp.code, 0, `import succeeds: ${imp.stderr}`);
    const customers = await statistics(customersTable);
    assert.ok(customers.analysed, 'the customers table was analysed');
    assert.ok(customers.reltuples >= ROWS, `the planner knows the rows (${customers.reltuples} estimated, ${ROWS} loaded)`);
    assert.ok((await statistics('change_log')).analysed, 'the change log was analysed');
  });

  it('load (fixtures) analyses the tables it filled, as any bulk write through the store does', async () => {
    const file = join(tmp.dir, 'fixtures.json');
    const customers = Array.from({ length: ROWS }, (_, i) => ({ displayName: `Loaded ${i}`, emailAddress: `loaded${i}@statistics.example` }));
    writeFileSync(file, JSON.stringify({ bookingBusinesses: [{ id: 'loaded@contoso.com', displayName: 'Loaded', customers }] }));
    const before = (await statistics(customersTable)).at;
    const loaded = await cli('load', '--tenant', '00000000-0000-0000-0000-000000000001', file);
    assert.equal(loaded.code, 0, `load succeeds: ${loaded.stderr}`);
    const after = await statistics(customersTable);
    assert.ok(after.analysed && after.at > before, `load analysed the customers table (last analysed ${new Date(after.at).toISOString()})`);
    assert.ok(after.reltuples >= ROWS, `the planner knows the loaded rows (${after.reltuples} estimated)`);
  });

  it('restore analyses every table it loads', async () => {
    const file = join(tmp.dir, 'stats.snapshot');
    const saved = await cli('snapshot', file, '-q');
    assert.equal(saved.code, 0, `snapshot succeeds: ${saved.stderr}`);
    const tables = server.clientele.schema.tables.map((t) => t.name);
    const before = new Map<string, number>();
    for (const t of tables) before.set(t, (await statistics(t)).at);
    const restored = await cli('restore', file, '-q');
    assert.equal(restored.code, 0, `restore succeeds: ${restored.stderr}`);
    for (const t of tables) {
      const after = await statistics(t);
      assert.ok(after.analysed && after.at > before.get(t)!, `restore analysed ${t} (last analysed ${new Date(after.at).toISOString()})`);
    }
  });
});
