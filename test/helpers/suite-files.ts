// Which test files the suite has, and which engine passes each runs in (test/run.ts, scripts/test-alone.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

export type Engine = 'sqlite' | 'postgres';
export const ENGINES: readonly Engine[] = ['sqlite', 'postgres'];

/** test/ (the TypeScript sources) */
export const TEST_DIR = join(ROOT, 'test');

const testFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => join(dir, f));

const source = (file: string) => readFileSync(file, 'utf8');

/** The engines a file runs on: every one, unless its opening comment names them (`test-engines: sqlite`). */
export function enginesOf(file: string): Engine[] {
  const m = /test-engines:\s*([a-z, ]+)/.exec(source(file).slice(0, 2000));
  return m ? (m[1]!.split(',').map((e) => e.trim()) as Engine[]) : ['sqlite', 'postgres'];
}

/** Files that say `test-duration: long` in their opening comment: the run starts them first. */
export const isLong = (file: string) => /test-duration:\s*long/.test(source(file).slice(0, 2000));

/** Files that drive a browser: they import the browser helper. */
export const needsChromium = (file: string) => /from '\.\.?\/(?:\.\.\/)?helpers\/browser\.js'/.test(source(file));

/** Every file of an engine's pass: test/*.test.ts that run on it, and test/postgres/ in the PostgreSQL pass. */
export function filesFor(engine: Engine): string[] {
  return [...testFiles(TEST_DIR).filter((f) => enginesOf(f).includes(engine)), ...(engine === 'postgres' ? testFiles(join(TEST_DIR, 'postgres')) : [])];
}
