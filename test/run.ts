// `npm test`: the whole API suite once per store engine (SQLite, then PostgreSQL), as ONE test run: each pass
// is a top-level suite ("engine: sqlite", "engine: postgres") and the closing summary counts every test of both
// passes. Files under test/postgres/ are about PostgreSQL itself and run in its pass only; a file whose opening
// comment says `test-engines: sqlite` works on a store of its own choosing (the CLI's data directory, for one)
// and runs once, in the SQLite pass.
//
// Each test file runs in a process of its own (its own process group), a few at a time, and is bounded: a
// file still running at its deadline fails, naming the tests it was in and where its main thread stood
// (test/helpers/watchdog.mjs), and it ends with every process it started. The suite as a whole is bounded too.
// Before any test, the run provides what the suite needs (test/helpers/provision.ts): a PostgreSQL that
// answers and, for the admin page's tests, Chromium.
//
//   node --import tsx test/run.ts [files...] [--test-name-pattern=REGEX]...
//   CLIENTELE_TEST_ENGINES=sqlite       only the SQLite pass (no PostgreSQL needed); =postgres for the other
//   CLIENTELE_TEST_PG=postgres://…      the database of the PostgreSQL pass (default: the machine's at
//                                       127.0.0.1:5432, database test; else one the run starts); =embedded
//                                       always starts one
//   CLIENTELE_CHROMIUM=/path            the browser of the admin page's tests (default: /usr/bin/chromium)
//   CLIENTELE_TEST_CONCURRENCY=n        test files running at once (default 3)
//   CLIENTELE_TEST_FILE_TIMEOUT=s       seconds one file may take (default 300)
//   CLIENTELE_TEST_TIMEOUT=s            seconds the whole run may take (default 2400)
//   CLIENTELE_TEST_REPORT=path          writes each file's time and tests there, as JSON
//   CLIENTELE_TEST_TSX=1                runs the test files through tsx rather than their compiled copy
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { spec, tap } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';
import { provideChromium, providePostgres, ProvisionError, type Postgres } from './helpers/provision.js';
import { ensureBuilt } from './helpers/build.js';
import { compileTests } from './helpers/compile.js';
import { ROOT } from './helpers/paths.js';
import { filesFor, isLong, needsChromium, type Engine } from './helpers/suite-files.js';

interface TestEvent {
  type: string;
  data: { nesting?: number; name?: string; message?: string; testNumber?: number; details?: any; [k: string]: unknown };
}

const here = fileURLToPath(new URL('.', import.meta.url));
const REPORTER = join(ROOT, 'test', 'helpers', 'events-reporter.mjs');
const WATCHDOG = join(ROOT, 'test', 'helpers', 'watchdog.mjs');
/** Test files run from their compiled copy (test/helpers/compile.ts), unless CLIENTELE_TEST_TSX=1. */
const THROUGH_TSX = process.env.CLIENTELE_TEST_TSX === '1';

const seconds = (name: string, fallback: number) => {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!(n > 0)) fail(`${name}: expected a number of seconds, got '${raw}'`);
  return n * 1000;
};
const FILE_TIMEOUT_MS = seconds('CLIENTELE_TEST_FILE_TIMEOUT', 300);
const SUITE_TIMEOUT_MS = seconds('CLIENTELE_TEST_TIMEOUT', 2400);
const CONCURRENCY = Number(process.env.CLIENTELE_TEST_CONCURRENCY || 3);
/** Time the watchdog gets to report before the file's processes are killed. */
const REPORT_GRACE_MS = 5000;

const engines = (process.env.CLIENTELE_TEST_ENGINES ?? 'sqlite,postgres').split(',').map((e) => e.trim()) as Engine[];
for (const e of engines) if (e !== 'sqlite' && e !== 'postgres') fail(`CLIENTELE_TEST_ENGINES: unknown engine '${e}'`);

// Arguments: test files, and --test-name-pattern (passed on to every file's process).
const requested: string[] = [];
const patterns: string[] = [];
{
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--test-name-pattern=')) patterns.push(a.slice('--test-name-pattern='.length));
    else if (a === '--test-name-pattern' && i + 1 < args.length) patterns.push(args[++i]!);
    else if (a.startsWith('-')) fail(`unknown option ${a} (files and --test-name-pattern=REGEX only)`);
    else requested.push(resolve(a));
  }
}

function selected(engine: Engine): string[] {
  const all = filesFor(engine);
  return requested.length ? all.filter((f) => requested.includes(f)) : all;
}

