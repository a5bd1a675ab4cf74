// The public API other projects' test suites use (src/index.ts): startClientele on a free port, in memory,
// tokens it accepts, reset and load between tests, close; and that starting and closing it many times
// leaves nothing behind (handles, ports, the servers themselves).
// test-engines: sqlite (startClientele picks its own in-memory store)
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { decodeJwt } from 'jose';
import { DEFAULT_TENANT_ID, FixtureError, startClientele } from '../src/index.js';
import { tempDir } from './helpers/cli.js';

const BUSINESSES = '/solutions/bookingBusinesses';

async function get(url: string, token?: string) {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as any };
}

describe('startClientele', () => {
  it('listens on a free loopback port, in memory, and its default token may do everything Bookings offers', async () => {
    const emu = await startClientele();
    try {
      assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'url is the origin');
      assert.notEqual(emu.port, 0, 'a real port');
      assert.equal(emu.graphUrl(), `${emu.url}/v1.0`, 'graphUrl defaults to v1.0');
      assert.equal(emu.graphUrl('beta'), `${emu.url}/beta`, 'graphUrl(beta)');
      assert.equal(emu.tenant, DEFAULT_TENANT_ID, 'the default tenant is the CLI one');
      assert.equal((await get(emu.graphUrl() + BUSINESSES)).status, 401, 'API calls need a token');
      const token = await emu.token();
      const claims = decodeJwt(token);
      assert.equal(claims.tid, DEFAULT_TENANT_ID, 'the token is for the default tenant');
      const created = await fetch(emu.graphUrl() + BUSINESSES, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: 'Embedded' }),
      });
      assert.equal(created.status, 201, 'the default token may create businesses (Bookings.Manage.All)');
      const app = await emu.token({ roles: 'Bookings.Read.All', tenant: 'aaaaaaaa-0000-4000-8000-00000000000a' });
      assert.deepEqual(decodeJwt(app).roles, ['Bookings.Read.All'], 'roles by the CLI option name');
      const listed = await get(emu.graphUrl('beta') + BUSINESSES, app);
      assert.equal(listed.status, 200, 'an app token reads');
      assert.equal(listed.json.value.length, 0, "another tenant sees none of the default tenant's data");
    } finally {
      await emu.close();
    }
  });

  it('loads fixtures at start (a file) and later (a document); reset empties the tenant', async () => {
    const tmp = tempDir();
    const file = join(tmp.dir, 'fixtures.json');
    writeFileSync(file, JSON.stringify({ bookingBusinesses: [{ id: 'fx@contoso.com', displayName: 'Fx', customers: [{ displayName: 'Ada' }] }] }));
    const emu = await startClientele({ fixtures: file, tenant: 'bbbbbbbb-0000-4000-8000-00000000000b' });
    try {
      const token = await emu.token();
      assert.equal(decodeJwt(token).tid, 'bbbbbbbb-0000-4000-8000-00000000000b', 'token() uses the tenant option');
      const customers = await get(`${emu.graphUrl()}${BUSINESSES}/fx%40contoso.com/customers`, token);
      assert.deepEqual(customers.json.value.map((c: any) => c.displayName), ['Ada'], 'the file was loaded into the tenant');
      const more = await emu.load({ bookingBusinesses: [{ displayName: 'Second', customers: [{ displayName: 'Bo' }, { displayName: 'Cy' }] }] });
      assert.equal(more.created, 3, 'a business and its two customers');
      await assert.rejects(
        emu.load({ bookingBusinesses: [{ displayName: 'Third' }, { displayName: 'Fourth', customers: [{ displayName: '' }] }] }),
        (err: Error) => err instanceof FixtureError && /^fixtures: bookingBusinesses\[1\]\.customers\[0\]: .*'displayName'/.test(err.message),
        'a bad entry is named, with its property',
      );
      const all = await get(`${emu.graphUrl()}${BUSINESSES}`, token);
      assert.deepEqual(all.json.value.map((b: any) => b.displayName).sort(), ['Fx', 'Second'], 'nothing of the bad document was loaded');
      assert.equal(await emu.reset(), 5, 'reset deletes every row of the tenant');
      assert.equal((await get(`${emu.graphUrl()}${BUSINESSES}`, token)).json.value.length, 0, 'empty after reset');
    } finally {
      await emu.close();
      tmp.remove();
    }
  });

  it("with auth 'none' every caller is in the tenant, and token() says why there is none", async () => {
    const emu = await startClientele({ auth: 'none', seed: true });
    try {
      const listed = await get(`${emu.graphUrl()}${BUSINESSES}`);
      assert.ok(listed.json.value.length > 0, 'the seed data, without a token');
      await assert.rejects(emu.token(), /auth 'none'/, 'token() explains');
    } finally {
      await emu.close();
    }
  });

  it('starting and closing it a hundred times leaks no handles, ports or servers', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collect = async () => {
      // WeakRef targets live until the current job ends: let it end before collecting.
      for (let i = 0; i < 3; i++) {
        await tick();
        gc();
      }
    };
    const warm = await startClientele();
    await warm.close();
    await collect();
    const resourcesBefore = process.getActiveResourcesInfo().length;
    const servers: Array<WeakRef<object>> = [];
    const ports: number[] = [];
    for (let i = 0; i < 100; i++) {
      const emu = await startClientele();
      servers.push(new WeakRef(emu.clientele.app));
      ports.push(emu.port);
      await emu.close();
    }
    await collect();
    const alive = servers.filter((r) => r.deref() !== undefined).length;
    assert.ok(alive <= 2, `closed servers are garbage: ${alive} of 100 still reachable`);
    const resourcesAfter = process.getActiveResourcesInfo();
    assert.ok(resourcesAfter.length <= resourcesBefore, `active handles grew from ${resourcesBefore} to ${resourcesAfter.length}: ${resourcesAfter.join(', ')}`);
    for (const port of ports.slice(-10)) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => (socket.destroy(), resolve(false)));
        socket.once('error', () => resolve(true));
      });
      assert.ok(refused, `nothing listens on port ${port} after close`);
    }
  });
});
