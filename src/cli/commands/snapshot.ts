// `clientele snapshot`: saves the whole state as JSON lines (restore it with `clientele restore`).
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { saveSnapshot } from '../../transfer/snapshot.js';
import { Progress } from '../progress.js';
import { openCommandStore, STORE_HELP, storeConfigFrom, storeOptionSpecs } from '../store-options.js';
import { type Command, count, parseCommand, UsageError } from '../util.js';

const HELP = `Usage: clientele snapshot [options] <file>

Saves every tenant's data to <file> (standard output for '-') as JSON lines, engine-neutral: a snapshot
taken from SQLite restores into PostgreSQL and back. The file is written under a temporary name and renamed
when complete. Restore it with 'clientele restore <file>'. Works while a server is running: the snapshot is
one consistent state.

Options (environment variable in brackets):
  -q, --quiet          no progress output
${STORE_HELP}  -h, --help           this help
`;

async function run(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, { quiet: { type: 'boolean', short: 'q' }, ...storeOptionSpecs }, HELP, true);
  if (!parsed) return;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('expected one argument: the snapshot file (or - for standard output)');
  const file = positionals[0] === '-' ? undefined : positionals[0]!;
  const { store, schema } = await openCommandStore(storeConfigFrom(values), { mustExist: true });
  try {
    const progress = new Progress('snapshot', { unit: 'rows', quiet: values.quiet });
    const partial = file ? `${file}.partial` : undefined;
    let rows: number;
    try {
      rows = await saveSnapshot(store, schema, partial ? createWriteStream(partial, { mode: 0o600 }) : process.stdout, (n) => progress.update(n));
      if (partial) renameSync(partial, file!);
    } catch (err) {
      if (partial) rmSync(partial, { force: true });
      throw err;
    }
    progress.finish(`snapshot: ${count(rows, 'row')} saved${file ? ` to ${file}` : ''}`);
  } finally {
    await store.close();
  }
}

export const snapshotCommand: Command = { name: 'snapshot', help: HELP, run };
