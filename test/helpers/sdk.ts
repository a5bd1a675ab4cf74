// The official Graph SDKs against a real Clientele: the server runs as its own process (the `clientele serve`
// command, https with the development certificate, a temporary data directory), and the SDK test files run
// in another process that trusts the development CA through NODE_EXTRA_CA_CERTS, which Node.js reads only at
// start-up. Their results are reported here, test by test, as tests of the calling file.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { runCli } from './cli.js';
import { nodeArgsFor, ROOT } from './paths.js';

const CLI = nodeArgsFor('test/helpers/clientele-main.ts');
const REPORTER = join(ROOT, 'test/helpers/json-reporter.mjs');
// Generous: a loaded 2-core machine has taken 10 s to start a server under tsx with a new certificate.
const START_TIMEOUT_MS = 60_000;

export interface ClienteleProcess {
  /** https://localhost:port */
  origin: string;
  location: string;
  /** The development CA that signed the server's certificate. */
  caFile: string;
  /** A token from this server's dev issuer, by `clientele token` with these arguments. */
  token(args?: string[]): Promise<string>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** More `clientele serve` arguments, e.g. ['--throttle', '1:2']. */
  args?: string[];
  /** Serve with the development certificate of another server (one CA for the SDK process to trust). */
  certificateOf?: ClienteleProcess;
}

/** Runs `clientele serve` from source in its own process on a free port and waits until it listens. */
export async function startClienteleProcess(opts: StartOptions = {}): Promise<ClienteleProcess> {
  const location = mkdtempSync(join(tmpdir(), 'clientele-sdk-'));
  const tlsArgs = opts.certificateOf
    ? ['--cert', join(opts.certificateOf.location, 'tls/cert.pem'), '--key', join(opts.certificateOf.location, 'tls/key.pem')]
    : ['--tls', 'dev'];
  const child = spawn(
    process.execPath,
    [...CLI, 'serve', '--location', location, '--port', '0', '--log-level', 'info', ...tlsArgs, ...(opts.args ?? [])],
    { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // Never outlive this test process, even when it ends without reaching stop().
  const killOnExit = () => child.kill();
  process.once('exit', killOnExit);
  let output = '';
  const port = await new Promise<string>((resolvePort, reject) => {
    const timer = setTimeout(() => fail(new Error(`clientele serve did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`${err.message}\n${output}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Server listening at https:\/\/[^"\s]+:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolvePort(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`clientele serve exited with code ${code}`)));
    child.once('error', fail);
  });
  const caFile = opts.certificateOf?.caFile ?? join(location, 'tls/ca.pem');
  return {
    origin: `https://localhost:${port}`,
    location,
    caFile,
    async token(args = []) {
      const out = await runCli(['token', '--location', location, ...args]);
      if (out.code !== 0) throw new Error(`clientele token failed: ${out.stderr}`);
      return out.stdout.trim();
    },
    async stop() {
      process.off('exit', killOnExit);
      await stopProcess(child);
      rmSync(location, { recursive: true, force: true });
    },
  };
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

/** The environment for child processes: this one's, without the marker that makes node:test act as a worker. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

interface ChildResult {
  passed: boolean;
  name: string;
  nesting: number;
  suite: boolean;
  skip?: string | boolean;
  failureType?: string;
  error?: string;
}

/**
 * Runs a node:test file in a child process with `env` (NODE_EXTRA_CA_CERTS among it) and declares one test
 * here per test there, named "suite > test", passing or failing as it did.
 */
export async function runTestFileInChild(file: string, env: Record<string, string>): Promise<void> {
  // The file itself is the test process (no --test, which would start yet another process for it).
  const child = spawn(process.execPath, [`--test-reporter=${REPORTER}`, ...nodeArgsFor(file)], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((done) => child.once('close', done));

  const results: ChildResult[] = [];
  const lines = stdout.split('\n').filter((l) => l.startsWith('{'));
  for (const line of lines) {
    const r = JSON.parse(line) as ChildResult;
    if (!r.suite) {
      results.push(r);
      continue;
    }
    // Events arrive children first: the trailing results nested deeper than this suite are its own.
    for (let i = results.length - 1; i >= 0 && results[i]!.nesting > r.nesting; i--) {
      results[i]!.name = `${r.name} > ${results[i]!.name}`;
      results[i]!.nesting = r.nesting;
    }
    if (!r.passed && r.failureType !== 'subtestsFailed') results.push({ ...r, name: `${r.name} (suite)` });
  }

  for (const r of results) {
    it(r.name, { skip: r.skip }, () => {
      if (!r.passed) throw new Error(`${r.name} failed in ${file}:\n${r.error}`);
    });
  }
  // A crash outside any test (or a reporter that never ran) must not pass silently.
  if (code !== 0 && results.every((r) => r.passed)) {
    it(`${file} runs`, () => {
      throw new Error(`${file} exited with code ${code}:\n${stderr}\n${stdout}`);
    });
  }
  if (results.length === 0 && code === 0) {
    it(`${file} runs tests`, () => {
      throw new Error(`${file} ran no test:\n${stderr}`);
    });
  }
}
