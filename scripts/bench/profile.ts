// `node --import tsx scripts/bench/profile.ts [--rows N] [--seconds S] [--cases a,b] [--db url]`: one Clientele
// server (the build) under `node --cpu-prof`, loaded case by case with autocannon, then the profile summarised by
// self time per function and per module. What docs/benchmarks.md's profiles come from.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadSeed } from '../../test/helpers/seeds.js';
import { startServerProcess } from '../../test/helpers/server-process.js';
import { seedCustomers } from './seed.js';
import { benchRequests } from './requests.js';

const { values: opt } = parseArgs({
  options: { rows: { type: 'string' }, seconds: { type: 'string' }, cases: { type: 'string' }, db: { type: 'string' }, top: { type: 'string' } },
});
const ROWS = Number(opt.rows ?? 20000);
const SECONDS = Number(opt.seconds ?? 5);
const CASES = (opt.cases ?? 'get-by-id,list-page-1').split(',');
const schemaArgs = opt.db ? ['--db-schema', 'clientele_profile'] : [];
const location = mkdtempSync(join(tmpdir(), 'clientele-profile-'));
const profDir = join(location, 'prof');
const BIG = 'Profile@contoso.onmicrosoft.com';
const body = loadSeed('002').request.body;

let server = await startServerProcess({ entry: 'dist', location: opt.db ? undefined : location, db: opt.db, args: schemaArgs, logLevel: 'warn' });
const r = await fetch(`${server.origin}/beta/solutions/bookingBusinesses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: BIG, displayName: 'P' }) });
if (r.status !== 201 && r.status !== 409) throw new Error(`business: ${r.status}`);
await server.stop();
const seeded = await seedCustomers(Object.assign({ location }, opt.db ? { db: opt.db, dbSchema: 'clientele_profile' } : {}), BIG, ROWS, JSON.parse(body));
server = await startServerProcess({ entry: 'dist', location: opt.db ? undefined : location, db: opt.db, args: schemaArgs, logLevel: 'warn', nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] });
const sample = seeded.samples[0]!;
// profile.ts seeds one business: its creates go there too.
const urls = benchRequests(BIG, BIG, sample, body);
for (const name of CASES) {
  const u = urls[name]!;
  const res = await autocannon({ url: server.origin + u.path, method: u.method, body: u.body, headers: u.body ? { 'content-type': 'application/json' } : undefined, connections: 50, duration: SECONDS });
  process.stderr.write(`${name}: ${Math.round(res.requests.average)} req/s, non2xx ${res.non2xx}\n`);
}
await server.stop(20000);
const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!;
const prof = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as { nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number }> };
const total = prof.nodes.reduce((s, n) => s + n.hitCount, 0);
const byFn = new Map<string, number>();
const byModule = new Map<string, number>();
for (const n of prof.nodes) {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'nm:').replace(/.*\/dist\//, 'dist/');
  const mod = url.startsWith('nm:') ? url.split('/').slice(0, url.startsWith('nm:@') ? 2 : 1).join('/') : url || `(${n.callFrame.functionName})`;
  const fn = `${n.callFrame.functionName || '(anon)'} ${url}:${n.callFrame.lineNumber}`;
  byFn.set(fn, (byFn.get(fn) ?? 0) + n.hitCount);
  byModule.set(mod, (byModule.get(mod) ?? 0) + n.hitCount);
}
const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)}%  ${name}`).join('\n');
process.stdout.write(`self time by module:\n${top(byModule, 30)}\n\nself time by function:\n${top(byFn, Number(opt.top ?? 40))}\n`);
rmSync(location, { recursive: true, force: true });
