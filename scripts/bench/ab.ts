// `node --import tsx scripts/bench/ab.ts --base <dir> [--rows N] [--seconds S] [--rounds R] [--cases a,b] [--db url]`:
// two builds side by side on the same data, for telling what one change bought on a machine shared with other
// work. <dir> holds another build of Clientele (bin/clientele.js and dist/, e.g. `git archive <commit>` built
// with tsc); this checkout's build is the other. Each case runs R rounds, A then B then B then A..., and the
// medians of CPU µs per request (from /proc) and req/s are reported: both servers see the same load.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadSeed } from '../../test/helpers/seeds.js';
import { cpuMsOf, freePort } from '../../test/helpers/server-process.js';
import { seedCustomers } from './seed.js';
import { benchRequests } from './requests.js';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' },
    rows: { type: 'string' },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    cases: { type: 'string' },
    db: { type: 'string' },
  },
});
if (!opt.base) throw new Error('--base <dir of the other build> is required');
const ROWS = Number(opt.rows ?? 20000);
const SECONDS = Number(opt.seconds ?? 3);
const ROUNDS = Number(opt.rounds ?? 4);
const CASES = (opt.cases ?? 'create,get-by-id,list-filter-email,list-page-1').split(',');
const ROOT = join(import.meta.dirname, '..', '..');
const BIG = 'AB@contoso.onmicrosoft.com';
const WRITES = 'ABWrites@contoso.onmicrosoft.com';
const body = loadSeed('002').request.body;
const dbArgs = opt.db ? ['--db', opt.db, '--db-schema', 'clientele_ab'] : [];

async function start(build: string, location: string) {
  const port = await freePort();
  const store = opt.db ? dbArgs : ['--location', location];
  const child = spawn(process.execPath, [join(build, 'bin', 'clientele.js'), 'serve', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warn', '--auth', 'none', ...store], {
    cwd: build,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${build}: the server exited`);
    try {
      if ((await fetch(`${origin}/beta/`)).ok) break;
    } catch {
      if (i > 3000) throw new Error(`${build}: the server did not start`);
      await sleep(20);
    }
  }
  const exit = new Promise((r) => child.once('exit', r));
  return { origin, pid: child.pid!, stop: async () => void (child.kill('SIGTERM'), await exit) };
}

const dirA = mkdtempSync(join(tmpdir(), 'clientele-ab-a-'));
const dirB = mkdtempSync(join(tmpdir(), 'clientele-ab-b-'));
let s = await start(ROOT, dirA);
for (const id of [BIG, WRITES]) {
  await fetch(`${s.origin}/beta/solutions/bookingBusinesses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, displayName: id }) });
}
await s.stop();
const seeded = await seedCustomers(Object.assign({ location: dirA }, opt.db ? { db: opt.db, dbSchema: 'clientele_ab' } : {}), BIG, ROWS, JSON.parse(body));
if (!opt.db) cpSync(dirA, dirB, { recursive: true });
const sample = seeded.samples[0]!;
const urls = benchRequests(BIG, WRITES, sample, body);
const servers = { A: await start(opt.base, dirB), B: await start(ROOT, dirA) };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const lines = [`A = ${opt.base}, B = ${ROOT}; ${ROWS} customers, ${ROUNDS} rounds of ${SECONDS} s per server and case, 50 connections`, '', '| case | A CPU µs/req | B CPU µs/req | B/A CPU | A req/s | B req/s |', '|---|---:|---:|---:|---:|---:|'];
for (const name of CASES) {
  const u = urls[name]!;
  const got: Record<'A' | 'B', { cpu: number[]; rps: number[] }> = { A: { cpu: [], rps: [] }, B: { cpu: [], rps: [] } };
  for (let r = 0; r < ROUNDS; r++) {
    for (const which of (r % 2 ? ['B', 'A'] : ['A', 'B']) as Array<'A' | 'B'>) {
      const srv = servers[which];
      const before = cpuMsOf(srv.pid);
      const res = await autocannon({ url: srv.origin + u.path, method: u.method, body: u.body, headers: u.body ? { 'content-type': 'application/json' } : undefined, connections: 50, duration: SECONDS });
      if (res.non2xx || res.errors) throw new Error(`${which} ${name}: ${res.non2xx} non-2xx, ${res.errors} errors`);
      got[which].cpu.push(((cpuMsOf(srv.pid) - before) * 1000) / res.requests.total);
      got[which].rps.push(res.requests.average);
    }
  }
  const a = median(got.A.cpu);
  const b = median(got.B.cpu);
  const line = `| ${name} | ${Math.round(a)} | ${Math.round(b)} | ${(b / a).toFixed(2)} | ${Math.round(median(got.A.rps))} | ${Math.round(median(got.B.rps))} |`;
  process.stderr.write(`${line}\n`);
  lines.push(line);
}
await servers.A.stop();
await servers.B.stop();
rmSync(dirA, { recursive: true, force: true });
rmSync(dirB, { recursive: true, force: true });
process.stdout.write(`${lines.join('\n')}\n`);
