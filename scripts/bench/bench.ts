// `npm run bench [-- options]`: Clientele against a bare Fastify server, both driven by autocannon on 127.0.0.1.
// Not part of `npm test`: it takes a few minutes and its numbers depend on the machine.
//
// Cases: POST create customer (the seed 002 body), GET customer by id, GET list filtered on email, and GET page
// 1000 of a business of --rows customers (reached by following @odata.nextLink) against page 1 with the same
// page size. Also start-up time, RSS idle and after load, and how long the direct seeding took.
// Results: bench-results/bench-<engine>-<time>.json and .md (gitignored), and the markdown on stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { ClienteleConfig } from '../../src/app.js';
import { loadSeed } from '../../test/helpers/seeds.js';
import { cpuMsOf, freePort, startServerProcess, type ServerProcess } from '../../test/helpers/server-process.js';
import { seedCustomers } from './seed.js';

const ROOT = join(import.meta.dirname, '..', '..');
const HELP = `Usage: npm run bench -- [options]

  --db <url>           run Clientele on PostgreSQL (passed to 'clientele serve --db'); default: embedded SQLite
  --db-schema <name>   PostgreSQL schema for the bench's tables (default clientele_bench; reused across runs)
  --rows <n>           customers in the paged business (default 1000000)
  --connections <n>    autocannon connections (default 50)
  --duration <s>       seconds measured per case and server (default 10)
  --warmup <s>         seconds of unmeasured load before each measurement (default 2)
  --out <dir>          where results go (default bench-results)
  --only <names>       comma-separated cases to run (create,get-by-id,get-by-id-v1,list-filter-email,list-page-1,
                       list-select,list-page-1000)
  --peer               also run json-server 0.17 on the cases it can serve (create, get by id, a page of 100),
                       installed with npm into a temporary directory for the run (not a project dependency)
  --keep               keep the SQLite data directory (printed) instead of deleting it
  --data <dir>         SQLite data directory to use and keep: one a previous run kept (--keep) is reused as it
                       is when its paging business holds --rows customers (seeding a million takes minutes)
`;

