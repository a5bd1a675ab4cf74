// `node --import tsx scripts/bench/inject-ab.ts --base <dir> [--rows N] [--requests N] [--rounds R] [--cases …] [--db url]`:
// two builds of Clientele in one process (this checkout's dist/ and <dir>/dist/, each its own module graph), on
// copies of the same SQLite data, driven through Fastify's inject (no sockets, one request at a time). Rounds
// alternate A and B, and the medians of CPU µs per request are reported. With no load generator and no
// queueing, this is steadier than the HTTP bench on a machine busy with other work; it leaves out the socket
// and HTTP parsing, which are the same in both builds.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSeed } from '../../test/helpers/seeds.js';
import { seedCustomers } from './seed.js';
import { benchRequests } from './requests.js';

const { values: opt } = parseArgs({
  options: { base: { type: 'string' }, rows: { type: 'string' }, requests: { type: 'string' }, rounds: { type: 'string' }, cases: { type: 'string' }, db: { type: 'string' } },
});
if (!opt.base) throw new Error('--base <dir of the other build> is required');
const ROWS = Number(opt.rows ?? 20000);
const REQUESTS = Number(opt.requests ?? 300);
const ROUNDS = Number(opt.rounds ?? 5);
const CASES = (opt.cases ?? 'create,get-by-id,get-by-id-v1,list-filter-email,list-page-1,list-select').split(',');
const ROOT = join(import.meta.dirname, '..', '..');
const BIG = 'AB@contoso.onmicrosoft.com';
const WRITES = 'ABWrites@contoso.onmicrosoft.com';
const body = loadSeed('002').request.body;

type Build = { createClientele(config: Record<string, unknown>): Promise<{ app: any; close(): Promise<void> }> };
const load = (dir: string) => import(pathToFileURL(join(dir, 'dist', 'app.js')).href) as Promise<Build>;
const [buildA, buildB] = await Promise.all([load(opt.base), load(ROOT)]);
// --db: both builds on one PostgreSQL schema (seeded once) instead of copies of a SQLite file.
const config = (location: string) =>
  Object.assign({ location, logger: false, auth: { mode: 'none' as const }, notifications: { deliver: false } }, opt.db ? { db: opt.db, dbSchema: 'clientele_iab' } : {});

const dirA = mkdtempSync(join(tmpdir(), 'clientele-iab-a-'));
const dirB = mkdtempSync(join(tmpdir(), 'clientele-iab-b-'));
{
  const c = await buildB.createClientele(config(dirB));
  for (const id of [BIG, WRITES]) await c.app.inject({ method: 'POST', url: '/beta/solutions/bookingBusinesses', payload: { id, displayName: id } });
  await c.close();
}
const seeded = await seedCustomers(config(dirB), BIG, ROWS, JSON.parse(body));
if (!opt.db) cpSync(dirB, dirA, { recursive: true });
const sample = seeded.samples[0]!;
const urls = benchRequests(BIG, WRITES, sample, body);
const servers = { A: await buildA.createClientele(config(dirA)), B: await buildB.createClientele(config(dirB)) };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const lines = [
  `A = ${opt.base}, B = ${ROOT}; ${ROWS} customers, ${ROUNDS} rounds of ${REQUESTS} sequential injected requests per build and case`,
  '',
  '| case | A CPU µs/req | B CPU µs/req | B/A |',
  '|---|---:|---:|---:|',
];
for (const name of CASES) {
  const { method, path, body: payload } = urls[name]!;
  const u = { method, url: path, payload };
  const headers = payload ? { 'content-type': 'application/json' } : {};
  const cpu: Record<'A' | 'B', number[]> = { A: [], B: [] };
  // The same answer from both, first (bodies differ only in generated ids and stamps for creates).
  const [ra, rb] = [await servers.A.app.inject({ ...u, headers }), await servers.B.app.inject({ ...u, headers })];
  if (ra.statusCode !== rb.statusCode || (u.method === 'GET' && ra.body !== rb.body)) throw new Error(`${name}: the builds answer differently:\n${ra.body}\n${rb.body}`);
  for (let r = 0; r < ROUNDS; r++) {
    for (const which of (r % 2 ? ['B', 'A'] : ['A', 'B']) as Array<'A' | 'B'>) {
      const app = servers[which].app;
      for (let i = 0; i < 20; i++) await app.inject({ ...u, headers });
      const t0 = process.cpuUsage();
      for (let i = 0; i < REQUESTS; i++) await app.inject({ ...u, headers });
      const d = process.cpuUsage(t0);
      cpu[which].push((d.user + d.system) / REQUESTS);
    }
  }
  const a = median(cpu.A);
  const b = median(cpu.B);
  const line = `| ${name} | ${Math.round(a)} | ${Math.round(b)} | ${(b / a).toFixed(2)} |`;
  process.stderr.write(`${line}\n`);
  lines.push(line);
}
await servers.A.close();
await servers.B.close();
rmSync(dirA, { recursive: true, force: true });
rmSync(dirB, { recursive: true, force: true });
process.stdout.write(`${lines.join('\n')}\n`);
