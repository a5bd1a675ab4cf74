// Runs `clientele` commands: in-process with captured output (runCli), or as the real executable
// (bin/clientele.js on the dist/ that `npm test` builds first) in a child process: one-shot commands
// (spawnCli), and `serve` as a long-running server whose JSON logs are collected (startCliServer).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { io } from '../../src/cli/util.js';
import { ROOT } from './paths.js';

/** Runs a command in-process and captures what it prints through `io`. */
export async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const { out, err } = io;
  io.out = (text) => void (stdout += text);
  io.err = (text) => void (stderr += text);
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    io.out = out;
    io.err = err;
  }
}

export { ROOT };
export const BIN = join(ROOT, 'bin', 'clientele.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Written to standard input, which is then closed. */
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Options for node itself (e.g. --import of a measuring hook). */
  nodeArgs?: string[];
  timeoutMs?: number;
}

/** The environment without the caller's CLIENTELE_* settings, so a developer's shell does not leak in. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CLIENTELE_')) env[k] = v;
  return { ...env, ...extra };
}

/** Runs the executable in a child process. */
export function spawnCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return runCommand(process.execPath, [...(opts.nodeArgs ?? []), BIN, ...args], opts);
}

/**
 * Runs any command in a child process, without blocking: a test that waits in spawnSync stops its own event
 * loop, and the keep-alive connections of its HTTP client go stale meanwhile (the server closes them, the
 * client learns it only when it next sends on one: "fetch failed").
 */
export function runCommand(file: string, args: string[], opts: Omit<CliOptions, 'nodeArgs'> = {}): Promise<CliResult> {
  const what = file === process.execPath ? `clientele ${args.slice(args.indexOf(BIN) + 1).join(' ')}` : `${file} ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: ROOT, env: childEnv(opts.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not finish within ${opts.timeoutMs ?? 60000} ms\n${stderr}`));
    }, opts.timeoutMs ?? 60000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // the command may exit before reading all of its input
    child.stdin.end(opts.input);
  });
}

export interface CliServer {
  process: ChildProcess;
  /** http://127.0.0.1:port */
  origin: string;
  /** Every JSON log line so far. */
  logs: Array<Record<string, any>>;
  stderr(): string;
  /** Resolves with the first log line that matches, waiting for it if need be. */
  waitForLog(match: (line: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Starts `clientele serve` on a free port (`--port 0`) and resolves once it listens. */
export async function startCliServer(args: string[], opts: CliOptions = {}): Promise<CliServer> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { cwd: ROOT, env: childEnv(opts.env) });
  const logs: Array<Record<string, any>> = [];
  const waiters: Array<{ match: (l: Record<string, any>) => boolean; resolve: (l: Record<string, any>) => void }> = [];
  let stderr = '';
  let buffered = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buffered += d;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      let line: Record<string, any>;
      try {
        line = JSON.parse(text);
      } catch {
        line = { unparsed: text };
      }
      logs.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitForLog = (match: (l: Record<string, any>) => boolean, timeoutMs = 30000) => {
    const found = logs.find(match);
    if (found) return Promise.resolve(found);
    return new Promise<Record<string, any>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such log line within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
      waiters.push({
        match,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${code}) before the log line; stderr: ${stderr}`));
      });
    });
  };
  // A server that never says where it listens (e.g. started with --log-level silent) must not outlive the test.
  const listening = await waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('Server listening at ')).catch((err) => {
    child.kill('SIGKILL');
    throw err;
  });
  const origin = (listening.msg as string).slice('Server listening at '.length);
  return {
    process: child,
    origin,
    logs,
    stderr: () => stderr,
    waitForLog,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A fresh temporary directory; remove it with the returned function. */
export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
