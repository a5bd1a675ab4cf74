// The data directory holds every tenant's data and the signing keys: only its owner may read it, whatever the
// umask (0022 would make it world-readable). New directories and files are created private, and existing
// ones (from before this rule, or copied in) are made private when the store opens them.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) as 0700, and makes an existing one 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  restrict(dir, PRIVATE_DIR_MODE);
}

/** Makes each existing file 0600 (missing ones are skipped); creates `create` first, empty, when missing. */
export function makePrivate(files: string[], create?: string): void {
  if (create) closeSync(openSync(create, 'a', PRIVATE_FILE_MODE));
  for (const f of files) restrict(f, PRIVATE_FILE_MODE);
}

function restrict(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Missing: nothing to protect. Someone else's (a shared mount): not ours to change; the owner decides.
    if (code === 'ENOENT' || code === 'EPERM') return;
    throw err;
  }
}
