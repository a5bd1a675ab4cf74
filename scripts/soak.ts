// `npm run soak [-- options]`: a bounded soak on loopback. A real server (the build, durable SQLite store) gets a
// steady mixed load for a few minutes: create, get, update, list and follow a nextLink, count, refused requests,
// delete (so the number of rows stays level). RSS is sampled throughout; after a warm-up, memory must not
// grow, no request may fail or answer 5xx, and the server must still be up at the end. Not part of `npm test`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startServerProcess } from '../test/helpers/server-process.js';

const HELP = `Usage: npm run soak -- [options]

  --minutes <n>       how long the load runs (default 3)
  --clients <n>       concurrent clients (default 8)
  --population <n>    customers kept in the business throughout (default 2000)
  --sample <s>        seconds between RSS samples (default 5)
  --max-growth <mb>   allowed RSS growth after warm-up, in MB (default 16)
  --out <dir>         where results go (default bench-results)
`;
const { values: opt } = parseArgs({
  options: {
    minutes: { type: 'string' },
    clients: { type: 'string' },
    population: { type: 'string' },
    sample: { type: 'string' },
    'max-growth': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (opt.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const MINUTES = Number(opt.minutes ?? 3);
const CLIENTS = Number(opt.clients ?? 8);
const POPULATION = Number(opt.population ?? 2000);
const SAMPLE_S = Number(opt.sample ?? 5);
const MAX_GROWTH_MB = Number(opt['max-growth'] ?? 16);
const OUT = join(import.meta.dirname, '..', opt.out ?? 'bench-results');
const WARMUP_S = Math.max(30, MINUTES * 60 * 0.25);

const log = (line: string) => process.stderr.write(`${line}\n`);
const mb = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'clientele-soak-'));
const server = await startServerProcess({ entry: 'dist', location: dir, logLevel: 'warn' });
const origin = server.origin;
const BUSINESS = 'Soak@contoso.com';
const customers = `/beta/solutions/bookingBusinesses/${encodeURIComponent(BUSINESS)}/customers`;

const counts = { requests: 0, failures: 0 };
const failures: string[] = [];
async function call(method: string, path: string, expect: number, body?: unknown, headers: Record<string, string> = {}): Promise<any> {
  counts.requests++;
  let status = 0;
  let text = '';
  try {
    const res = await fetch(path.startsWith('http') ? path : origin + path, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json', ...headers } : headers,
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    status = res.status;
    text = await res.text();
  } catch (err) {
    text = (err as Error).message;
  }
  if (status !== expect) {
    counts.failures++;
    if (failures.length < 20) failures.push(`${method} ${path} -> ${status || 'no answer'} (expected ${expect}): ${text.slice(0, 200)}`);
    return undefined;
  }
  return text ? JSON.parse(text) : undefined;
}

const customer = (n: number) => ({
  displayName: `Soak ${n}`,
  emailAddress: `soak${n}@example.com`,
  addresses: [{ street: `${n} Main Street`, city: 'Buffalo', state: 'NY', countryOrRegion: 'USA', postalCode: '98052', type: 'home' }],
  phones: [{ number: '206-555-0100', type: 'home' }],
});

await call('POST', '/beta/solutions/bookingBusinesses', 201, { id: BUSINESS, displayName: 'Soak' });
log(`soak: ${POPULATION} customers, then ${MINUTES} min of load from ${CLIENTS} clients on ${origin} (data in ${dir})`);
for (let i = 0; i < POPULATION; i += 50) await Promise.all(Array.from({ length: Math.min(50, POPULATION - i) }, (_, k) => call('POST', customers, 201, customer(i + k))));

const started = performance.now();
const deadline = started + MINUTES * 60_000;
const samples: Array<{ s: number; rssMb: number; cpuMs: number; requests: number }> = [];
const sampler = (async () => {
  while (performance.now() < deadline) {
    samples.push({ s: Math.round((performance.now() - started) / 1000), rssMb: mb(server.rss()), cpuMs: server.cpuMs(), requests: counts.requests });
    await sleep(SAMPLE_S * 1000);
  }
})();

async function client(c: number): Promise<void> {
  for (let n = 0; performance.now() < deadline && !server.exited(); n++) {
    const created = await call('POST', customers, 201, customer(POPULATION + c * 1_000_000 + n));
    if (created) {
      const item = `${customers}/${created.id}`;
      await call('GET', item, 200);
      await call('PATCH', item, 204, { displayName: `Soak ${c}-${n} updated`, phones: [] });
      await call('GET', `${item}?$select=displayName,emailAddress`, 200);
      await call('DELETE', item, 204);
      await call('GET', item, 404);
    }
    const page = await call('GET', `${customers}?$orderby=displayName desc`, 200, undefined, { prefer: 'odata.maxpagesize=25' });
    if (page?.['@odata.nextLink']) await call('GET', page['@odata.nextLink'], 200, undefined, { prefer: 'odata.maxpagesize=25' });
    await call('GET', `${customers}/$count`, 200);
    await call('GET', `${customers}?$top=0`, 400);
    await call('POST', customers, 400, { displayName: 'x', favouriteColour: 'red' });
  }
}
await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
await sampler;
const up = !server.exited() && (await call('GET', '/beta/', 200)) !== undefined;
const elapsedS = (performance.now() - started) / 1000;
const finalRss = mb(server.rss());
await server.stop();
rmSync(dir, { recursive: true, force: true });

// ---- verdict ------------------------------------------------------------------------------------------
const after = samples.filter((s) => s.s >= WARMUP_S);
const baseline = median(after.slice(0, 3).map((s) => s.rssMb));
const end = median(after.slice(-3).map((s) => s.rssMb));
const growth = Math.round((end - baseline) * 10) / 10;
// Least-squares slope of RSS over time after warm-up, in MB per minute.
const xs = after.map((s) => s.s / 60);
const ys = after.map((s) => s.rssMb);
const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
const my = ys.reduce((a, b) => a + b, 0) / ys.length;
const slope = Math.round((xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / Math.max(1e-9, xs.reduce((a, x) => a + (x - mx) ** 2, 0))) * 100) / 100;
const reqPerSec = Math.round(counts.requests / elapsedS);
const problems: string[] = [];
if (after.length < 3) problems.push(`too few samples after the ${WARMUP_S} s warm-up: run longer`);
if (growth > MAX_GROWTH_MB) problems.push(`RSS grew ${growth} MB after warm-up (allowed ${MAX_GROWTH_MB} MB)`);
if (counts.failures) problems.push(`${counts.failures} requests failed or answered unexpectedly`);
if (!up) problems.push('the server was not up at the end');

const report = {
  startedAt: new Date(Date.now() - elapsedS * 1000).toISOString(),
  settings: { minutes: MINUTES, clients: CLIENTS, population: POPULATION, sampleSeconds: SAMPLE_S, warmupSeconds: WARMUP_S, maxGrowthMb: MAX_GROWTH_MB },
  requests: counts.requests,
  reqPerSec,
  failures: counts.failures,
  failureSamples: failures,
  rss: { baselineMb: baseline, endMb: end, finalMb: finalRss, growthMb: growth, slopeMbPerMin: slope, peakMb: Math.max(...samples.map((s) => s.rssMb)) },
  samples,
  ok: problems.length === 0,
  problems,
};
const lines = [
  `## Clientele soak, ${report.startedAt}`,
  '',
  `${MINUTES} min, ${CLIENTS} clients on loopback, ${POPULATION} customers kept in the store; ${counts.requests} requests (${reqPerSec}/s), ${counts.failures} failures.`,
  '',
  '| after | RSS MB | requests |',
  '|---:|---:|---:|',
  ...samples.filter((_, i) => i % Math.max(1, Math.round(15 / SAMPLE_S)) === 0).map((s) => `| ${s.s} s | ${s.rssMb} | ${s.requests} |`),
  '',
  `RSS after the ${WARMUP_S} s warm-up: ${baseline} MB -> ${end} MB (growth ${growth} MB, slope ${slope} MB/min, peak ${report.rss.peakMb} MB).`,
  '',
  report.ok ? '**OK**: memory level, no failures, server up.' : `**FAILED**: ${problems.join('; ')}`,
  '',
];
mkdirSync(OUT, { recursive: true });
const base = join(OUT, `soak-${report.startedAt.replace(/[:.]/g, '-')}`);
writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + '\n');
writeFileSync(`${base}.md`, lines.join('\n'));
process.stdout.write(lines.join('\n'));
for (const f of failures) log(`  ${f}`);
log(`written: ${base}.json, ${base}.md`);
process.exitCode = report.ok ? 0 : 1;
