// The Dockerfile, as far as a machine without a Docker engine can check it: the build stage's COPY lines
// copied into a clean directory, its npm commands run there, the final stage's COPY --from sources present
// afterwards, and the result (what the final stage copies) serves /readyz and the admin page; plus the
// shape the image promises: several stages, not root, a HEALTHCHECK on /readyz.
// test-engines: sqlite (it builds and starts its own copy)
//
// Differences from `docker build`, for a machine with no registry access and little time: npm runs with
// --offline (the local cache holds every package of the lockfile), and `npm ci` skips install scripts
// (better-sqlite3 would compile for minutes; its native module is copied from this checkout instead), so the
// `prepare` script that `npm ci` would run is run next, by name. The apt-get step is the image's own business.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, tempDir } from './helpers/cli.js';

interface Instruction {
  op: string;
  args: string;
}

/** The Dockerfile's instructions by stage, continuation lines joined, comments dropped. */
function stages(text: string): Instruction[][] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  const out: Instruction[][] = [];
  for (const line of joined.split(/\r?\n/)) {
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!m || line.trim().startsWith('#')) continue;
    const ins = { op: m[1]!, args: m[2]!.trim() };
    if (ins.op === 'FROM') out.push([]);
    if (ins.op !== 'ARG' || out.length > 0) out[out.length - 1]?.push(ins);
  }
  return out;
}

const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CLIENTELE_') && !k.startsWith('npm_')));

function sh(command: string, cwd: string): string {
  const r = spawnSync('sh', ['-c', command], { cwd, env: userEnv, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `'${command}' failed in the copy (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const [build, final] = stages(dockerfile) as [Instruction[], Instruction[]];
  let tmp: ReturnType<typeof tempDir>;
  let app: string;

  before(() => {
    tmp = tempDir();
    app = join(tmp.dir, 'app');
    mkdirSync(app);
  });
  after(() => tmp?.remove());

  it('has a build stage and a final stage that runs as a user other than root, with a HEALTHCHECK on /readyz', () => {
    assert.ok(build && final, 'two stages at least');
    assert.match(build[0]!.args, /\bAS build$/i, 'the first stage is named build');
    const user = final.filter((i) => i.op === 'USER').at(-1);
    assert.ok(user && !/^(root|0)(:|$)/.test(user.args), `the final stage runs as a user other than root: ${user?.args}`);
    const health = final.find((i) => i.op === 'HEALTHCHECK');
    assert.ok(health && /\/readyz/.test(health.args), 'a HEALTHCHECK on /readyz');
  });

  it("builds from the files its COPY lines bring, and the final stage finds what it copies; the result serves", async () => {
    // WORKDIR /app: destinations are relative to it.
    for (const copy of build.filter((i) => i.op === 'COPY')) {
      const parts = copy.args.split(/\s+/);
      assert.ok(!parts[0]!.startsWith('--'), `a plain COPY in the build stage: ${copy.args}`);
      const dest = join(app, parts.at(-1)!);
      const intoDir = parts.length > 2 || parts.at(-1)!.endsWith('/');
      for (const src of parts.slice(0, -1)) cpSync(join(ROOT, src), intoDir ? join(dest, src) : dest, { recursive: true });
    }
    const runs = build.filter((i) => i.op === 'RUN' && /^npm\b/.test(i.args));
    assert.ok(runs.length > 0, 'the build stage runs npm');
    for (const run of runs) {
      for (const command of run.args.split('&&').map((c) => c.trim())) {
        if (/^npm ci\b/.test(command)) {
          sh(`${command} --offline --ignore-scripts`, app);
          const addon = join('node_modules', 'better-sqlite3', 'build', 'Release');
          mkdirSync(join(app, addon), { recursive: true });
          copyFileSync(join(ROOT, addon, 'better_sqlite3.node'), join(app, addon, 'better_sqlite3.node'));
          sh('npm run prepare', app);
        } else {
          sh(`${command} --offline`, app);
        }
      }
    }
    const copied = final.filter((i) => i.op === 'COPY' && /--from=build/.test(i.args)).map((i) => i.args.split(/\s+/)[1]!);
    for (const src of copied) assert.ok(existsSync(join(tmp.dir, src)), `the final stage copies ${src}, which the build made`);
    assert.ok(existsSync(join(app, 'dist', 'admin', 'index.html')), 'the admin page was built');
    assert.ok(!existsSync(join(app, 'node_modules', 'typescript')), 'the dev dependencies were pruned');

    // The final stage holds exactly what it copies: run that.
    const image = join(tmp.dir, 'image');
    for (const src of copied) cpSync(join(tmp.dir, src), join(image, src.replace(/^\/app\//, '')), { recursive: true });
    const readyFile = join(tmp.dir, 'ready');
    const server = spawn(process.execPath, ['bin/clientele.js', 'serve', '--in-memory', '--port', '0', '--ready-file', readyFile, '--log-level', 'warn'], {
      cwd: image,
      env: { ...userEnv, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    server.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    try {
      let url: string | undefined;
      for (let i = 0; i < 600 && !url && server.exitCode === null; i++, await sleep(100)) {
        if (existsSync(readyFile)) url = readFileSync(readyFile, 'utf8').trim();
      }
      assert.ok(url, `the built server starts: ${stderr}`);
      assert.equal((await fetch(`${url}/readyz`)).status, 200, '/readyz');
      assert.equal((await fetch(`${url}/admin/`)).status, 200, 'the admin page is in the image');
      // The HEALTHCHECK's own command, against this server.
      const health = final.find((i) => i.op === 'HEALTHCHECK')!.args;
      const script = /"-e",\s*"((?:[^"\\]|\\.)*)"/.exec(health)?.[1];
      assert.ok(script, `the health check runs node -e: ${health}`);
      const check = spawnSync(process.execPath, ['-e', JSON.parse(`"${script}"`) as string], {
        env: { ...userEnv, CLIENTELE_PORT: new URL(url).port },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(check.status, 0, `the health check passes: ${check.stderr}`);
    } finally {
      server.kill('SIGTERM');
    }
  });
});
