// The data directory and what is in it (the SQLite database and its -wal/-shm, the dev issuer's key, snapshots)
// are private to their owner whatever the umask, also when they were created before, with looser modes.
// test-engines: sqlite (the files of the embedded store's data directory)
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, tempDir } from './helpers/cli.js';
import { startServer } from './helpers/server.js';

const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (m: number) => `0${m.toString(8)}`;

let tmp: ReturnType<typeof tempDir>;
let previousUmask: number;
before(() => {
  // What most systems use: new files 0644 and directories 0755 unless the code says otherwise.
  previousUmask = process.umask(0o022);
  tmp = tempDir();
});
after(() => {
  process.umask(previousUmask);
  tmp.remove();
});

let writes = 0;
async function writeThroughServer(location: string) {
  const server = await startServer({ location, inMemory: false });
  try {
    const res = await server.request('POST', '/beta/solutions/bookingBusinesses', { body: { id: `private${++writes}@contoso.com`, displayName: 'Private' } });
    assert.equal(res.status, 201, res.text);
    for (const f of ['clientele.db', 'clientele.db-wal', 'clientele.db-shm']) {
      assert.equal(octal(mode(join(location, f))), '0600', `${f} is 0600 while the server runs`);
    }
  } finally {
    await server.close();
  }
}

describe('data directory permissions under umask 022', () => {
  it('a new data directory is 0700 and its database files 0600', async () => {
    const location = join(tmp.dir, 'fresh', 'data');
    await writeThroughServer(location);
    assert.equal(octal(mode(location)), '0700', 'the data directory is 0700');
    assert.equal(octal(mode(join(location, 'clientele.db'))), '0600', 'the database is 0600 after close');
  });

  it('an existing directory and database with looser modes are made private when opened', async () => {
    const location = join(tmp.dir, 'old');
    mkdirSync(location, { recursive: true });
    await writeThroughServer(location);
    // As an older version (or a copy) left them.
    chmodSync(location, 0o755);
    chmodSync(join(location, 'clientele.db'), 0o644);
    writeFileSync(join(location, 'clientele.db-wal'), '');
    chmodSync(join(location, 'clientele.db-wal'), 0o644);
    await writeThroughServer(location);
    assert.equal(octal(mode(location)), '0700', 'the data directory was made 0700');
    assert.equal(octal(mode(join(location, 'clientele.db'))), '0600', 'the database was made 0600');
  });

  it('the CLI makes the data directory private too, and the dev issuer key and snapshots are 0600', async () => {
    const location = join(tmp.dir, 'cli', 'data');
    const seeded = await runCli(['seed', '--location', location]);
    assert.equal(seeded.code, 0, seeded.stderr);
    assert.equal(octal(mode(location)), '0700', 'seed made the data directory 0700');
    assert.equal(octal(mode(join(location, 'clientele.db'))), '0600', 'the database is 0600');
    const token = await runCli(['token', '--location', location]);
    assert.equal(token.code, 0, token.stderr);
    assert.equal(octal(mode(join(location, 'dev-issuer-key.json'))), '0600', 'the dev issuer key is 0600');
    const file = join(tmp.dir, 'cli', 'all.snapshot');
    const saved = await runCli(['snapshot', '--location', location, file]);
    assert.equal(saved.code, 0, saved.stderr);
    assert.equal(octal(mode(file)), '0600', "a snapshot (every tenant's data) is 0600");
  });
});
