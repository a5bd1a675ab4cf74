// `clientele serve --workers N`: N processes share the port and the store; a worker that dies is replaced;
// SIGTERM stops them all. Flags that cannot work together are refused before anything starts.
// test-duration: long (test/run.ts starts it first)
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { serve } from '../src/cli/commands/serve.js';
import { UsageError } from '../src/cli/util.js';
import { sharedStore, spawnServe, type ServeProcess, type SharedStore } from './helpers/process.js';

let server: ServeProcess;
let store: SharedStore;
before(async () => {
  store = await sharedStore();
  server = await spawnServe([...store.args, '--workers', '2'], store);
});
after(async () => {
  await server?.stop('SIGKILL');
  await store?.dispose();
});

/** pids of the processes that logged a completed request, from the JSON log lines. */
function answeringPids(fromLine: number): Set<number> {
  const pids = new Set<number>();
  for (const line of server.lines.slice(fromLine)) {
    if (!line.includes('"request completed"')) continue;
    pids.add(JSON.parse(line).pid);
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, check: () => boolean, ms = 30000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}:\n${server.lines.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** GET on a connection of its own (no keep-alive): the primary hands each new connection to the next worker. */
async function freshGet(path: string): Promise<number> {
  const headers = { connection: 'close', authorization: `Bearer ${await store.token()}` };
  return new Promise((resolve, reject) => {
    const req = http.get(server.origin + path, { agent: false, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
  });
}

/** Ten requests at once, ten connections. */
async function burst(): Promise<void> {
  const statuses = await Promise.all(Array.from({ length: 10 }, () => freshGet('/beta/solutions/bookingBusinesses')));
  assert.deepEqual(statuses, Array(10).fill(200));
}

describe('serve --workers 2', () => {
  it('both workers answer requests, on one shared store', async () => {
    const mark = server.lines.length;
    const created = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { displayName: 'Worker Shared' } });
    assert.equal(created.status, 201, created.text);
    await burst();
    await waitFor('log lines', () => answeringPids(mark).size >= 2);
    const pids = answeringPids(mark);
    assert.equal(pids.size, 2);
    assert.ok(!pids.has(server.proc.pid!), 'the primary serves no requests itself');
    // Whichever worker answers, the business is there.
    const reads = await Promise.all(Array.from({ length: 6 }, () => freshGet(`/beta/solutions/bookingBusinesses/${created.json.id}`)));
    assert.deepEqual(reads, Array(6).fill(200));
  });

  it('a worker that dies is replaced, and the service goes on', async () => {
    const mark = server.lines.length;
    await burst();
    await waitFor('log lines', () => answeringPids(mark).size >= 2);
    const [victim] = [...answeringPids(mark)];
    process.kill(victim!, 'SIGKILL');
    await waitFor('a replacement worker', () => server.lines.slice(mark).some((l) => /Server listening at/.test(l) && JSON.parse(l).pid !== victim));
    const after = server.lines.length;
    await burst();
    await waitFor('both workers answering', () => answeringPids(after).size >= 2);
    assert.ok(!answeringPids(after).has(victim!), `the killed worker ${victim} no longer answers`);
  });

  it('SIGTERM to the primary stops every worker, exit code 0', async () => {
    const mark = server.lines.length;
    await burst();
    await waitFor('log lines', () => answeringPids(mark).size >= 2);
    const workers = [...answeringPids(0)].filter(alive);
    assert.ok(workers.length >= 2, `at least two workers are alive: ${workers.join(', ')}`);
    assert.equal(await server.stop('SIGTERM'), 0);
    await waitFor('workers to exit', () => workers.every((pid) => !alive(pid)), 5000);
  });
});

describe('serve --workers 2 --throttle: one limit per tenant and app, whatever the worker', () => {
  it('the workers share the primary\'s buckets', async () => {
    const throttled = await spawnServe([...store.args, '--workers', '2', '--throttle', '1:3'], store);
    try {
      const token = await store.token();
      const get = () =>
        new Promise<{ status: number; retryAfter?: string; pid?: number }>((resolve, reject) => {
          const req = http.get(
            `${throttled.origin}/beta/solutions/bookingBusinesses`,
            { agent: false, headers: { connection: 'close', authorization: `Bearer ${token}` } },
            (res) => {
              res.resume();
              res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined }));
            },
          );
          req.on('error', reject);
        });
      const mark = throttled.lines.length;
      const started = performance.now();
      const answers = await Promise.all(Array.from({ length: 10 }, get));
      const seconds = (performance.now() - started) / 1000;
      const allowed = answers.filter((a) => a.status === 200).length;
      // A burst of 3, plus one token per second the requests took (1/s); per-worker buckets would allow 6 at once.
      assert.ok(allowed >= 3 && allowed <= 3 + Math.ceil(seconds), `allowed ${allowed} in ${seconds.toFixed(2)} s: ${JSON.stringify(answers)}`);
      if (seconds < 2) assert.ok(allowed < 6, 'one set of buckets, not one per worker');
      for (const a of answers.filter((x) => x.status !== 200)) {
        assert.equal(a.status, 429);
        assert.match(a.retryAfter ?? '', /^[1-9]\d*$/);
      }
      // Both workers took requests (so the limit held across them); their log lines may trail the answers.
      const pids = () => new Set(throttled.lines.slice(mark).filter((l) => l.includes('"request completed"')).map((l) => JSON.parse(l).pid));
      for (const until = Date.now() + 10_000; pids().size < 2 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
      assert.equal(pids().size, 2);
    } finally {
      await throttled.stop('SIGTERM');
    }
  });
});

describe('serve refuses flags that cannot work together, before starting anything', () => {
  for (const [args, message] of [
    [['--workers', '2', '--in-memory'], /in-memory/],
    [['--workers', '0'], /--workers/],
    [['--db', 'mysql://localhost/x'], /postgres:\/\//],
    [['--db', 'postgres://127.0.0.1/x', '--in-memory'], /exclude/],
    [['--db-pool', 'many'], /--db-pool/],
    [['--db-statement-timeout', '-1'], /--db-statement-timeout/],
  ] as const) {
    it(args.join(' '), async () => {
      await assert.rejects(serve([...args]), (err) => err instanceof UsageError && message.test(err.message));
    });
  }
});
