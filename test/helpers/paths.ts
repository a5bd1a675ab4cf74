// Where things are, whether this code runs from the TypeScript sources (through tsx) or from the copy that
// test/run.ts compiles into .test-build/ (plain JavaScript, a process starts several times faster).
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder, under the repository, of the compiled copy of src/ and test/. */
export const BUILD_DIR = '.test-build';

const codeRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** True when this code is the compiled copy. */
export const COMPILED = basename(codeRoot) === BUILD_DIR;
/** The repository (package.json, bin/, dist/, the TypeScript sources). */
export const ROOT = COMPILED ? dirname(codeRoot) : codeRoot;
/** The root of the code that runs: the repository, or its compiled copy. */
export const CODE_ROOT = codeRoot;

/**
 * How to run one of the repository's TypeScript files (e.g. 'src/cli/entry.ts') as a node process, the way
 * this code runs: its compiled copy, or the source through tsx. Returns node's arguments.
 */
export function nodeArgsFor(tsPath: string): string[] {
  return COMPILED ? ['--enable-source-maps', join(CODE_ROOT, tsPath.replace(/\.ts$/, '.js'))] : ['--import', 'tsx', join(ROOT, tsPath)];
}
