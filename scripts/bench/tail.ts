// `node --import tsx scripts/bench/tail.ts [--rows N] [--seconds S] [--cases a,b] [--build dir]`: where a
// case's p99 comes from. One Clientele server (the build) with scripts/bench/loop-probe.mjs preloaded, loaded
// case by case with autocannon (50 connections); per case, the latency percentiles beside the event loop's
// delay and the GC pauses over the same seconds. A p99 far above p50 with a loop delay of the same size is
// the server blocking (long synchronous work or GC), not queueing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadSeed } from '../../test/helpers/seeds.js';
import { startServerProcess } from '../../test/helpers/server-process.js';
import { seedCustomers } from './seed.js';
import { benchRequests } from './requests.js';

const { values: opt } = parseArgs({ options: { rows: { type: 'string' }, seconds: { type: 'string' }, cases: { type: 'string' } } });
const ROWS = Number(opt.rows ?? 20000);
const SECONDS = Number(opt.seconds ?? 4);
const CASES = (opt.cases ?? 'create,get-by-id,list-filter-email').split(',');
const location = mkdtempSync(join(tmpdir(), 'clientele-tail-'));
const outFile = join(location, 'probe.jsonl');
const BIG = 'Tail@contoso.onmicrosoft.com';
const WRITES = 'TailWrites@contoso.onmicrosoft.com';
const body = loadSeed('002').request.body;

let server = await startServerProcess({ entry: 'dist', location, logLevel: 'warn' });
for (const id of [BIG, WRITES]) {
  const r = await fetch(`${server.origin}/beta/solutions/bookingBusinesses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, displayName: id }) });
  if (r.status !== 201 && r.status !== 409) throw new Error(`business: ${r.status}`);
}
await server.stop();
const seeded = await seedCustomers({ location }, BIG, ROWS, JSON.parse(body));
server = await startServerProcess({
  entry: 'dist',
  location,
  logLevel: 'warn',
  nodeArgs: ['--import', join(import.meta.dirname, 'loop-probe.mjs')],
  env: { CLIENTELE_TAIL_OUT: outFile },
});
const sample = seeded.samples[0]!;
const urls = benchRequests(BIG, WRITES, sample, body);
const pid = server.pid;
let lines = 0;
const probe = async () => {
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 200; i++) {
    const all = (() => {
      try {
        return readFileSync(outFile, 'utf8').trim().split('\n').filter(Boolean);
      } catch {
        return [];
      }
    })();
    if (all.length > lines) return JSON.parse(all[(lines = all.length) - 1]!);
    await sleep(10);
  }
  throw new Error('no probe line');
};
const rows: string[] = ['| case | req/s | p50 ms | p99 ms | max ms | loop delay p50/p99/max ms | GC count, total/max ms |', '|---|---:|---:|---:|---:|---|---|'];
for (const name of CASES) {
  const u = urls[name]!;
  const load = () => autocannon({ url: server.origin + u.path, method: u.method, body: u.body, headers: u.body ? { 'content-type': 'application/json' } : undefined, connections: 50, duration: SECONDS });
  await autocannon({ url: server.origin + u.path, method: u.method, body: u.body, headers: u.body ? { 'content-type': 'application/json' } : undefined, connections: 50, duration: 1 });
  await probe();
  const res = await load();
  const p = await probe();
  rows.push(
    `| ${name} | ${Math.round(res.requests.average)} | ${res.latency.p50} | ${res.latency.p99} | ${res.latency.max} | ${p.loopDelayMs.p50}/${p.loopDelayMs.p99}/${p.loopDelayMs.max} | ${p.gc.count}, ${p.gc.totalMs}/${p.gc.maxMs} ${JSON.stringify(p.gc.byKind)} |`,
  );
}
await server.stop(20000);
process.stdout.write(rows.join('\n') + '\n');
rmSync(location, { recursive: true, force: true });
