// The PostgreSQL schema: safe when many processes start at once on a fresh database, fit for distribution
// (tenant_id leads every key and index), and the documented Citus layout (docs/citus.sql) runs on plain
// PostgreSQL without its create_distributed_table calls and yields exactly what the migrations build.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createClientele } from '../../src/app.js';
import { schemaScript } from '../../src/cli/commands/schema.js';
import { loadModel } from '../../src/model/index.js';
import { StorageSchema } from '../../src/store/schema.js';
import { freshSchema, pgQuery, testPgUrl } from '../helpers/postgres.js';
import { startServer } from '../helpers/server.js';

const url = testPgUrl();
const CITUS_SQL = new URL('../../docs/citus.sql', import.meta.url);
const tenantTables = new StorageSchema(loadModel()).tables.map((t) => t.name).sort();

/** Columns, keys and indexes of a schema, with the schema's own name taken out so two can be compared. */
async function catalog(schema: string) {
  const columns = await pgQuery(
    url,
    `select table_name, column_name, data_type, collation_name, is_nullable, column_default
       from information_schema.columns where table_schema = $1 order by table_name, column_name`,
    [schema],
  );
  const indexes = await pgQuery(url, `select tablename, indexname, indexdef from pg_indexes where schemaname = $1 order by indexname`, [schema]);
  for (const ix of indexes) ix.indexdef = ix.indexdef.replaceAll(`${schema}.`, '');
  return { columns, indexes };
}

describe('starting many processes at once on a fresh PostgreSQL schema', () => {
  it('every one starts, and each migration step is recorded once', async () => {
    const schema = freshSchema(url);
    try {
      const started = await Promise.allSettled(Array.from({ length: 6 }, () => createClientele({ db: url, dbSchema: schema.name, dbPoolSize: 2 })));
      for (const s of started) if (s.status === 'fulfilled') await s.value.close();
      assert.deepEqual(
        started.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason)),
        [],
      );
      const rows = await pgQuery(url, `select id, count(*) as n from "${schema.name}".clientele_migrations group by id having count(*) > 1`);
      assert.deepEqual(rows, []);
      const [{ n }] = await pgQuery(url, `select count(*) as n from "${schema.name}".clientele_migrations`);
      assert.ok(Number(n) > tenantTables.length, `every tenant table has its migrations: ${n} recorded for ${tenantTables.length} tables`);
    } finally {
      await schema.drop();
    }
  });
});

describe('without --db-schema', () => {
  it("the tables go to the connection's current schema (public on a fresh database)", async () => {
    const dbName = `clientele_${freshSchema(url).name}`;
    await pgQuery(url, `create database "${dbName}"`);
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${dbName}`;
    try {
      const server = await startServer({ db: dbUrl.toString() });
      try {
        assert.equal((await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: 'Public' } })).status, 201);
      } finally {
        await server.close();
      }
      const tables = await pgQuery(
        dbUrl.toString(),
        `select table_schema, table_name from information_schema.tables where table_name = any($1) order by 2`,
        [tenantTables],
      );
      assert.deepEqual(tables, tenantTables.map((t) => ({ table_schema: 'public', table_name: t })));
    } finally {
      await pgQuery(url, `drop database if exists "${dbName}" with (force)`);
    }
  });
});

describe('the schema is fit for distribution by tenant', () => {
  const migrated = freshSchema(url);
  const fromDocs = freshSchema(url);
  const docs = readFileSync(CITUS_SQL, 'utf8');
  before(async () => {
    await (await createClientele({ db: url, dbSchema: migrated.name })).close();
    // Plain PostgreSQL has no Citus functions: run the documented DDL without them.
    const plain = docs.replace(/^select create_(distributed|reference)_table\(.*\);$/gm, '');
    await pgQuery(url, `create schema "${fromDocs.name}"; set search_path to "${fromDocs.name}"; ${plain}`);
  });
  after(async () => {
    await migrated.drop();
    await fromDocs.drop();
  });

  it('docs/citus.sql is what `clientele schema --citus` prints for the current model', () => {
    assert.equal(docs, schemaScript('postgres', true), 'regenerate it: npx tsx src/cli/entry.ts schema --citus > docs/citus.sql');
  });

  it('distributes every entity table by tenant_id, co-located', () => {
    const calls = [...docs.matchAll(/^select create_distributed_table\('(\w+)', 'tenant_id'(, colocate_with => '(\w+)')?\);$/gm)];
    assert.deepEqual(calls.map((m) => m[1]).sort(), tenantTables);
    const roots = calls.filter((m) => !m[2]).map((m) => m[1]);
    assert.equal(roots.length, 1);
    for (const m of calls) if (m[2]) assert.equal(m[3], roots[0]);
  });

  it('the documented DDL, run on plain PostgreSQL, builds exactly what the migrations build', async () => {
    assert.deepEqual(await catalog(fromDocs.name), await catalog(migrated.name));
  });

  it('tenant_id leads the primary key and every index of every entity table', async () => {
    const { indexes } = await catalog(migrated.name);
    const tenantIndexes = indexes.filter((ix) => tenantTables.includes(ix.tablename));
    assert.ok(tenantIndexes.length > tenantTables.length, 'primary keys and secondary indexes');
    for (const ix of tenantIndexes) assert.match(ix.indexdef, /USING btree \(tenant_id, /, ix.indexdef);
  });

  it('Clientele starts on a database made from the documented DDL and serves it', async () => {
    const server = await startServer({ db: url, dbSchema: fromDocs.name });
    try {
      const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: 'Docs' } });
      assert.equal(res.status, 201, res.text);
      assert.equal((await server.request('GET', `/beta/solutions/bookingBusinesses/${res.json.id}`)).status, 200);
    } finally {
      await server.close();
    }
  });
});