function fail(message: string): never {
  process.stderr.write(`\ntest/run.ts: ${message}\n\n`);
  process.exit(1);
}
const note = (line: string) => process.stderr.write(`test/run.ts: ${line}\n`);

const COUNTERS = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo'] as const;
type Counters = Record<(typeof COUNTERS)[number], number>;
const zero = (): Counters => ({ tests: 0, suites: 0, pass: 0, fail: 0, cancelled: 0, skipped: 0, todo: 0 });

/** Every process below `pid` (Linux /proc; elsewhere none: the process group kill covers most). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // Gone meanwhile.
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) for (const c of children.get(queue.shift()!) ?? []) out.push(c), queue.push(c);
  return out;
}

/** SIGKILL to a file's process, everything it started (a browser in a group of its own too), and its group. */
function killTree(child: ChildProcess): void {
  const pid = child.pid;
  if (!pid) return;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {}
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {}
}

const running = new Set<ChildProcess>();

interface FileResult {
  /** The file's events, nesting as in the file (0 = its top-level tests). */
  events: TestEvent[];
  counters: Counters;
  durationMs: number;
  /** CPU seconds of the file's process and the children it waited for (Linux only). */
  cpuSeconds?: number;
}

/** An error whose message says it all: the runner's own stack would only distract. */
function bare(message: string): Error {
  const err = new Error(message);
  Object.defineProperty(err, 'stack', { value: '', enumerable: false, configurable: true, writable: true });
  return err;
}

/** A failure of the file itself (a deadline, a crash), reported as a top-level test named after the file. */
function fileFailure(file: string, message: string, durationMs: number, failureType = 'testCodeFailure'): TestEvent {
  const error = Object.assign(bare(message), { code: 'ERR_TEST_FAILURE', failureType, cause: bare(message) });
  return { type: 'test:fail', data: { name: relative(ROOT, file), nesting: 0, file, line: 1, column: 1, details: { duration_ms: durationMs, error } } };
}

/** An error of a child's report, as an Error again (what the reporters print). */
function reviveError(e: any): unknown {
  if (!e || typeof e !== 'object') return e;
  if (!('message' in e) && 'value' in e) return e.value;
  const err = new Error(e.message);
  Object.defineProperty(err, 'name', { value: e.name, enumerable: false, configurable: true, writable: true });
  Object.defineProperty(err, 'stack', { value: e.stack, enumerable: false, configurable: true, writable: true });
  for (const key of ['code', 'failureType', 'generatedMessage', 'actual', 'expected', 'operator', 'exitCode', 'signal']) {
    if (e[key] !== undefined) (err as any)[key] = e[key];
  }
  if (e.cause !== undefined) (err as any).cause = reviveError(e.cause);
  return err;
}

const tail = (text: string, lines = 40) => text.split('\n').slice(-lines).join('\n').trim();

let cpuFiles = 0;
/** What the file's watchdog wrote at its exit (test/helpers/watchdog.mjs); removed once read. */
function readCpu(path: string): number | undefined {
  try {
    const { self, children } = JSON.parse(readFileSync(path, 'utf8'));
    return self + children;
  } catch {
    return undefined;
  } finally {
    rmSync(path, { force: true });
  }
}

