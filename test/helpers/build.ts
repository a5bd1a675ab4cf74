// dist/ up to date for the tests that run the built executable (bin/clientele.js) and the built admin page.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

/** The newest modification time under `dir` (node_modules aside), or 0 when it is missing. */
function newest(dir: string): number {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let t = 0;
  for (const e of entries) {
    if (e.name === 'node_modules') continue;
    const path = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

/**
 * Some tests run the built executable (bin/clientele.js on dist/) and the built admin page: `npm test`
 * builds first, and a run of one file builds too when dist/ is missing or older than the sources.
 */
export async function ensureBuilt(note: (line: string) => void): Promise<void> {
  const built = (path: string) => (existsSync(path) ? statSync(path).mtimeMs : 0);
  const oldest = Math.min(built(join(ROOT, 'dist', 'cli', 'entry.js')), built(join(ROOT, 'dist', 'admin', 'index.html')));
  const sources = Math.max(newest(join(ROOT, 'src')), newest(join(ROOT, 'admin')));
  if (oldest > 0 && oldest >= sources) return;
  note(oldest ? 'dist/ is older than the sources: npm run build' : 'dist/ is missing: npm run build');
  const code = await new Promise<number>((resolveCode) => {
    const child = spawn('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    child.once('error', () => resolveCode(127));
    child.once('exit', (c) => resolveCode(c ?? 1));
  });
  if (code !== 0) throw new Error(`npm run build failed (exit code ${code})`);
}
