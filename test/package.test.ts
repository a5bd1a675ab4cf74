// The npm package as another project gets it: `npm pack` holds what a user needs and nothing else; the
// tarball installs into an empty project offline; `npx clientele serve` starts, answers, hands out a token
// through its control plane and stops when npx's PID is killed; TypeScript type-checks a consumer of
// `import … from 'clientele'` (and refuses a wrong option, so the types are real), and the consumer runs.
// test-engines: sqlite (it packs the build `npm test` makes first, and starts its own server)
//
// Offline: the consumer's lockfile is this project's, less its dev dependencies (the versions and integrity
// hashes npm would pick, all in the local npm cache that `npm ci` filled), so `npm ci --offline` needs no
// registry. Install scripts are skipped: better-sqlite3's would download a prebuilt binary (or compile for
// minutes); its native module is copied from this checkout's install instead, the same version for the same
// Node.js.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, tempDir } from './helpers/cli.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; [k: string]: unknown };
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');

/** The environment of a user's shell: no CLIENTELE_* settings of ours, npm's cache as configured. */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CLIENTELE_') && !k.startsWith('npm_')));

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env: userEnv, encoding: 'utf8', timeout: 180_000 });
  if (r.error) throw r.error;
  return r;
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Polls until `check` answers something, within `ms`; undefined when it never did. */
async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, ms: number): Promise<T | undefined> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
    const v = await check();
    if (v !== undefined) return v;
  }
  return undefined;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the npm package', () => {
  let tmp: ReturnType<typeof tempDir>;
  let tarball: string;
  let files: string[];
  let project: string;

  before(() => {
    for (const built of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/entry.js', 'dist/admin/index.html']) {
      assert.ok(existsSync(join(ROOT, built)), `${built} is missing: run 'npm run build' (npm test does) first`);
    }
    tmp = tempDir();
    // The build is there already (npm test's pretest): no scripts, so packing does not rebuild it.
    const packed = JSON.parse(ok(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp.dir], ROOT), 'npm pack')) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    tarball = join(tmp.dir, packed[0]!.filename);
    files = packed[0]!.files.map((f) => f.path);

    project = join(tmp.dir, 'consumer');
    mkdirSync(project);
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; link?: boolean }> };
    const spec = `file:${tarball}`;
    const packages: Record<string, unknown> = {
      '': { name: 'consumer', version: '1.0.0', dependencies: { clientele: spec } },
      'node_modules/clientele': {
        version: pkg.version,
        resolved: spec,
        integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
        dependencies: pkg.dependencies,
        bin: pkg.bin,
        engines: pkg.engines,
      },
    };
    for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && !entry.dev && !entry.link) packages[path] = entry;
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies: { clientele: spec } }));
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages }));
    ok(run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], project), 'npm ci --offline of the tarball');
    const addon = join('node_modules', 'better-sqlite3', 'build', 'Release');
    mkdirSync(join(project, addon), { recursive: true });
    copyFileSync(join(ROOT, addon, 'better_sqlite3.node'), join(project, addon, 'better_sqlite3.node'));
  });
  after(() => tmp?.remove());

  it('holds the built server, its declarations, the admin page, README and LICENSE; no sources, tests or scripts', () => {
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'bin/clientele.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/entry.js', 'dist/admin/index.html']) {
      assert.ok(files.includes(needed), `${needed} is in the package`);
    }
    assert.ok(files.some((f) => f.startsWith('dist/admin/assets/')), "the admin page's assets are in the package");
    const stray = files.filter((f) => !['package.json', 'README.md', 'LICENSE'].includes(f) && !/^(bin|dist)\//.test(f));
    assert.deepEqual(stray, [], 'nothing outside bin/ and dist/ but package.json, README.md and LICENSE');
    assert.deepEqual(files.filter((f) => f.endsWith('.map') || /(^|\/)(test|fixtures|scripts|\.ci)\//.test(f)), [], 'no source maps, tests, fixtures or scripts');
    assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /^MIT License/, 'the LICENSE is MIT, as package.json says');
    assert.equal(pkg.license, 'MIT', 'package.json says MIT');
  });

  it('npx clientele serve starts, serves Graph and the admin page, hands out tokens, and ends when npx is killed', async () => {
    const readyFile = join(tmp.dir, 'ready');
    const npx = spawn('npx', ['clientele', 'serve', '--in-memory', '--port', '0', '--ready-file', readyFile, '--log-level', 'warn'], {
      cwd: project,
      env: userEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npx.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    npx.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    let serverPid: number | undefined;
    try {
      const url = await waitFor(() => (existsSync(readyFile) ? readFileSync(readyFile, 'utf8').trim() : undefined), 60_000);
      assert.ok(url, `the ready file appears: ${output}`);
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/, 'the ready file holds the URL, with the real port');
      assert.match(output, new RegExp(`Clientele ready: ${url} \\(Graph /beta and /v1\\.0, admin /admin\\)`), 'one human line says it is ready');
      assert.equal((await fetch(`${url}/readyz`)).status, 200, '/readyz');
      const info = (await (await fetch(`${url}/_clientele/info`)).json()) as { pid: number; version: string };
      serverPid = info.pid;
      assert.equal(info.version, pkg.version, 'the installed version serves');
      const admin = await fetch(`${url}/admin/`);
      assert.equal(admin.status, 200, 'the admin page is in the package');
      assert.match(await admin.text(), /<html/i, 'the admin page is HTML');

      const token = ok(run('npx', ['clientele', 'token', '--url', url], project), 'npx clientele token --url').trim();
      const listed = await fetch(`${url}/v1.0/solutions/bookingBusinesses`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(listed.status, 200, 'the in-memory server accepts the token it handed out');
    } finally {
      npx.kill('SIGTERM');
    }
    assert.ok(serverPid, 'the server told its pid');
    const gone = await waitFor(() => (alive(serverPid!) ? undefined : true), 30_000);
    if (!gone) process.kill(serverPid, 'SIGKILL');
    assert.ok(gone, `the node process under npx ends when npx's PID is killed: ${output}`);
  });

  it("type-checks and runs a consumer of import { startClientele } from 'clientele'; a wrong option does not type-check", () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      [
        "import { startClientele, type ClienteleEmulator } from 'clientele';",
        "const emu: ClienteleEmulator = await startClientele({ port: 0, tenant: 'contoso' });",
        "const token: string = await emu.token({ scopes: ['Bookings.Read.All'] });",
        "const res = await fetch(`${emu.graphUrl('v1.0')}/solutions/bookingBusinesses`, { headers: { authorization: `Bearer ${token}` } });",
        'console.log(JSON.stringify({ status: res.status, url: emu.url }));',
        'await emu.close();',
      ].join('\n'),
    );
    writeFileSync(join(project, 'wrong.ts'), "import { startClientele } from 'clientele';\nawait startClientele({ prot: 0 });\n");
    const options = {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      outDir: 'out',
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules', '@types')],
    };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['consumer.ts'] }));
    writeFileSync(join(project, 'tsconfig.wrong.json'), JSON.stringify({ compilerOptions: { ...options, noEmit: true }, files: ['wrong.ts'] }));
    ok(run(TSC, ['-p', 'tsconfig.json'], project), 'tsc of the consumer');
    const wrong = run(TSC, ['-p', 'tsconfig.wrong.json'], project);
    assert.notEqual(wrong.status, 0, 'a misspelt option is a type error');
    assert.match(wrong.stdout, /'prot' does not exist/, `tsc names the misspelt option: ${wrong.stdout}`);
    const out = ok(run(process.execPath, [join(project, 'out', 'consumer.js')], project), 'the compiled consumer');
    const result = JSON.parse(out.trim()) as { status: number; url: string };
    assert.equal(result.status, 200, 'the consumer listed businesses with its token');
    assert.match(result.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'on a free loopback port');
  });
});
