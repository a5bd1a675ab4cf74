// `clientele restore`: replaces the whole state with a snapshot's.
import { createReadStream } from 'node:fs';
import { restoreSnapshot, SnapshotError } from '../../transfer/snapshot.js';
import { Progress } from '../progress.js';
import { openCommandStore, STORE_HELP, storeConfigFrom, storeOptionSpecs } from '../store-options.js';
import { type Command, count, parseCommand, readableFile, UsageError } from '../util.js';

const HELP = `Usage: clientele restore [options] <file>

Replaces all data (every tenant) with the snapshot in <file> (standard input for '-'), written by
'clientele snapshot'. It happens in one transaction: a damaged or incomplete snapshot changes nothing.
Works while a server is running on the same data directory.

Options (environment variable in brackets):
  -q, --quiet          no progress output
${STORE_HELP}  -h, --help           this help
`;

async function run(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, { quiet: { type: 'boolean', short: 'q' }, ...storeOptionSpecs }, HELP, true);
  if (!parsed) return;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('expected one argument: the snapshot file (or - for standard input)');
  const file = positionals[0] === '-' ? undefined : positionals[0]!;
  if (file) readableFile(file);
  const { store, schema } = await openCommandStore(storeConfigFrom(values));
  try {
    const progress = new Progress('restore', { unit: 'rows', quiet: values.quiet });
    const rows = await restoreSnapshot(store, schema, file ? createReadStream(file) : process.stdin, (n) => progress.update(n)).catch((err) => {
      if (err instanceof SnapshotError) throw new Error(`${file ?? 'standard input'}: ${err.message}; nothing was restored`);
      throw err;
    });
    progress.finish(`restore: ${count(rows, 'row')} restored${file ? ` from ${file}` : ''}`);
  } finally {
    await store.close();
  }
}

export const restoreCommand: Command = { name: 'restore', help: HELP, run };