function runFile(file: string, env: NodeJS.ProcessEnv, suiteDeadline: number, build: string | undefined): Promise<FileResult> {
  const started = Date.now();
  const deadline = Math.min(started + FILE_TIMEOUT_MS, suiteDeadline);
  const cpuFile = join(tmpdir(), `clientele-test-cpu-${process.pid}-${++cpuFiles}.json`);
  const code = build ? ['--enable-source-maps', join(build, relative(ROOT, file)).replace(/\.ts$/, '.js')] : ['--import', 'tsx', file];
  const args = ['--import', WATCHDOG, '--test-reporter', REPORTER, ...patterns.map((p) => `--test-name-pattern=${p}`), ...code];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    env: { ...env, CLIENTELE_TEST_CPU_FILE: cpuFile, CLIENTELE_TEST_DEADLINE: String(deadline), CLIENTELE_TEST_EVENTS_FD: '3', CLIENTELE_TEST_WATCHDOG_FD: '4', CLIENTELE_TEST_RUNNER_PID: String(process.pid) },
  });
  running.add(child);
  const events: TestEvent[] = [];
  const counters = zero();
  let diagnostics = false;
  let output = '';
  let watchdog = '';
  /** The tests executing now, outermost first (from the child's dequeue/complete events). */
  const inTests: string[] = [];

  const onEvent = (event: TestEvent) => {
    const { data } = event;
    const nesting = data.nesting ?? 0;
    if (event.type === 'test:dequeue') {
      inTests.length = nesting;
      inTests[nesting] = String(data.name);
      return;
    }
    if (event.type === 'test:complete') {
      inTests.length = nesting;
      return;
    }
    if (event.type === 'test:diagnostic' && nesting === 0) {
      const m = /^(\w+) ([\d.]+)$/.exec(data.message ?? '');
      if (m && (COUNTERS as readonly string[]).includes(m[1]!)) {
        counters[m[1] as keyof Counters] += Number(m[2]);
        diagnostics = true;
        return;
      }
      if (m?.[1] === 'duration_ms') return;
    }
    // The run reports its own plan for all the files of an engine.
    if (event.type === 'test:plan' && nesting === 0) return;
    if (data.details?.error) data.details.error = reviveError(data.details.error);
    events.push(event);
  };
  const lines = (stream: NodeJS.ReadableStream, onLine: (line: string) => void) => {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        onLine(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    });
    stream.on('end', () => buffered && onLine(buffered));
  };
  const [, stdout, stderr, eventPipe, watchdogPipe] = child.stdio as unknown as NodeJS.ReadableStream[];
  lines(eventPipe!, (line) => {
    try {
      onEvent(JSON.parse(line));
    } catch {
      output += `${line}\n`;
    }
  });
  lines(watchdogPipe!, (line) => (watchdog += line));
  for (const [stream, type] of [
    [stdout, 'test:stdout'],
    [stderr, 'test:stderr'],
  ] as const) {
    stream!.setEncoding('utf8');
    stream!.on('data', (message: string) => {
      output = (output + message).slice(-100_000);
      events.push({ type, data: { file, message } });
    });
  }

  return new Promise((resolvePromise) => {
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const deadlineTimer = setTimeout(() => {
      timedOut = true;
      // The watchdog reports at the deadline; kill once it has, or after a grace period.
      const wait = setInterval(() => {
        if (watchdog || Date.now() > deadline + REPORT_GRACE_MS) {
          clearInterval(wait);
          killTree(child);
        }
      }, 100);
      killTimer = wait;
    }, Math.max(0, deadline - Date.now()));

    child.once('exit', (code, signal) => {
      clearTimeout(deadlineTimer);
      if (killTimer) clearInterval(killTimer);
      // Whatever the file left running (servers, browsers) ends with it; its pipes may be held open by those.
      killTree(child);
      const drained = Promise.all(child.stdio.map((s) => s && !s.destroyed && new Promise((r) => s.once('close', r))));
      void Promise.race([drained, new Promise((r) => setTimeout(r, 2000))]).then(() => {
        for (const s of child.stdio) s?.destroy();
        running.delete(child);
        const durationMs = Date.now() - started;
        const name = relative(ROOT, file);
        let problem: { message: string; type?: string } | undefined;
        if (timedOut) {
          const limit = deadline - started;
          const which = deadline === suiteDeadline && limit < FILE_TIMEOUT_MS ? `the suite's time limit (${SUITE_TIMEOUT_MS / 1000} s)` : `its time limit (${limit / 1000} s)`;
          let where = '';
          try {
            const w = JSON.parse(watchdog);
            if (w.busy) where = `\nits main thread was running:\n  ${w.stack.join('\n  ')}`;
            else if (w.resources) where = `\nits main thread was idle, waiting on: ${w.resources.join(', ') || 'nothing'}`;
            else if (w.error) where = `\nthe watchdog could not tell where it stood: ${w.error}`;
          } catch {
            where = '\nthe watchdog did not report where it stood';
          }
          const tests = inTests.filter(Boolean).join(' › ');
          problem = {
            message: `${name} did not finish within ${which} and was killed, with every process it started.\n` +
              `it was running: ${tests || '(no test had reported starting: the file was loading, in a hook, or never yielded)'}${where}` +
              (output.trim() ? `\nits last output:\n${tail(output)}` : ''),
            type: 'testTimeoutFailure',
          };
        } else if (signal || !diagnostics) {
          problem = { message: `${name} ended (${signal ? `signal ${signal}` : `exit code ${code}`}) before its tests reported.\n${tail(output)}` };
        } else if (code !== 0 && counters.fail + counters.cancelled === 0) {
          problem = { message: `${name} exited with code ${code}, although no test failed.\n${tail(output)}` };
        }
        if (problem) {
          events.push(fileFailure(file, problem.message, durationMs, problem.type));
          counters.tests += 1;
          counters.fail += 1;
        }
        resolvePromise({ events, counters, durationMs, cpuSeconds: readCpu(cpuFile) });
      });
    });
    child.once('error', (err) => {
      events.push(fileFailure(file, `could not start ${relative(ROOT, file)}: ${err.message}`, 0));
    });
  });
}

