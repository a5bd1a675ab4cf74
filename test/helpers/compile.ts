// Compiles src/ and test/ into .test-build/ (plain JavaScript with inline source maps, the directory layout
// kept) for test/run.ts: a test file's process then starts without tsx, whose module hooks cost more than a
// second of CPU per process. The same transform as tsx's (esbuild, file by file), so the code behaves alike;
// type checking is `npm run typecheck`'s job. Only files changed since the last build are compiled again;
// other files (fixtures, .mjs helpers) are linked; package.json, bin/, dist/ and docs/ are linked at the top.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transform } from 'esbuild';
import { BUILD_DIR, ROOT } from './paths.js';

const TREES = ['src', 'test'];
const LINKED_AT_TOP = ['package.json', 'bin', 'dist', 'docs'];

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules') continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** Makes `link` a symbolic link to `target` (relative), unless it is one already. */
function ensureLink(target: string, link: string): void {
  const rel = relative(dirname(link), target);
  try {
    const st = lstatSync(link);
    if (st.isSymbolicLink()) return;
    rmSync(link, { recursive: true, force: true });
  } catch {}
  mkdirSync(dirname(link), { recursive: true });
  try {
    symlinkSync(rel, link);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** Writes through a temporary file and a rename, so a concurrent run never reads half a file. */
function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${createHash('md5').update(path).digest('hex').slice(0, 6)}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Brings .test-build/ up to date; returns its path. */
export async function compileTests(): Promise<string> {
  const out = join(ROOT, BUILD_DIR);
  mkdirSync(out, { recursive: true });
  for (const name of LINKED_AT_TOP) ensureLink(join(ROOT, name), join(out, name));
  const wanted = new Set<string>();
  const jobs: Promise<void>[] = [];
  for (const tree of TREES) {
    for (const file of walk(join(ROOT, tree))) {
      const rel = relative(ROOT, file);
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) {
        wanted.add(rel);
        ensureLink(file, join(out, rel));
        continue;
      }
      const target = join(out, rel.replace(/\.ts$/, '.js'));
      wanted.add(relative(out, target));
      if (existsSync(target) && statSync(target).mtimeMs >= statSync(file).mtimeMs) continue;
      jobs.push(
        (async () => {
          const source = readFileSync(file, 'utf8');
          const result = await transform(source, {
            loader: 'ts',
            format: 'esm',
            target: 'node20',
            platform: 'node',
            sourcemap: 'inline',
            sourcefile: file,
          });
          writeAtomic(target, result.code);
        })(),
      );
    }
  }
  await Promise.all(jobs);
  // What no longer has a source goes.
  for (const tree of TREES) {
    const dir = join(out, tree);
    if (!existsSync(dir)) continue;
    for (const file of walk(dir)) {
      const rel = relative(out, file);
      if (!wanted.has(rel) && !file.endsWith('.tmp')) rmSync(file, { force: true });
    }
  }
  return out;
}
