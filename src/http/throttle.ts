// Graph-like throttling: a token bucket per tenant and application (or user). Over the limit the request
// is refused with 429 TooManyRequests and a Retry-After the client can honour (the SDKs' retry handlers do).
// Buckets live in one process; with `serve --workers N` the workers ask the primary's (cluster-throttle.ts),
// so a tenant's limit is the same whatever worker its connections land on.
import { GraphError } from './errors.js';

/** What the server asks before running a request: throws 429 (or rejects with it) when over the limit. */
export interface RateLimiter {
  take(key: string): void | Promise<void>;
}

export interface ThrottleOptions {
  /** Sustained requests per second allowed per key. */
  requestsPerSecond: number;
  /** Requests allowed in a burst above the sustained rate (bucket size). */
  burst: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

export class Throttle implements RateLimiter {
  private buckets = new Map<string, Bucket>();
  private sweepAt = 0;

  constructor(
    private readonly opts: ThrottleOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(opts.requestsPerSecond > 0) || !(opts.burst >= 1)) throw new Error('throttle: requestsPerSecond must be > 0 and burst >= 1');
  }

  /** Takes one request's worth from the key's bucket, or throws 429 saying when one will be available. */
  take(key: string): void {
    const wait = this.tryTake(key);
    if (wait > 0) throw tooManyRequests(wait);
  }

  /** Takes one request's worth if there is one: 0, else the whole seconds until there will be. */
  tryTake(key: string): number {
    const t = this.now();
    this.sweep(t);
    const b = this.buckets.get(key) ?? { tokens: this.opts.burst, updated: t };
    b.tokens = Math.min(this.opts.burst, b.tokens + ((t - b.updated) / 1000) * this.opts.requestsPerSecond);
    b.updated = t;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.opts.requestsPerSecond));
  }

  /** Forgets buckets that have refilled completely, so idle keys cost no memory. */
  private sweep(t: number): void {
    if (t < this.sweepAt) return;
    this.sweepAt = t + 60_000;
    const full = (this.opts.burst / this.opts.requestsPerSecond) * 1000;
    for (const [k, b] of this.buckets) if (t - b.updated > full) this.buckets.delete(k);
  }
}

export function tooManyRequests(retryAfterSeconds: number): GraphError {
  return new GraphError(429, 'TooManyRequests', 'Please retry again later.', { 'retry-after': String(retryAfterSeconds) });
}
