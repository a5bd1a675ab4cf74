// `npm test`: the whole API suite once per store engine (SQLite, then PostgreSQL), as ONE node:test run:
// each pass is a top-level suite ("engine: sqlite", "engine: postgres") and the closing summary counts
// every test of both passes. Files under test/postgres/ are about PostgreSQL itself and run in its pass only;
// a file whose opening comment says `test-engines: sqlite` works on a store of its own choosing (the CLI's
// data directory, for one) and runs once, in the SQLite pass.
//
//   node --import tsx test/run.ts [files...]
//   CLIENTELE_TEST_ENGINES=sqlite   only the SQLite pass (no PostgreSQL needed)
//   CLIENTELE_TEST_PG=postgres://…  the database of the PostgreSQL pass (default: the machine's, database test)
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { run } from 'node:test';
import { spec, tap } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DEFAULT_TEST_PG } from './helpers/postgres.js';

type Engine = 'sqlite' | 'postgres';
interface TestEvent {
  type: string;
  data: { nesting?: number; message?: string; [k: string]: unknown };
}

const here = fileURLToPath(new URL('.', import.meta.url));
const testFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join(dir, f));

const engines = (process.env.CLIENTELE_TEST_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim()) as Engine[];
for (const e of engines) if (e !== 'sqlite' && e !== 'postgres') fail(`CLIENTELE_TEST_ENGINES: unknown engine '${e}'`);
const pgUrl = process.env.CLIENTELE_TEST_PG || DEFAULT_TEST_PG;
const requested = process.argv.slice(2).map((f) => resolve(f));

/** The engines a file runs on: every one, unless its opening comment names them (`test-engines: sqlite`). */
function enginesOf(file: string): Engine[] {
  const m = /test-engines:\s*([a-z, ]+)/.exec(readFileSync(file, 'utf8').slice(0, 2000));
  return m ? (m[1]!.split(',').map((e) => e.trim()) as Engine[]) : ['sqlite', 'postgres'];
}

function filesFor(engine: Engine): string[] {
  const all = [...testFiles(here).filter((f) => enginesOf(f).includes(engine)), ...(engine === 'postgres' ? testFiles(join(here, 'postgres')) : [])];
  return requested.length ? all.filter((f) => requested.includes(f)) : all;
}

function fail(message: string): never {
  process.stderr.write(`\ntest/run.ts: ${message}\n\n`);
  process.exit(1);
}

/** The PostgreSQL pass never skips quietly: no database, no green run. */
async function checkPostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    fail(
      `PostgreSQL is required for the test suite and ${pgUrl} cannot be reached: ${(err as Error).message}\n` +
        `Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start), ` +
        `point CLIENTELE_TEST_PG at another database, or run only the SQLite pass with CLIENTELE_TEST_ENGINES=sqlite.`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

const COUNTERS = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo'] as const;
type Counters = Record<(typeof COUNTERS)[number], number>;

/** Both passes' events, each nested one level under its engine suite, then one summary for all. */
async function* events(): AsyncGenerator<TestEvent> {
  const totals: Counters = { tests: 0, suites: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
  const started = performance.now();
  let passes = 0;
  for (const engine of engines) {
    const files = filesFor(engine);
    // Node's runner would look for test files of its own when given none.
    if (files.length === 0) continue;
    passes++;
    // Test files read the engine from the environment their process inherits (see test/helpers/server.ts).
    if (engine === 'postgres') {
      process.env.CLIENTELE_TEST_DB = pgUrl;
      // Test data is not worth an fsync per commit: the pass runs markedly faster on a real disk.
      process.env.PGOPTIONS = [process.env.PGOPTIONS, '-c synchronous_commit=off'].filter(Boolean).join(' ');
    } else delete process.env.CLIENTELE_TEST_DB;
    const name = `engine: ${engine}`;
    const passStarted = performance.now();
    const pass: Counters = { tests: 0, suites: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 };
    yield { type: 'test:start', data: { name, nesting: 0 } };
    for await (const event of run({ files, concurrency: 2 }) as AsyncIterable<TestEvent>) {
      const { data } = event;
      if (event.type === 'test:diagnostic' && data.nesting === 0) {
        const m = /^(\w+) ([\d.]+)$/.exec(data.message ?? '');
        if (m && (COUNTERS as readonly string[]).includes(m[1]!)) {
          pass[m[1] as keyof Counters] += Number(m[2]);
          continue;
        }
        if (m?.[1] === 'duration_ms') continue;
      }
      const shifted: TestEvent['data'] = { ...data, nesting: (data.nesting ?? 0) + 1 };
      // A failure names its engine, also in the closing list of failing tests.
      if (event.type === 'test:fail') shifted.name = `${String(data.name)} [${engine}]`;
      yield { type: event.type, data: shifted };
    }
    for (const k of COUNTERS) totals[k] += pass[k];
    totals.suites += 1;
    const failed = pass.fail + pass.cancelled;
    const details: Record<string, unknown> = { duration_ms: performance.now() - passStarted, type: 'suite' };
    if (failed) {
      details.error = Object.assign(new Error(`${failed} test${failed === 1 ? '' : 's'} failed on ${engine}`), {
        code: 'ERR_TEST_FAILURE',
        failureType: 'subtestsFailed',
      });
    }
    yield { type: failed ? 'test:fail' : 'test:pass', data: { name, nesting: 0, testNumber: passes, details } };
  }
  yield { type: 'test:plan', data: { nesting: 0, count: passes } };
  for (const k of COUNTERS) yield { type: 'test:diagnostic', data: { nesting: 0, message: `${k} ${totals[k]}` } };
  yield { type: 'test:diagnostic', data: { nesting: 0, message: `duration_ms ${performance.now() - started}` } };
  if (totals.fail || totals.cancelled || totals.tests === 0) process.exitCode = 1;
}

if (engines.includes('postgres')) await checkPostgres();
if (requested.length && engines.every((e) => filesFor(e).length === 0)) {
  fail(`no test files match ${process.argv.slice(2).join(' ')} (from ${relative(process.cwd(), here) || '.'})`);
}
const reporter = process.stdout.isTTY ? new spec() : tap;
Readable.from(events()).compose(reporter).pipe(process.stdout);
