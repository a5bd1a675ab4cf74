// Throttling across `serve --workers N`: the primary process keeps the buckets, the workers ask it. A client's
// keep-alive connection stays on one worker, so per-worker buckets would give every tenant N times its limit
// (or, split N ways, a fraction of it); one set of buckets gives exactly the configured limit. The round trip
// is a message over the cluster's IPC channel, paid only when throttling is on.
import cluster, { type Worker } from 'node:cluster';
import { tooManyRequests, type RateLimiter, type Throttle } from './throttle.js';

const ASK = 'clientele:throttle';
const ANSWER = 'clientele:throttle-answer';
/** If the primary does not answer (it is stopping), the request is let through rather than held. */
const ANSWER_TIMEOUT_MS = 1000;

interface Ask {
  type: typeof ASK;
  id: number;
  key: string;
}
interface Answer {
  type: typeof ANSWER;
  id: number;
  /** 0: go ahead; else the seconds for Retry-After. */
  wait: number;
}

/** In the primary: answers the workers' questions from one set of buckets. */
export function serveThrottleToWorkers(throttle: Throttle): void {
  cluster.on('message', (worker: Worker, msg: Ask) => {
    if (msg?.type !== ASK) return;
    const answer: Answer = { type: ANSWER, id: msg.id, wait: throttle.tryTake(String(msg.key)) };
    if (worker.isConnected()) worker.send(answer);
  });
}

/** In a worker: asks the primary. */
export class ClusterThrottle implements RateLimiter {
  private nextId = 0;
  private pending = new Map<number, (wait: number) => void>();

  constructor() {
    process.on('message', (msg: Answer) => {
      if (msg?.type !== ANSWER) return;
      this.pending.get(msg.id)?.(msg.wait);
    });
  }

  async take(key: string): Promise<void> {
    if (!process.send || !process.connected) return;
    const id = this.nextId++;
    const wait = await new Promise<number>((resolve) => {
      const timer = setTimeout(() => done(0), ANSWER_TIMEOUT_MS);
      const done = (w: number) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(w);
      };
      this.pending.set(id, done);
      process.send!({ type: ASK, id, key } satisfies Ask);
    });
    if (wait > 0) throw tooManyRequests(wait);
  }
}
