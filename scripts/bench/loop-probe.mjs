// Preloaded into a server by scripts/bench/tail.ts (`--import`): event-loop delay (perf_hooks) and GC pauses,
// written as one JSON line to the file in CLIENTELE_TAIL_OUT whenever the process gets SIGUSR2 (and reset).
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { appendFileSync } from 'node:fs';

const out = process.env.CLIENTELE_TAIL_OUT;
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
let gc = { count: 0, totalMs: 0, maxMs: 0, byKind: {} };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gc.count++;
    gc.totalMs += e.duration;
    gc.maxMs = Math.max(gc.maxMs, e.duration);
    const kind = String(e.detail?.kind ?? '?');
    const k = (gc.byKind[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    k.count++;
    k.totalMs += e.duration;
    k.maxMs = Math.max(k.maxMs, e.duration);
  }
}).observe({ entryTypes: ['gc'] });
process.on('SIGUSR2', () => {
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  const line = {
    loopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), mean: ms(delay.mean) },
    gc: { ...gc, totalMs: Math.round(gc.totalMs), maxMs: Math.round(gc.maxMs * 10) / 10 },
    heapMB: Math.round(process.memoryUsage().heapUsed / 1e6),
  };
  if (out) appendFileSync(out, JSON.stringify(line) + '\n');
  delay.reset();
  gc = { count: 0, totalMs: 0, maxMs: 0, byKind: {} };
});
