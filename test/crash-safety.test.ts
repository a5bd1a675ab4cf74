// Crash safety of the embedded store: creates run concurrently against a real server process, which is killed
// with SIGKILL in the middle of the load (no shutdown code runs), then restarted on the same data directory.
// Every create that was answered 201 must be there and read back exactly as it was answered; rows whose
// answer was lost in the kill may or may not exist, but if they do they are whole. Twice, on the same files,
// so the second start also recovers a store that was itself killed mid-write after a recovery.
// test-engines: sqlite (it starts its own server on the embedded store)
// test-duration: long (test/run.ts starts it first)
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { onceOnly, startServerProcess, type ServerProcess } from './helpers/server-process.js';

// A fixed public URL, so bodies (context URLs) read back identical whatever port the restarted server gets.
const PUBLIC_URL = 'http://clientele.test';
const BUSINESS = 'CrashTest@contoso.com';
const customers = `/beta/solutions/bookingBusinesses/${encodeURIComponent(BUSINESS)}/customers`;
const WORKERS = 16;

let dir: string;
let server: ServerProcess | undefined;

const start = (signal: AbortSignal) => startServerProcess({ location: dir, args: ['--public-url', PUBLIC_URL], signal });

function bodyFor(worker: number, n: number) {
  const tag = `w${worker}-n${n}`;
  return {
    displayName: `Crash ${tag}`,
    emailAddress: `${tag}@example.com`,
    addresses: [{ street: `${n} Main Street`, city: 'Buffalo', state: 'NY', countryOrRegion: 'USA', postalCode: String(10000 + n), type: 'home' }],
    phones: [{ number: `206-555-${String(n).padStart(4, '0')}`, type: 'business' }],
  };
}

/**
 * Creates from WORKERS concurrent clients until the server dies; SIGKILL once `killAfter` creates were
 * acknowledged. Returns every acknowledged create's response body, by id.
 */
async function createUntilKilled(s: ServerProcess, round: number, killAfter: number): Promise<Map<string, any>> {
  const acknowledged = new Map<string, any>();
  let killed = false;
  const worker = async (w: number) => {
    for (let n = 0; !killed; n++) {
      let res: Response;
      try {
        res = await fetch(`${s.origin}${customers}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(bodyFor(round * 100 + w, n)),
          signal: AbortSignal.timeout(10_000),
        });
      } catch {
        return; // the connection died with the server
      }
      let text: string;
      try {
        text = await res.text();
      } catch {
        return; // killed while the body was on its way: this create was never acknowledged
      }
      assert.equal(res.status, 201, text);
      const body = JSON.parse(text);
      acknowledged.set(body.id, body);
      if (acknowledged.size >= killAfter && !killed) {
        killed = true;
        await s.kill();
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  assert.ok(killed && s.exited(), 'the server was killed mid-load');
  return acknowledged;
}

async function get(s: ServerProcess, path: string) {
  const res = await fetch(`${s.origin}${path}`, { signal: AbortSignal.timeout(20_000) });
  return { status: res.status, json: (await res.json()) as any };
}

/** Every customer the store holds, by id, following nextLinks (relative to the fixed public URL). */
async function listAll(s: ServerProcess): Promise<Map<string, any>> {
  const out = new Map<string, any>();
  let path: string | undefined = `${customers}?$top=999`;
  while (path) {
    const r = await get(s, path);
    assert.equal(r.status, 200);
    for (const c of r.json.value) out.set(c.id, c);
    const next: string | undefined = r.json['@odata.nextLink'];
    path = next?.slice(PUBLIC_URL.length);
  }
  return out;
}

/** A 201 body without its context URL: what the same entity looks like as a member of a list. */
function asListed(created: any): any {
  const { '@odata.context': _context, ...rest } = created;
  return rest;
}

describe('crash safety: SIGKILL during concurrent creates', { skip: onceOnly() }, () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'clientele-crash-'));
  });
  after(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  // The time limit is a safety net for a machine under heavy load; the test takes about 15 s on an idle one.
  it('keeps every acknowledged create, intact, across two kills', { timeout: 180_000 }, async (t) => {
    server = await start(t.signal);
    const created = await fetch(`${server.origin}/beta/solutions/bookingBusinesses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: BUSINESS, displayName: 'Crash test' }),
    });
    assert.equal(created.status, 201);

    const acknowledged = new Map<string, any>();
    for (const [round, killAfter] of [
      [1, 300],
      [2, 200],
    ] as const) {
      // Let the load get going on the (re)started server before the kill can come.
      await sleep(50);
      for (const [id, body] of await createUntilKilled(server, round, killAfter)) acknowledged.set(id, body);
      server = await start(t.signal);

      // Every acknowledged create reads back exactly as it was answered: in the list, and (for a sample, to
      // keep the test quick) by id, context URL included.
      const all = await listAll(server);
      for (const [id, body] of acknowledged) {
        assert.ok(all.has(id), `acknowledged customer ${id} (${body.displayName}) is missing after the kill`);
        assert.deepEqual(all.get(id), asListed(body));
      }
      for (const [id, body] of [...acknowledged].filter((_, i) => i % 25 === 0)) {
        const r = await get(server, `${customers}/${id}`);
        assert.equal(r.status, 200);
        assert.deepEqual(r.json, body);
      }
      // Nothing half-written: every stored customer is a whole one from this test.
      assert.ok(all.size >= acknowledged.size, `every acknowledged create is stored: ${all.size} stored, ${acknowledged.size} acknowledged`);
      for (const c of all.values()) {
        const m = /^Crash (w\d+-n(\d+))$/.exec(c.displayName);
        assert.ok(m, `unexpected customer ${JSON.stringify(c)}`);
        assert.equal(c.emailAddress, `${m[1]}@example.com`);
        assert.deepEqual(c.phones, [{ number: `206-555-${m[2]!.padStart(4, '0')}`, type: 'business' }]);
        assert.equal(c.addresses[0].postalCode, String(10000 + Number(m[2])));
      }
      const count = await fetch(`${server.origin}${customers}/$count`);
      assert.equal(Number(await count.text()), all.size);
    }
    assert.ok(acknowledged.size >= 500, `enough creates were acknowledged before the kills: ${acknowledged.size}`);

    // The file itself is sound.
    await server.kill();
    const db = new Database(join(dir, 'clientele.db'));
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
  });
});
