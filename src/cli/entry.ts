// The executable's body: bin/clientele.js runs the compiled copy; tests run this file through tsx.
import cluster from 'node:cluster';
import { main } from './main.js';

const code = await main(process.argv.slice(2));
if (code !== 0) {
  process.exitCode = code;
  // A cluster worker's channel to its primary would keep the failed process alive.
  if (cluster.isWorker) process.exit(code);
}
