// The executable's body: bin/clientele.js runs the compiled copy; tests run this file through tsx.
import cluster from 'node:cluster';
import { main } from './main.js';

// `npx clientele serve` (and `npm run`) start us through `sh -c`: a signal to npm's PID reaches the shell,
// which dies without passing it on, and we would serve on as an orphan. Started by npm, we therefore treat
// our parent's end as SIGTERM (a graceful shutdown). Elsewhere an orphan may be meant (nohup, daemons).
if (cluster.isPrimary && process.env.npm_command !== undefined) {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 250).unref();
}

const code = await main(process.argv.slice(2));
if (code !== 0) {
  process.exitCode = code;
  // A cluster worker's channel to its primary would keep the failed process alive.
  if (cluster.isWorker) process.exit(code);
}
