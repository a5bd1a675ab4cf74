// Prometheus metrics (prom-client): HTTP requests by route and status, request latency, store timings, and
// the Node process defaults. One registry per server, so several servers in one process (tests) stay apart.
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { CheapHistogram, type HistogramChild } from './cheap-histogram.js';
import type { ResolvedPath } from '../odata/path.js';
import type { Store } from '../store/store.js';

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STORE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

export interface MetricsOptions {
  /** Node process metrics (CPU, memory, event loop lag, GC). */
  defaultMetrics?: boolean;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly requestDuration: CheapHistogram<'method' | 'route' | 'status'>;
  private readonly storeDuration: CheapHistogram<'operation' | 'table' | 'outcome'>;

  constructor(opts: MetricsOptions = {}) {
    const requestSeries = this.requestSeries;
    this.requests = new Counter({
      name: 'clientele_http_requests_total',
      help: 'HTTP requests served, by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
      // Counted on each series (a field increment per request) and handed to prom-client when scraped:
      // its inc() hashes the labels on every call.
      collect() {
        this.reset();
        for (const series of requestSeries.values()) this.inc(series.labels, series.count);
      },
    });
    this.requestDuration = new CheapHistogram(
      'clientele_http_request_duration_seconds',
      'Time from receiving a request to finishing its response, by method, route template and status code.',
      ['method', 'route', 'status'],
      HTTP_BUCKETS,
      this.registry,
    );
    this.storeDuration = new CheapHistogram(
      'clientele_store_operation_duration_seconds',
      'Time spent in store operations, by operation, table and outcome (ok or error).',
      ['operation', 'table', 'outcome'],
      STORE_BUCKETS,
      this.registry,
    );
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'clientele_' });
  }

  private readonly requestSeries = new Map<string, { labels: { method: string; route: string; status: string }; duration: HistogramChild; count: number }>();

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    // Routes are templates and statuses few: the label sets are a small, bounded set, made once each.
    const key = `${method} ${status} ${route}`;
    let series = this.requestSeries.get(key);
    if (!series) {
      const labels = { method, route, status: String(status) };
      this.requestSeries.set(key, (series = { labels, duration: this.requestDuration.child(labels), count: 0 }));
    }
    series.count++;
    series.duration.observe(seconds);
  }

  /**
   * The store, with every asynchronous operation timed. A Proxy rather than a wrapper class, so operations
   * added to the Store interface later are timed without touching this file.
   */
  instrumentStore(store: Store): Store {
    const histogram = this.storeDuration;
    // One label set per (operation, table, outcome), made once: requests only look them up.
    const children = new Map<string, HistogramChild>();
    const seriesFor = (operation: string, table: string, outcome: 'ok' | 'error') => {
      const key = `${operation}\0${table}\0${outcome}`;
      let child = children.get(key);
      if (!child) children.set(key, (child = histogram.child({ operation, table, outcome })));
      return child;
    };
    const instrument = (target: Store): Store => {
      // The timed function of each operation, made once per store rather than on every property read.
      const wrapped = new Map<string, (...args: unknown[]) => unknown>();
      return new Proxy(target, {
        get(obj, prop, receiver) {
          const value = Reflect.get(obj, prop, receiver);
          if (typeof value !== 'function' || typeof prop !== 'string') return value;
          let fn = wrapped.get(prop);
          if (fn) return fn;
          fn = function (this: unknown, ...args: unknown[]) {
            // A transaction hands fn a store bound to it: time that one too.
            if (prop === 'transaction' && typeof args[0] === 'function') {
              const inner = args[0] as (s: Store) => Promise<unknown>;
              args = [(s: Store) => inner(instrument(s))];
            }
            const started = performance.now();
            const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
            if (!(result instanceof Promise)) return result;
            const table = tableLabel(args[0]);
            return result.then(
              (v) => {
                seriesFor(prop, table, 'ok').observe((performance.now() - started) / 1000);
                return v;
              },
              (err) => {
                seriesFor(prop, table, 'error').observe((performance.now() - started) / 1000);
                throw err;
              },
            );
          };
          wrapped.set(prop, fn);
          return fn;
        },
      });
    };
    return instrument(store);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
  get contentType(): string {
    return this.registry.contentType;
  }
}

function tableLabel(arg: unknown): string {
  const name = (arg as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '';
}

/**
 * A bounded route label for a Graph request: declared segment names with keys replaced, such as
 * `/beta/solutions/bookingBusinesses/{id}/customers`. Keys never reach a label (they are unbounded).
 */
export function routeTemplate(version: string, path: ResolvedPath): string {
  const parts = path.steps.map((s) => (s.key !== undefined ? `${s.name}/{id}` : s.name));
  if (path.property) parts.push(path.property.name);
  if (path.suffix) parts.push(path.suffix);
  return `/${version}/${parts.join('/')}`;
}