const { values: opt } = parseArgs({
  options: {
    db: { type: 'string' },
    'db-schema': { type: 'string' },
    rows: { type: 'string' },
    connections: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    out: { type: 'string' },
    only: { type: 'string' },
    keep: { type: 'boolean' },
    data: { type: 'string' },
    peer: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (opt.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const ROWS = Number(opt.rows ?? 1_000_000);
const CONNECTIONS = Number(opt.connections ?? 50);
const DURATION = Number(opt.duration ?? 10);
const WARMUP = Number(opt.warmup ?? 2);
const OUT = join(ROOT, opt.out ?? 'bench-results');
const ONLY = opt.only?.split(',').map((s) => s.trim());
const ENGINE = opt.db ? 'postgres' : 'sqlite';
const PAGE_SIZE = 100; // the server's default page size: page 1000 starts after row 99 900
const PAGE = 1000;
if (ROWS < PAGE * PAGE_SIZE) throw new Error(`--rows must be at least ${PAGE * PAGE_SIZE} to have a page ${PAGE}`);

const BIG = 'Bench1M@contoso.onmicrosoft.com';
const WRITES = 'BenchWrites@contoso.onmicrosoft.com';
const businessPath = (id: string) => `/beta/solutions/bookingBusinesses/${encodeURIComponent(id)}`;
const seedBody = loadSeed('002').request.body;

const log = (line: string) => process.stderr.write(`${line}\n`);
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

interface Measured {
  reqPerSec: number;
  latencyMeanMs: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Server CPU time per request (user + system, from /proc): comparable even when the machine is busy. */
  cpuUsPerRequest: number;
}
interface CaseResult {
  name: string;
  description: string;
  method: string;
  path: string;
  clientele?: Measured;
  bare?: Measured;
  /** Clientele req/s over bare req/s. */
  ratio?: number;
  /** Bare server CPU per request over Clientele's: the same ratio, measured by work rather than by wall clock. */
  cpuRatio?: number;
  /** Why the case has no numbers: the probe request did not answer as expected. */
  error?: string;
  /** json-server 0.17 on the same case (--peer), where it has one. */
  peer?: Measured & { ratio: number };
}

// ---- servers -------------------------------------------------------------------------------------------

async function startBare(): Promise<{ child: ChildProcess; pid: number; origin: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(import.meta.dirname, 'bare-server.mjs'), String(port)], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error('the bare server exited');
    try {
      if ((await fetch(`${origin}/__health`)).ok) break;
    } catch {
      if (i > 1000) throw new Error('the bare server did not start');
      await sleep(10);
    }
  }
  const exit = new Promise((r) => child.once('exit', r));
  return { child, pid: child.pid!, origin, stop: async () => void (child.kill('SIGTERM'), await exit) };
}

const serverArgs = opt.db ? ['--db-schema', opt['db-schema'] ?? 'clientele_bench'] : [];
const seedConfig = (location: string): ClienteleConfig =>
  // `db`/`dbSchema` select PostgreSQL in builds that have it (older builds ignore them; seeding then refuses below).
  Object.assign({ location }, opt.db ? { db: opt.db, dbSchema: opt['db-schema'] ?? 'clientele_bench' } : {});

async function startClientele(location: string): Promise<ServerProcess> {
  try {
    return await startServerProcess({ entry: 'dist', location: opt.db ? undefined : location, db: opt.db, args: serverArgs, logLevel: 'warn' });
  } catch (err) {
    throw new Error(`Clientele did not start${opt.db ? ` with --db (does this build have the PostgreSQL engine?)` : ''}: ${(err as Error).message}`);
  }
}

async function request(origin: string, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const res = await fetch(origin + path, { method, body, headers: body ? { 'content-type': 'application/json', ...headers } : headers });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

const describeError = (r: { status: number; json?: any; text: string }) =>
  `HTTP ${r.status}: ${r.json?.error?.code ?? ''} ${r.json?.error?.message ?? r.text.slice(0, 200)}`.trim();

/**
 * json-server 0.17, installed for this run into a temporary directory (npm, the ordinary registry), on a JSON
 * file holding the same number of customers (the seed 002 body with ids): a peer to compare with, on the cases
 * it can serve. It keeps the whole file in memory and writes it out after every create.
 */
async function startPeer(sampleId: string, template: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'clientele-bench-peer-'));
  const install = spawn('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, 'json-server@0.17'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise((r) => install.once('exit', r));
  if (code !== 0) throw new Error(`npm install json-server@0.17 failed (${code})`);
  const version = JSON.parse(readFileSync(join(dir, 'node_modules', 'json-server', 'package.json'), 'utf8')).version as string;
  const rows = [];
  for (let i = 0; i < ROWS; i++) rows.push({ ...template, id: i === 0 ? sampleId : randomUUID() });
  writeFileSync(join(dir, 'reads.json'), JSON.stringify({ customers: rows }));
  writeFileSync(join(dir, 'writes.json'), JSON.stringify({ customers: [] }));
  // Creates go to a second instance on an empty file, as Clientele's go to another business: json-server
  // rewrites its whole file after every create, and a backlog of those would stall the reads measured after.
  const start = async (file: string) => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(dir, 'node_modules', 'json-server', 'lib', 'cli', 'bin.js'), '--quiet', '--port', String(port), '--host', '127.0.0.1', join(dir, file)], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const origin = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error('json-server exited');
      try {
        if ((await fetch(`${origin}/customers?_limit=1`)).ok) break;
      } catch {
        if (i > 3000) throw new Error('json-server did not start');
        await sleep(20);
      }
    }
    const exit = new Promise((r) => child.once('exit', r));
    return { origin, pid: child.pid!, stop: async () => void (child.kill('SIGTERM'), await exit) };
  };
  const reads = await start('reads.json');
  const writes = await start('writes.json');
  const paths = { 'get-by-id': `/customers/${sampleId}`, 'list-page-1': `/customers?_page=1&_limit=${PAGE_SIZE}` } as Record<string, string>;
  return {
    version,
    /** Where a case runs on the peer, if it has it. */
    serve: (name: string) => (name === 'create' ? { ...writes, path: '/customers' } : paths[name] ? { ...reads, path: paths[name]! } : undefined),
    stop: async () => {
      await reads.stop();
      await writes.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- load ----------------------------------------------------------------------------------------------

async function cannon(url: string, method: string, body: string | undefined, seconds: number): Promise<Omit<Measured, 'cpuUsPerRequest'>> {
  const result = await autocannon({
    url,
    method: method as 'GET' | 'POST',
    body,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    connections: CONNECTIONS,
    duration: seconds,
    pipelining: 1,
  });
  return {
    reqPerSec: round(result.requests.average, 0),
    latencyMeanMs: round(result.latency.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function measure(origin: string, pid: number, method: string, path: string, body?: string): Promise<Measured> {
  if (WARMUP > 0) await cannon(origin + path, method, body, WARMUP);
  const cpuBefore = cpuMsOf(pid);
  const m = await cannon(origin + path, method, body, DURATION);
  return { ...m, cpuUsPerRequest: round(((cpuMsOf(pid) - cpuBefore) * 1000) / Math.max(1, m.requests), 0) };
}

// ---- the run -------------------------------------------------------------------------------------------

const startedAt = new Date();
const load = { before: loadavg()[0]!, after: 0 };
if (load.before > 1) log(`warning: load average is ${load.before.toFixed(2)}; other work on this machine will skew the numbers`);
const location = opt.data ?? mkdtempSync(join(tmpdir(), 'clientele-bench-'));
mkdirSync(location, { recursive: true });
const bare = await startBare();
let clientele: ServerProcess | undefined;
const report: Record<string, any> = {
  startedAt: startedAt.toISOString(),
  engine: ENGINE,
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, platform: process.platform },
  settings: { rows: ROWS, connections: CONNECTIONS, durationSeconds: DURATION, warmupSeconds: WARMUP, pageSize: PAGE_SIZE },
  storage: opt.db ? { db: opt.db.replace(/:[^:@/]*@/, ':***@'), schema: opt['db-schema'] ?? 'clientele_bench' } : { location, note: 'SQLite file, WAL, synchronous=NORMAL (the server default)' },
};
const cases: CaseResult[] = [];
let peer: Awaited<ReturnType<typeof startPeer>> | undefined;

try {
  // 1. First start (empty data directory) and the two businesses.
  clientele = await startClientele(location);
  report.startup = { emptyStoreMs: round(clientele.startupMs, 0) };
  await sleep(500);
  report.rss = { idleEmptyMb: mb(clientele.rss()) };
  for (const [id, displayName] of [
    [BIG, 'Bench paging'],
    [WRITES, 'Bench writes'],
  ]) {
    const r = await request(clientele.origin, 'POST', '/beta/solutions/bookingBusinesses', JSON.stringify({ id, displayName }));
    if (r.status !== 201 && r.status !== 409) throw new Error(`creating business ${id}: ${describeError(r)}`);
  }
  await clientele.stop();

  // 2. Seed the paging business directly through the store, then start again on the full store.
  log(`seeding ${ROWS} customers through the store...`);
  const seeded = await seedCustomers(seedConfig(location), BIG, ROWS, JSON.parse(seedBody));
  report.seed = { rows: ROWS, inserted: seeded.inserted, ms: round(seeded.ms, 0), rowsPerSec: seeded.inserted ? round(ROWS / (seeded.ms / 1000), 0) : undefined };
  log(`seeded in ${(seeded.ms / 1000).toFixed(1)} s`);
  clientele = await startClientele(location);
  report.startup.seededStoreMs = round(clientele.startupMs, 0);
  await sleep(1000);
  report.rss.idleMb = mb(clientele.rss());
  const origin = clientele.origin;

  // 3. The URLs. Page 1000 is reached the way a client reaches it: following 999 nextLinks.
  const sample = seeded.samples[0]!;
  if (opt.peer) {
    log('installing and starting json-server 0.17 (the peer)...');
    peer = await startPeer(sample.id, JSON.parse(seedBody));
    report.peer = { name: 'json-server', version: peer.version, rows: ROWS };
  }
  const customers = `${businessPath(BIG)}/customers`;
  const page1 = customers;
  let pageUrl: string | undefined = origin + page1;
  const walkStarted = performance.now();
  let walkError: string | undefined;
  const walk = !ONLY || ONLY.includes('list-page-1000');
  const pageMs: number[] = [];
  for (let n = 1; walk && n < PAGE && pageUrl; n++) {
    const t0 = performance.now();
    const r = await request('', 'GET', pageUrl);
    pageMs.push(performance.now() - t0);
    if (r.status !== 200) {
      walkError = `following nextLink to page ${n + 1}: ${describeError(r)}`;
      break;
    }
    pageUrl = r.json['@odata.nextLink'];
  }
  const walkMs = performance.now() - walkStarted;
  const medianOf = (xs: number[]) => round([...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0);
  // Keyset paging: the last pages of the walk should cost what the first ones did.
  if (walk) report.walk = { pages: PAGE - 1, ms: round(walkMs, 0), msPerPage: round(walkMs / (PAGE - 1)), medianMsFirst100: medianOf(pageMs.slice(0, 100)), medianMsLast100: medianOf(pageMs.slice(-100)) };
  if (!walkError && !pageUrl) walkError = `the list ended before page ${PAGE}`;
  const page1000 = pageUrl && !walkError ? pageUrl.slice(new URL(pageUrl).origin.length) : undefined;

  const plan: Array<{ name: string; description: string; method: string; path?: string; body?: string; error?: string; check: (r: Awaited<ReturnType<typeof request>>) => string | undefined }> = [
    {
      name: 'create',
      description: 'POST create customer (seed 002 body)',
      method: 'POST',
      path: `${businessPath(WRITES)}/customers`,
      body: seedBody,
      check: (r) => (r.status === 201 && r.json?.id ? undefined : describeError(r)),
    },
    {
      name: 'get-by-id',
      description: 'GET customer by id',
      method: 'GET',
      path: `${customers}/${sample.id}`,
      check: (r) => (r.status === 200 && r.json?.id === sample.id ? undefined : describeError(r)),
    },
    {
      name: 'get-by-id-v1',
      description: 'GET customer by id, /v1.0',
      method: 'GET',
      path: `${customers}/${sample.id}`.replace(/^\/beta\//, '/v1.0/'),
      check: (r) => (r.status === 200 && r.json?.id === sample.id ? undefined : describeError(r)),
    },
    {
      name: 'list-filter-email',
      description: "GET list, $filter=emailAddress eq '…'",
      method: 'GET',
      path: `${customers}?$filter=${encodeURIComponent(`emailAddress eq '${sample.emailAddress}'`)}`,
      check: (r) =>
        r.status !== 200
          ? describeError(r)
          : r.json?.value?.length === 1 && r.json.value[0].emailAddress === sample.emailAddress
            ? undefined
            : `wrong result: expected exactly ${sample.emailAddress}, got ${r.json?.value?.length} customers`,
    },
    {
      name: 'list-page-1',
      description: `GET list, page 1 (${PAGE_SIZE} of ${ROWS})`,
      method: 'GET',
      path: page1,
      check: (r) => (r.status === 200 && r.json?.value?.length === PAGE_SIZE && r.json['@odata.nextLink'] ? undefined : describeError(r)),
    },
    {
      name: 'list-select',
      description: `GET list, page 1 with $select=displayName,emailAddress`,
      method: 'GET',
      path: `${customers}?$select=displayName,emailAddress`,
      check: (r) =>
        r.status === 200 && r.json?.value?.length === PAGE_SIZE && Object.keys(r.json.value[0]).join() === '@odata.type,@odata.etag,id,displayName,emailAddress'
          ? undefined
          : describeError(r),
    },
    {
      name: 'list-page-1000',
      description: `GET list, page ${PAGE} via nextLink`,
      method: 'GET',
      path: page1000,
      error: walkError,
      check: (r) => (r.status === 200 && r.json?.value?.length === PAGE_SIZE ? undefined : describeError(r)),
    },
  ];

  for (const c of plan) {
    if (ONLY && !ONLY.includes(c.name)) continue;
    const result: CaseResult = { name: c.name, description: c.description, method: c.method, path: c.path ?? '' };
    cases.push(result);
    if (c.error || !c.path) {
      result.error = c.error ?? 'no URL';
      log(`${c.name}: ERROR ${result.error}`);
      continue;
    }
    const probe = await request(origin, c.method, c.path, c.body);
    result.error = c.check(probe);
    if (result.error) {
      log(`${c.name}: ERROR ${result.error}`);
      continue;
    }
    if (c.method === 'GET') {
      // The bare server answers this URL with the very bytes Clientele sent.
      await request(bare.origin, 'PUT', '/__canned', JSON.stringify({ url: c.path, status: probe.status, body: probe.text }));
    }
    log(`${c.name}: Clientele...`);
    result.clientele = await measure(origin, clientele.pid, c.method, c.path, c.body);
    log(`${c.name}: bare...`);
    result.bare = await measure(bare.origin, bare.pid, c.method, c.path, c.body);
    result.ratio = round(result.clientele.reqPerSec / result.bare.reqPerSec);
    const peerCase = peer?.serve(c.name);
    if (peerCase) {
      log(`${c.name}: json-server...`);
      const m = await measure(peerCase.origin, peerCase.pid, c.method, peerCase.path, c.body);
      result.peer = { ...m, ratio: round(m.reqPerSec / result.bare.reqPerSec) };
    }
    result.cpuRatio = round(result.bare.cpuUsPerRequest / Math.max(1, result.clientele.cpuUsPerRequest));
    const bad = result.clientele.non2xx + result.clientele.errors;
    if (bad) result.error = `${result.clientele.non2xx} non-2xx answers and ${result.clientele.errors} connection errors under load`;
    if (result.clientele.requests === 0) result.error = `no answer within the ${DURATION} s measurement`;
    log(`${c.name}: ${result.clientele.reqPerSec} req/s (bare ${result.bare.reqPerSec}), p50 ${result.clientele.p50Ms} ms, p99 ${result.clientele.p99Ms} ms`);
  }
  report.rss.afterLoadMb = mb(clientele.rss());
} catch (err) {
  report.fatal = (err as Error).message;
  log(`bench failed: ${(err as Error).message}`);
} finally {
  await clientele?.stop();
  await bare.stop();
  await peer?.stop();
  if (opt.keep || opt.data) log(`data directory kept: ${location}`);
  else rmSync(location, { recursive: true, force: true });
}
load.after = loadavg()[0]!;
report.loadAverage = { before: round(load.before), after: round(load.after) };
report.cases = cases;
report.targets = targets(cases);

mkdirSync(OUT, { recursive: true });
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const base = join(OUT, `bench-${ENGINE}-${stamp}`);
const markdown = toMarkdown(report);
writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
writeFileSync(`${base}.md`, markdown);
process.stdout.write(markdown);
log(`\nwritten: ${base}.json, ${base}.md`);
if (report.fatal) process.exitCode = 1;

// ---- targets and output --------------------------------------------------------------------------------

/** Issue 19's targets: ratios to the bare server in the same run (SQLite, and the lower ones on PostgreSQL). */
function targets(all: CaseResult[]) {
  const byName = new Map(all.map((c) => [c.name, c]));
  const out: Array<{ target: string; measured: string; met: boolean | null }> = [];
  const minimum: Record<string, number> =
    ENGINE === 'postgres'
      ? { create: 0.2, 'get-by-id': 0.3, 'list-page-1': 0.15 }
      : { create: 0.35, 'get-by-id': 0.5, 'list-filter-email': 0.45, 'list-page-1': 0.25 };
  for (const [name, min] of Object.entries(minimum)) {
    const c = byName.get(name);
    out.push({
      target: `${name} >= ${Math.round(min * 100)}% of bare req/s`,
      measured: c?.ratio !== undefined ? `${Math.round(c.ratio * 100)}% (by CPU per request: ${Math.round(c.cpuRatio! * 100)}%)` : 'n/a',
      met: c?.ratio !== undefined ? c.ratio >= min : null,
    });
  }
  const measured = (c: CaseResult | undefined) => (c?.clientele && c.clientele.requests > 0 ? c.clientele : undefined);
  for (const c of all) {
    const m = measured(c);
    const b = c.bare;
    out.push({
      target: `${c.name}: p99 within 3x of bare's at ${CONNECTIONS} connections`,
      measured: m && b ? `${m.p99Ms} ms (bare ${b.p99Ms} ms)` : 'n/a',
      met: m && b ? m.p99Ms <= 3 * Math.max(1, b.p99Ms) : null,
    });
  }
  const p1 = measured(byName.get('list-page-1'));
  const p1000 = measured(byName.get('list-page-1000'));
  const factor = p1 && p1000 && p1.latencyMeanMs > 0 ? p1000.latencyMeanMs / p1.latencyMeanMs : undefined;
  out.push({
    target: `page ${PAGE} within 1.2x of page 1 (mean latency)`,
    measured: factor !== undefined ? `${round(factor)}x` : 'n/a',
    met: factor !== undefined ? factor <= 1.2 : null,
  });
  return out;
}

function toMarkdown(r: Record<string, any>): string {
  const lines: string[] = [];
  lines.push(`## Clientele bench: ${r.engine}, ${r.startedAt}`, '');
  lines.push(
    `${r.machine.cpus} cores (${r.machine.cpu}), Node ${r.machine.node}; autocannon on 127.0.0.1, ${r.settings.connections} connections, ` +
      `${r.settings.durationSeconds} s per case after ${r.settings.warmupSeconds} s warm-up; load average ${r.loadAverage.before} before, ${r.loadAverage.after} after.`,
    '',
  );
  if (r.fatal) lines.push(`**The run failed:** ${r.fatal}`, '');
  lines.push(
    '| case | Clientele req/s | p50 ms | p99 ms | CPU µs/req | bare req/s | bare p50 ms | bare p99 ms | bare CPU µs/req | Clientele/bare req/s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const c of r.cases as CaseResult[]) {
    if (!c.clientele) {
      lines.push(`| ${c.description} | error: ${c.error?.replace(/\|/g, '\\|')} | | | | | | | | |`);
      continue;
    }
    const b = c.bare!;
    lines.push(
      `| ${c.description} | ${c.clientele.reqPerSec} | ${c.clientele.p50Ms} | ${c.clientele.p99Ms} | ${c.clientele.cpuUsPerRequest} | ` +
        `${b.reqPerSec} | ${b.p50Ms} | ${b.p99Ms} | ${b.cpuUsPerRequest} | ${Math.round(c.ratio! * 100)}% |` +
        (c.error ? ` ${c.error}` : ''),
    );
  }
  lines.push('');
  const peered = (r.cases as CaseResult[]).filter((c) => c.peer);
  if (peered.length) {
    lines.push(`A peer, ${r.peer.name} ${r.peer.version}, on the same ${r.peer.rows} customers (the cases it can serve):`, '');
    lines.push('| case | json-server req/s | p50 ms | p99 ms | CPU µs/req | json-server/bare req/s | Clientele/bare req/s |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const c of peered) {
      const p = c.peer!;
      lines.push(`| ${c.description} | ${p.reqPerSec} | ${p.p50Ms} | ${p.p99Ms} | ${p.cpuUsPerRequest} | ${Math.round(p.ratio * 100)}% | ${Math.round(c.ratio! * 100)}% |`);
    }
    lines.push('');
  }
  const s = r.startup ?? {};
  const m = r.rss ?? {};
  lines.push('| measure | value |', '|---|---:|');
  if (s.emptyStoreMs !== undefined) lines.push(`| start-up, empty store (spawn to first answer) | ${s.emptyStoreMs} ms |`);
  if (s.seededStoreMs !== undefined) lines.push(`| start-up, ${r.settings.rows} customers | ${s.seededStoreMs} ms |`);
  if (m.idleEmptyMb !== undefined) lines.push(`| RSS idle, empty store | ${m.idleEmptyMb} MB |`);
  if (m.idleMb !== undefined) lines.push(`| RSS idle, ${r.settings.rows} customers | ${m.idleMb} MB |`);
  if (m.afterLoadMb !== undefined) lines.push(`| RSS after load | ${m.afterLoadMb} MB |`);
  if (r.seed) lines.push(`| seeding ${r.seed.rows} customers through the store | ${r.seed.inserted ? `${(r.seed.ms / 1000).toFixed(1)} s (${r.seed.rowsPerSec} rows/s)` : 'reused'} |`);
  if (r.walk) {
    lines.push(
      `| walking ${r.walk.pages} nextLinks to page 1000 (one client) | ${(r.walk.ms / 1000).toFixed(1)} s, ${r.walk.msPerPage} ms/page ` +
        `(median of the first 100: ${r.walk.medianMsFirst100} ms, of the last 100: ${r.walk.medianMsLast100} ms) |`,
    );
  }
  lines.push('');
  lines.push('| target (not a CI gate) | measured | met |', '|---|---:|:---:|');
  for (const t of r.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'yes' : 'no'} |`);
  lines.push('');
  return lines.join('\n');
}
