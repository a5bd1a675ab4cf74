// Fixtures and start-up through the CLI: `clientele load` (into a data directory, or a running server with
// --url), `serve --fixtures`, `--ready-file` and the ready line, and `clientele token --url` for an
// --in-memory server, whose key never leaves its process.
// test-engines: sqlite (the commands work on a data directory or start their own server)
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, spawnCli, startCliServer, tempDir } from './helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
before(() => {
  tmp = tempDir();
});
after(() => tmp.remove());

const GOOD = { bookingBusinesses: [{ id: 'load@contoso.com', displayName: 'Load', customers: [{ displayName: 'Ada', emailAddress: 'ada@example.com' }] }] };
const BAD = {
  bookingBusinesses: [
    { id: 'load@contoso.com', displayName: 'Load' },
    { id: 'other@contoso.com', displayName: 'Other', customers: [{ displayName: 'Bo', phones: [{ number: '1', type: 'walkie-talkie' }] }] },
  ],
};

function file(name: string, content: unknown): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('clientele load', () => {
  it('loads nothing from a file with a bad entry, naming the file, the entry and the property; then the good file loads', async () => {
    const location = join(tmp.dir, 'data');
    const bad = file('bad.json', BAD);
    const refused = await runCli(['load', '--location', location, bad]);
    assert.equal(refused.code, 1, `a bad entry fails the command: ${refused.stderr}`);
    assert.match(refused.stderr, new RegExp(`^clientele: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: bookingBusinesses\\[1\\]\\.customers\\[0\\]: .*phones`), `file, entry and property: ${refused.stderr}`);
    assert.match(refused.stderr, /nothing was loaded/, 'says that nothing was loaded');
    // Had the first entry of the bad file been kept, the same id would now be a conflict.
    const loaded = await runCli(['load', '--location', location, file('good.json', GOOD)]);
    assert.equal(loaded.code, 0, `the good file loads: ${loaded.stderr}`);
    const again = await runCli(['load', '--location', location, file('good.json', GOOD)]);
    assert.equal(again.code, 1, 'loading the same ids twice is refused');
    assert.match(again.stderr, /bookingBusinesses\[0\]: .*already exists/, `the existing entry is named: ${again.stderr}`);
  });

  it('refuses a file that is not there or not JSON, and a missing file argument', async () => {
    const missing = await runCli(['load', '--location', join(tmp.dir, 'x'), join(tmp.dir, 'nope.json')]);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /nope\.json: cannot read it: no such file/, missing.stderr);
    const notJson = await runCli(['load', '--location', join(tmp.dir, 'x'), file('broken.json', '{"bookingBusinesses": [')]);
    assert.equal(notJson.code, 1, notJson.stderr);
    assert.match(notJson.stderr, /broken\.json: not valid JSON/, notJson.stderr);
    const usage = await runCli(['load', '--location', join(tmp.dir, 'x')]);
    assert.equal(usage.code, 2, `no file is a usage error: ${usage.stderr}`);
  });
});

describe('serve --fixtures, --ready-file and token --url on an in-memory server', () => {
  it('starts with the fixtures, writes the URL, says it is ready, and hands tokens to `clientele token --url`', async () => {
    const readyFile = join(tmp.dir, 'ready.txt');
    writeFileSync(readyFile, 'stale from an earlier run');
    const server = await startCliServer(['--in-memory', '--fixtures', file('serve.json', GOOD), '--ready-file', readyFile]);
    try {
      await server.waitForLog((l) => l.msg === 'loaded fixtures');
      const ready = await waitForStderr(server, /Clientele ready: (\S+) \(Graph \/beta and \/v1\.0, admin \/admin\)/);
      assert.equal(ready[1], server.origin, 'the ready line names the real port');
      assert.equal(readFileSync(readyFile, 'utf8'), `${server.origin}\n`, 'the ready file holds the URL');

      // Signed with a key of its own, a token made offline is refused: --url asks the server itself.
      const token = await runCli(['token', '--url', server.origin, '--scopes', 'Bookings.Read.All']);
      assert.equal(token.code, 0, token.stderr);
      const res = await fetch(`${server.origin}/v1.0/solutions/bookingBusinesses/load%40contoso.com/customers`, {
        headers: { authorization: `Bearer ${token.stdout.trim()}` },
      });
      assert.equal(res.status, 200, 'the token from the server is accepted');
      const body = (await res.json()) as { value: Array<{ displayName: string }> };
      assert.deepEqual(body.value.map((c) => c.displayName), ['Ada'], 'the fixtures were loaded at start');

      const viaServer = await runCli(['load', '--url', server.origin, file('more.json', { bookingBusinesses: [{ displayName: 'More' }] })]);
      assert.equal(viaServer.code, 0, `load --url: ${viaServer.stderr}`);
      const badViaServer = await runCli(['load', '--url', server.origin, file('bad-url.json', BAD)]);
      assert.equal(badViaServer.code, 1, badViaServer.stderr);
      assert.match(badViaServer.stderr, /bad-url\.json: bookingBusinesses\[0\]: .*already exists.*nothing was loaded/, `load --url names the entry: ${badViaServer.stderr}`);
    } finally {
      await server.stop();
    }
  });

  it('token says why a new key will not do for a server elsewhere, and --url says why a server cannot answer', async () => {
    const fresh = await runCli(['token', '--location', join(tmp.dir, 'fresh')]);
    assert.equal(fresh.code, 0, fresh.stderr);
    assert.match(fresh.stderr, /made a new dev issuer key .*--in-memory server .* does not: ask it with --url/, `the note: ${fresh.stderr}`);
    const unreachable = await runCli(['token', '--url', 'http://127.0.0.1:9']);
    assert.equal(unreachable.code, 1, unreachable.stderr);
    assert.match(unreachable.stderr, /cannot reach a server at http:\/\/127\.0\.0\.1:9/, unreachable.stderr);
    const both = await runCli(['token', '--url', 'http://127.0.0.1:9', '--location', tmp.dir]);
    assert.equal(both.code, 2, `--url with --location is a usage error: ${both.stderr}`);

    const noIssuer = await startCliServer(['--in-memory', '--auth', 'none']);
    try {
      const refused = await runCli(['token', '--url', noIssuer.origin]);
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(refused.stderr, /hands out no tokens: it does not trust the built-in dev issuer/, refused.stderr);
    } finally {
      await noIssuer.stop();
    }
  });

  it('a bad fixtures file stops serve with one line naming the file, the entry and the property', async () => {
    const r = await spawnCli(['serve', '--in-memory', '--port', '0', '--fixtures', file('serve-bad.json', BAD)]);
    assert.equal(r.code, 1, `exit 1: ${r.stderr}`);
    assert.match(r.stderr, /^clientele: .*serve-bad\.json: bookingBusinesses\[1\]\.customers\[0\]: .*phones/, `one line: ${r.stderr}`);
  });
});

async function waitForStderr(server: { stderr(): string; exited: Promise<unknown> }, pattern: RegExp): Promise<RegExpExecArray> {
  for (let i = 0; i < 300; i++) {
    const m = pattern.exec(server.stderr());
    if (m) return m;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no line matching ${pattern} on stderr: ${server.stderr()}`);
}