/** What CLIENTELE_TEST_REPORT=path gets: each file's time and outcome, and each of its tests (scripts/test-alone.ts). */
function report(jobs: Job[]) {
  return jobs
    .filter((j) => j.result)
    .map((j) => ({
      file: relative(ROOT, j.file),
      engine: j.engine,
      ms: j.result!.durationMs,
      cpuSeconds: j.result!.cpuSeconds,
      failed: j.result!.counters.fail + j.result!.counters.cancelled,
      tests: j.result!.events
        .filter((e) => e.type === 'test:pass' || e.type === 'test:fail')
        .map((e) => ({
          name: e.data.name,
          nesting: e.data.nesting,
          suite: e.data.details?.type === 'suite',
          passed: e.type === 'test:pass',
          skipped: Boolean(e.data.skip || e.data.todo),
        })),
    }));
}

/** A queue that an async generator drains while producers add to it. */
class Channel<T> {
  private items: T[] = [];
  private wake?: () => void;
  private closed = false;
  push(item: T) {
    this.items.push(item);
    this.wake?.();
  }
  close() {
    this.closed = true;
    this.wake?.();
  }
  async *drain(): AsyncGenerator<T> {
    for (;;) {
      while (this.items.length) yield this.items.shift()!;
      if (this.closed) return;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
  }
}

interface Job {
  engine: Engine;
  file: string;
  result?: FileResult;
}

async function main(): Promise<void> {
  const passes = engines.map((engine) => ({ engine, files: selected(engine) })).filter((p) => p.files.length > 0);
  if (requested.length && passes.length === 0) {
    fail(`no test files match ${requested.map((f) => relative(process.cwd(), f)).join(' ')} (from ${relative(process.cwd(), here) || '.'})`);
  }

  try {
    await ensureBuilt(note);
  } catch (err) {
    fail((err as Error).message);
  }
  const build = THROUGH_TSX ? undefined : await compileTests();
  let pg: Postgres | undefined;
  let chromium: string | undefined;
  try {
    if (passes.some((p) => p.engine === 'postgres')) {
      pg = await providePostgres(note);
      note(`PostgreSQL pass on ${pg.description}`);
    }
    if (passes.some((p) => p.files.some(needsChromium))) chromium = await provideChromium(note);
  } catch (err) {
    await pg?.stop();
    if (err instanceof ProvisionError) fail(err.message);
    throw err;
  }
  const stopAll = () => {
    for (const child of running) killTree(child);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      stopAll();
      void (pg?.stop() ?? Promise.resolve()).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }

  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.NODE_TEST_CONTEXT;
  delete base.CLIENTELE_TEST_DB;
  if (chromium) base.CLIENTELE_CHROMIUM = chromium;
  const envFor = (engine: Engine): NodeJS.ProcessEnv => {
    if (engine !== 'postgres') return { ...base, ...(pg ? { CLIENTELE_TEST_PG: pg.url } : {}) };
    // Test files read the engine from the environment (see test/helpers/server.ts). Test data is not worth
    // an fsync per commit: the pass runs markedly faster on a real disk.
    return {
      ...base,
      CLIENTELE_TEST_PG: pg!.url,
      CLIENTELE_TEST_DB: pg!.url,
      PGOPTIONS: [process.env.PGOPTIONS, '-c synchronous_commit=off'].filter(Boolean).join(' '),
    };
  };

  const started = Date.now();
  const suiteDeadline = started + SUITE_TIMEOUT_MS;
  // The long files of every pass first, so that none of them is left running alone at the end.
  const all: Job[] = passes.flatMap((p) => p.files.map((file) => ({ engine: p.engine, file })));
  const jobs = [...all.filter((j) => isLong(j.file)), ...all.filter((j) => !isLong(j.file))];
  const done = new Channel<Job>();
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      if (Date.now() >= suiteDeadline) {
        const message = `${relative(ROOT, job.file)} did not run: the suite's time limit (${SUITE_TIMEOUT_MS / 1000} s) was reached first`;
        job.result = { events: [fileFailure(job.file, message, 0, 'testTimeoutFailure')], counters: { ...zero(), tests: 1, fail: 1 }, durationMs: 0 };
      } else {
        job.result = await runFile(job.file, envFor(job.engine), suiteDeadline, build);
      }
      done.push(job);
    }
  };
  const workers = Promise.all(Array.from({ length: Math.max(1, Math.min(CONCURRENCY, jobs.length)) }, worker)).then(() => done.close());

  /** Each pass as a suite of its own, its files' results in the order they finish, then one summary. */
  async function* events(): AsyncGenerator<TestEvent> {
    const totals = zero();
    const finished = new Map<Engine, Job[]>();
    const pending = new Map(passes.map((p) => [p.engine, p.files.length]));
    let current = 0;
    let open = false;
    let pass = zero();
    let topLevel = 0;
    let passStarted = 0;

    function* emit(job: Job): Generator<TestEvent> {
      for (const event of job.result!.events) {
        const data = { ...event.data, nesting: (event.data.nesting ?? 0) + 1 };
        if (event.data.nesting === 0 && (event.type === 'test:pass' || event.type === 'test:fail')) data.testNumber = ++topLevel;
        // A failure names its engine, also in the closing list of failing tests.
        if (event.type === 'test:fail') data.name = `${String(event.data.name)} [${job.engine}]`;
        yield { type: event.type, data };
      }
      for (const k of COUNTERS) pass[k] += job.result!.counters[k];
    }
    function* closePass(): Generator<TestEvent> {
      const { engine } = passes[current]!;
      yield { type: 'test:plan', data: { nesting: 1, count: topLevel } };
      for (const k of COUNTERS) totals[k] += pass[k];
      totals.suites += 1;
      const failed = pass.fail + pass.cancelled;
      const details: Record<string, unknown> = { duration_ms: Date.now() - passStarted, type: 'suite' };
      if (failed) {
        details.error = Object.assign(bare(`${failed} test${failed === 1 ? '' : 's'} failed on ${engine}`), {
          code: 'ERR_TEST_FAILURE',
          failureType: 'subtestsFailed',
        });
      }
      yield { type: failed ? 'test:fail' : 'test:pass', data: { name: `engine: ${engine}`, nesting: 0, testNumber: current + 1, details } };
      current++;
      open = false;
    }
    function* advance(): Generator<TestEvent> {
      while (current < passes.length) {
        const { engine } = passes[current]!;
        if (!open) {
          yield { type: 'test:start', data: { name: `engine: ${engine}`, nesting: 0 } };
          open = true;
          pass = zero();
          topLevel = 0;
          passStarted = Date.now();
        }
        const ready = finished.get(engine) ?? [];
        finished.set(engine, []);
        for (const job of ready) yield* emit(job);
        if (pending.get(engine)! > 0) return;
        yield* closePass();
      }
    }

    yield* advance();
    for await (const job of done.drain()) {
      finished.set(job.engine, [...(finished.get(job.engine) ?? []), job]);
      pending.set(job.engine, pending.get(job.engine)! - 1);
      yield* advance();
    }
    await workers;
    await pg?.stop();
    const ran = jobs.filter((j) => j.result);
    const cpu = (j: Job) => j.result!.cpuSeconds ?? 0;
    const label = (j: Job) => `${relative(ROOT, j.file)} [${j.engine}]`;
    const slowest = [...ran].sort((a, b) => b.result!.durationMs - a.result!.durationMs).slice(0, 5);
    note(`slowest files: ${slowest.map((j) => `${label(j)} ${(j.result!.durationMs / 1000).toFixed(1)} s`).join(', ')}`);
    // CPU, not wall time, is what a file costs the run on a machine where files and neighbours share the cores.
    const total = ran.reduce((sum, j) => sum + cpu(j), 0);
    if (total > 0) {
      const costliest = [...ran].sort((a, b) => cpu(b) - cpu(a)).slice(0, 8);
      note(`CPU: ${total.toFixed(0)} s in all; costliest files: ${costliest.map((j) => `${label(j)} ${cpu(j).toFixed(1)} s`).join(', ')}`);
    }
    if (process.env.CLIENTELE_TEST_REPORT) writeFileSync(process.env.CLIENTELE_TEST_REPORT, JSON.stringify(report(jobs), null, 1));
    yield { type: 'test:plan', data: { nesting: 0, count: passes.length } };
    for (const k of COUNTERS) yield { type: 'test:diagnostic', data: { nesting: 0, message: `${k} ${totals[k]}` } };
    yield { type: 'test:diagnostic', data: { nesting: 0, message: `duration_ms ${Date.now() - started}` } };
    if (totals.fail || totals.cancelled || totals.tests === 0) process.exitCode = 1;
  }

  const reporter = process.stdout.isTTY ? new spec() : tap;
  Readable.from(events()).compose(reporter).pipe(process.stdout);
}

await main();
