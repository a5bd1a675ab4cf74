// Real `clientele serve` processes for scale-out tests: spawned from the sources (their compiled copy, or through
// tsx), on a port
// of their own choosing, on a store shared by every process of a test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIssuer } from '../../src/auth/dev-issuer.js';
import { nodeArgsFor, ROOT } from './paths.js';
import { freshSchema } from './postgres.js';
import { mintDefault, requester, testDbUrl, type Requester } from './server.js';

/** The flags say everything: no store settings leak in from the environment of the test run. */
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL' && !k.startsWith('CLIENTELE_')));

export interface SharedStore {
  /** `--location` (the dev issuer key, and the SQLite file) plus `--db`/`--db-schema` on PostgreSQL. */
  args: string[];
  /** A token from the dev issuer every process of the store trusts (every scope of the model). */
  token(): Promise<string>;
  dispose(): Promise<void>;
}

/** Store flags for `clientele serve` on the engine of this test run; `dispose` removes the data afterwards. */
export async function sharedStore(): Promise<SharedStore> {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-test-'));
  // Made before any server starts, so that processes starting at once all read this one key.
  const issuer = await DevIssuer.open(dir);
  const url = testDbUrl();
  const schema = url ? freshSchema(url) : undefined;
  return {
    args: ['--location', dir, ...(url ? ['--db', url, '--db-schema', schema!.name] : [])],
    token: () => mintDefault(issuer),
    async dispose() {
      await schema?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ServeProcess {
  proc: ChildProcess;
  origin: string;
  request: Requester;
  /** Every line the process wrote (stdout and stderr), as far as it has got. */
  lines: string[];
  /** Sends a signal and resolves with the exit code (or signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string | null>;
}

/** Runs `clientele serve --port 0 ...args`; resolves once it listens (with --workers: once all workers do). */
export async function spawnServe(args: string[], opts: { token?: () => Promise<string>; timeoutMs?: number } = {}): Promise<ServeProcess> {
  const workers = args.includes('--workers');
  const proc = spawn(process.execPath, [...nodeArgsFor('src/cli/entry.ts'), 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: CLEAN_ENV,
  });
  const lines: string[] = [];
  const exited = new Promise<number | string | null>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal)));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`clientele serve did not start within ${opts.timeoutMs ?? 60000} ms:\n${lines.join('\n')}`));
    }, opts.timeoutMs ?? 60000);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        lines.push(line);
        const m = workers ? /listening on (http:\/\/[^\s"]+) with/.exec(line) : /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`clientele serve exited (${code}) before listening:\n${lines.join('\n')}`));
    });
  });
  return {
    proc,
    origin,
    request: requester(origin, opts.token),
    lines,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}
