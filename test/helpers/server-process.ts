// Runs Clientele as a real child process (`clientele serve`), for the tests and scripts that need what an
// in-process server cannot give: SIGKILL mid-load, a server that must stay up whatever it is sent, RSS and
// start-up time. The server prints nothing machine-readable, so we pick a free port ourselves and poll it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { nodeArgsFor, ROOT } from './paths.js';


/** Authentication off for these servers: they test storage, input handling and speed, not tokens. */
export const AUTH_ARGS: string[] = ['--auth', 'none'];

export interface ServerProcessOptions {
  /** Data directory of the embedded store (durable, file-backed); omit for `--in-memory` unless `db` is set. */
  location?: string;
  /** PostgreSQL URL, passed as `--db`. */
  db?: string;
  /** Extra `serve` flags. */
  args?: string[];
  /**
   * 'src' runs the TypeScript sources (their compiled copy under test/run.ts, else through tsx: tests, never a
   * stale build); 'dist' runs bin/clientele.js
   * (benchmarks: what users run; needs `npm run build`).
   */
  entry?: 'src' | 'dist';
  logLevel?: string;
  /** Milliseconds to wait for the server to answer. */
  startTimeoutMs?: number;
  env?: Record<string, string>;
  /** Flags for node itself (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /**
   * Kills the server when aborted. Pass the test's `t.signal`: a test that times out is cancelled but its code
   * runs on, and a server it starts after the file's `after` hooks ran would otherwise keep the process alive.
   */
  signal?: AbortSignal;
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  /** http://127.0.0.1:port */
  origin: string;
  /** Milliseconds from spawn to the first answer. */
  startupMs: number;
  /** Everything the process wrote so far (stdout and stderr interleaved). */
  output(): string;
  /** Resident set size of the process in bytes (Linux /proc). */
  rss(): number;
  /** CPU time used so far in milliseconds. */
  cpuMs(): number;
  exited(): boolean;
  /** SIGKILL: no shutdown code runs. Resolves when the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * These tests start their own server on the embedded store. A test run that repeats every file per engine
 * (CLIENTELE_TEST_DB set for a PostgreSQL pass) runs them in the SQLite pass only: a second pass would repeat
 * exactly the same work.
 */
export function onceOnly(): string | false {
  return process.env.CLIENTELE_TEST_DB ? 'starts its own SQLite server: runs in the SQLite pass' : false;
}

/** A port nobody listens on right now (the kernel picks it; we close and hand it to the server). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]) * 1024;
}

/** CPU time (user + system) the process has used so far, in milliseconds (Linux /proc, 10 ms resolution). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name: state is field 3, utime 14, stime 15 (clock ticks, 100 per second).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export async function startServerProcess(opts: ServerProcessOptions = {}): Promise<ServerProcess> {
  opts.signal?.throwIfAborted();
  const port = await freePort();
  const store = opts.db !== undefined ? ['--db', opts.db] : opts.location !== undefined ? ['--location', opts.location] : ['--in-memory'];
  const serveArgs = ['serve', '--host', '127.0.0.1', '--port', String(port), '--log-level', opts.logLevel ?? 'warn', ...store, ...AUTH_ARGS, ...(opts.args ?? [])];
  const nodeArgs = [...(opts.nodeArgs ?? [])];
  nodeArgs.push(
    ...((opts.entry ?? 'src') === 'src'
      ? [...nodeArgsFor('src/cli/entry.ts'), ...serveArgs]
      : [join(ROOT, 'bin', 'clientele.js'), ...serveArgs]),
  );
  const started = performance.now();
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > 1_000_000) out = out.slice(-500_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitedFlag = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exitedFlag = true), resolve())));
  const onAbort = () => child.kill('SIGKILL');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  void exit.then(() => opts.signal?.removeEventListener('abort', onAbort));

  const origin = `http://127.0.0.1:${port}`;
  const deadline = started + (opts.startTimeoutMs ?? 30_000);
  let startupMs = -1;
  while (startupMs < 0) {
    opts.signal?.throwIfAborted();
    if (exitedFlag) throw new Error(`clientele serve exited with code ${child.exitCode} before answering:\n${out}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`clientele serve did not answer on ${origin} within ${opts.startTimeoutMs ?? 30_000} ms:\n${out}`);
    }
    try {
      const res = await fetch(`${origin}/beta/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      startupMs = performance.now() - started;
    } catch {
      await sleep(10);
    }
  }

  return {
    child,
    pid: child.pid!,
    port,
    origin,
    startupMs,
    output: () => out,
    rss: () => rssOf(child.pid!),
    cpuMs: () => cpuMsOf(child.pid!),
    exited: () => exitedFlag,
    async kill() {
      if (!exitedFlag) child.kill('SIGKILL');
      await exit;
    },
    async stop(graceMs = 10_000) {
      if (exitedFlag) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}
