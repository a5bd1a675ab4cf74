// Shows that no test depends on another having run first: every test file runs alone (a test run of its
// own, one engine at a time), then the admin page's tests in shuffled orders; with --each-test, every test
// also runs alone (by an exact --test-name-pattern). Each run is `test/run.ts`, exactly as `npm test` runs it.
//
//   npm run test:alone -- [--engines sqlite,postgres] [--shuffles 3] [--seed n] [--jobs 2] [--each-test] [files...]
//
// It ends with one line, `N passed, N failed`, and lists every run that failed with the command to repeat it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuilt } from '../test/helpers/build.js';
import { compileTests } from '../test/helpers/compile.js';
import { ENGINES, filesFor, type Engine } from '../test/helpers/suite-files.js';

const ROOT = resolve(import.meta.dirname, '..');
const RUN = join(ROOT, 'test', 'run.ts');
/** The admin page's test files: shuffled besides (their tests share a browser and a server). */
const ADMIN = ['admin-ui.test.ts', 'admin-catalogue-ui.test.ts', 'admin-calendar-ui.test.ts'].map((f) => join(ROOT, 'test', f));

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    engines: { type: 'string', default: ENGINES.join(',') },
    shuffles: { type: 'string', default: '3' },
    seed: { type: 'string' },
    jobs: { type: 'string', default: '2' },
    'each-test': { type: 'boolean', default: false },
  },
});
const engines = values.engines.split(',').map((e) => e.trim()) as Engine[];
for (const e of engines) if (!ENGINES.includes(e)) throw new Error(`--engines: unknown engine '${e}'`);
const jobs = Math.max(1, Number(values.jobs));
const shuffles = Math.max(0, Number(values.shuffles));
const requested = positionals.map((f) => resolve(f));

interface TestInfo {
  name: string;
  nesting: number;
  suite: boolean;
  passed: boolean;
  skipped: boolean;
}
interface Run {
  label: string;
  engine: Engine;
  args: string[];
  env?: Record<string, string>;
}
interface Outcome {
  run: Run;
  ok: boolean;
  ms: number;
  tests: TestInfo[];
  output: string;
}

const scratch = mkdtempSync(join(tmpdir(), 'clientele-test-alone-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
let reports = 0;
/** The runs in progress: told to stop (test/run.ts then ends its files' processes) when this script is. */
const children = new Set<ChildProcess>();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    for (const c of children) c.kill('SIGTERM');
    process.exit(130);
  });
}

function execute(run: Run): Promise<Outcome> {
  const reportFile = join(scratch, `report-${reports++}.json`);
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RUN, ...run.args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...run.env, CLIENTELE_TEST_ENGINES: run.engine, CLIENTELE_TEST_REPORT: reportFile },
    });
    children.add(child);
    let output = '';
    const keep = (d: Buffer) => (output = (output + d.toString('utf8')).slice(-200_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('exit', (code) => {
      children.delete(child);
      let tests: TestInfo[] = [];
      try {
        tests = (JSON.parse(readFileSync(reportFile, 'utf8')) as Array<{ tests: TestInfo[] }>).flatMap((f) => f.tests);
      } catch {}
      done({ run, ok: code === 0, ms: Date.now() - started, tests, output });
    });
  });
}

/** Runs them `jobs` at a time, printing one line per run as it ends. */
async function all(runs: Run[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, runs.length) }, async () => {
      while (next < runs.length) {
        const o = await execute(runs[next++]!);
        out.push(o);
        process.stdout.write(`${o.ok ? 'ok    ' : 'FAILED'} ${o.run.label} (${(o.ms / 1000).toFixed(1)} s)\n`);
      }
    }),
  );
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const shell = (run: Run) =>
  [...Object.entries({ ...run.env, CLIENTELE_TEST_ENGINES: run.engine }).map(([k, v]) => `${k}=${v}`), 'node --import tsx test/run.ts', ...run.args.map((a) => (/^[\w./=-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))].join(' ');

// Built and compiled once here, rather than by runs racing each other.
await ensureBuilt((line) => process.stdout.write(`${line}\n`));
await compileTests();

const started = Date.now();
const files = (engine: Engine) => filesFor(engine).filter((f) => !requested.length || requested.includes(f));
const single: Run[] = engines.flatMap((engine) => files(engine).map((f) => ({ label: `${relative(ROOT, f)} [${engine}]`, engine, args: [f] })));
const firstSeed = values.seed !== undefined ? Number(values.seed) : Date.now() % 100_000;
const shuffled: Run[] = engines.flatMap((engine) =>
  ADMIN.filter((admin) => files(engine).includes(admin)).flatMap((admin) =>
    Array.from({ length: shuffles }, (_, i) => {
      const seed = String(firstSeed + i);
      return { label: `${relative(ROOT, admin)} [${engine}] shuffled (CLIENTELE_TEST_SHUFFLE=${seed})`, engine, args: [admin], env: { CLIENTELE_TEST_SHUFFLE: seed } };
    }),
  ),
);

const outcomes = await all([...single, ...shuffled]);
if (values['each-test']) {
  const each: Run[] = outcomes
    .filter((o) => single.includes(o.run))
    .flatMap((o) => runnable(o.tests).map((name) => ({ label: `${o.run.label} › ${name}`, engine: o.run.engine, args: [...o.run.args, `--test-name-pattern=^${escape(name)}$`] })));
  outcomes.push(...(await all(each)));
}

/**
 * The tests that can run alone by their own name: every test of a suite (describe) that has no subtests; a
 * test with subtests made at run time (t.test) runs as a whole, since its subtests exist only while it runs.
 */
function runnable(tests: TestInfo[]): string[] {
  // Reported children come before their parent: walking backwards, the last one seen one level up is the parent.
  const parent = new Map<TestInfo, TestInfo | undefined>();
  const above: TestInfo[] = [];
  for (let i = tests.length - 1; i >= 0; i--) {
    const t = tests[i]!;
    above[t.nesting] = t;
    above.length = t.nesting + 1;
    parent.set(t, t.nesting > 0 ? above[t.nesting - 1] : undefined);
  }
  const names = new Set<string>();
  for (const t of tests) {
    if (t.suite || t.skipped || tests.some((c) => parent.get(c) === t)) continue;
    let target = t;
    for (let p = parent.get(t); p && !p.suite; p = parent.get(p)) target = p;
    names.add(target.name);
  }
  return [...names];
}

const failed = outcomes.filter((o) => !o.ok);
for (const o of failed) {
  process.stdout.write(`\n--- FAILED: ${o.run.label}\n    repeat: ${shell(o.run)}\n`);
  process.stdout.write(o.output.split('\n').filter((l) => /^\s*not ok|error:|Error|expected|actual/.test(l)).slice(0, 30).join('\n') + '\n');
}
process.stdout.write(`\ntest-alone: ${outcomes.length} runs in ${((Date.now() - started) / 60000).toFixed(1)} min\n`);
process.stdout.write(`${outcomes.length - failed.length} passed, ${failed.length} failed\n`);
process.exitCode = failed.length ? 1 : 0;
