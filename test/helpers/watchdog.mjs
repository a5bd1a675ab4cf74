// Loaded (--import) into every test file process that test/run.ts starts. When the file's deadline comes
// (CLIENTELE_TEST_DEADLINE, epoch milliseconds), a worker thread reports what the main thread is doing: its
// JavaScript stack, mapped to the TypeScript sources, or, when it is idle, what it is waiting on. The report
// goes to file descriptor CLIENTELE_TEST_WATCHDOG_FD as one JSON line; the runner then ends the process.
// A worker, because a main thread stuck in a loop runs none of its own timers or signal handlers.
// Should the runner itself die (killed, say), the worker ends this process's group: the file and whatever
// it started (the runner gives each file a process group of its own).
import { readFileSync, writeFileSync } from 'node:fs';
import { isMainThread, Worker } from 'node:worker_threads';

const deadline = Number(process.env.CLIENTELE_TEST_DEADLINE);
const fd = Number(process.env.CLIENTELE_TEST_WATCHDOG_FD);
const parent = Number(process.env.CLIENTELE_TEST_RUNNER_PID);
if (isMainThread && deadline > 0 && fd > 2) {
  const worker = new Worker(new URL('./watchdog-worker.mjs', import.meta.url), { workerData: { deadline, fd, parent }, execArgv: [], stdout: false, stderr: false });
  worker.unref();
  worker.on('error', () => {});
}

// The CPU the file cost, for the runner's summary (CLIENTELE_TEST_CPU_FILE): this process's own and that of the
// children it waited for (CLI runs, browsers), from /proc (clock ticks of 10 ms). Node reports neither for a
// child process, and wall time on a shared machine says more about the neighbours than about the file.
const cpuFile = process.env.CLIENTELE_TEST_CPU_FILE;
if (isMainThread && cpuFile) {
  process.once('exit', () => {
    try {
      const stat = readFileSync('/proc/self/stat', 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
      // Fields 14-17 of proc(5) (utime, stime, cutime, cstime) are 11-14 after the name.
      writeFileSync(cpuFile, JSON.stringify({ self: (f[11] + f[12]) / 100, children: (f[13] + f[14]) / 100 }));
    } catch {}
  });
}
