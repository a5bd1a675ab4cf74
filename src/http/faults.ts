// Fault injection, for people testing their own resilience (off unless configured): a seeded, deterministic
// share of API requests fails with a real Graph error before it does anything, with the headers a client
// needs (Retry-After on 429 and 503). A request can also ask for one fault by header when faults are enabled.
import { seededRandom } from '../util/seeded-random.js';
import { GraphError } from './errors.js';
import { tooManyRequests } from './throttle.js';

export const FAULT_STATUSES = [429, 500, 503, 504] as const;
export type FaultStatus = (typeof FAULT_STATUSES)[number];

export interface FaultOptions {
  /** Share of requests that fail, 0..1. */
  rate: number;
  /** Seed of the pseudo-random sequence: the same seed and request order give the same faults. */
  seed: number;
  /** Which errors to pick from (uniformly). */
  statuses: FaultStatus[];
  /** Retry-After seconds on 429/503. */
  retryAfterSeconds?: number;
}

/** The header a client may send to get one specific fault (e.g. `x-clientele-fault: 503`). */
export const FAULT_HEADER = 'x-clientele-fault';

export function faultError(status: FaultStatus, retryAfterSeconds = 1): GraphError {
  switch (status) {
    case 429:
      return tooManyRequests(retryAfterSeconds);
    case 503:
      return new GraphError(503, 'ServiceUnavailable', 'The service is temporarily unavailable. Please retry later.', {
        'retry-after': String(retryAfterSeconds),
      });
    case 504:
      return new GraphError(504, 'GatewayTimeout', 'The request timed out before the service could answer.');
    case 500:
      return new GraphError(500, 'InternalServerError', 'The service encountered an internal error. Please retry the request.');
  }
}

export class FaultInjector {
  private random: () => number;

  constructor(private readonly opts: FaultOptions) {
    if (!(opts.rate >= 0 && opts.rate <= 1)) throw new Error('faults: rate must be between 0 and 1');
    if (opts.statuses.length === 0) throw new Error('faults: at least one status is needed');
    this.random = seededRandom(opts.seed);
  }

  /** Throws the fault this request gets, if any. */
  maybeFail(requested: string | undefined): void {
    if (requested !== undefined) {
      const status = Number(requested) as FaultStatus;
      if (!FAULT_STATUSES.includes(status)) {
        throw new GraphError(400, 'BadRequest', `${FAULT_HEADER} must be one of ${FAULT_STATUSES.join(', ')}.`);
      }
      throw faultError(status, this.opts.retryAfterSeconds);
    }
    if (this.opts.rate === 0 || this.random() >= this.opts.rate) return;
    const status = this.opts.statuses[Math.floor(this.random() * this.opts.statuses.length)]!;
    throw faultError(status, this.opts.retryAfterSeconds);
  }
}

/** Parses `rate=0.1,seed=42,status=429|503,retry-after=2` (the CLI and env form). */
export function parseFaultSpec(spec: string): FaultOptions {
  const opts: FaultOptions = { rate: 0, seed: 1, statuses: [...FAULT_STATUSES] };
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, value = ''] = part.split('=', 2).map((s) => s.trim()) as [string, string?];
    switch (key) {
      case 'rate':
        opts.rate = Number(value);
        if (!(opts.rate >= 0 && opts.rate <= 1)) throw new Error(`faults: rate '${value}' is not between 0 and 1`);
        break;
      case 'seed':
        opts.seed = Number(value);
        if (!Number.isInteger(opts.seed)) throw new Error(`faults: seed '${value}' is not an integer`);
        break;
      case 'status':
        opts.statuses = value.split('|').map((v) => {
          const n = Number(v) as FaultStatus;
          if (!FAULT_STATUSES.includes(n)) throw new Error(`faults: status '${v}' is not one of ${FAULT_STATUSES.join(', ')}`);
          return n;
        });
        break;
      case 'retry-after':
        opts.retryAfterSeconds = Number(value);
        if (!Number.isInteger(opts.retryAfterSeconds) || opts.retryAfterSeconds < 0) throw new Error(`faults: retry-after '${value}' is not a whole number`);
        break;
      default:
        throw new Error(`faults: unknown setting '${key}' (use rate, seed, status, retry-after)`);
    }
  }
  return opts;
}
