// `clientele export`: customers of a business as CSV or JSON lines, streamed.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { exportRecords } from '../../transfer/export.js';
import { customersPath, resolveCollection } from '../../transfer/target.js';
import { customerFileFrom, customerFileOptionSpecs, FORMAT_HELP } from '../customer-file-options.js';
import { Progress } from '../progress.js';
import { openCommandStore, STORE_HELP, storeConfigFrom, TENANT_HELP, tenantFrom } from '../store-options.js';
import { type Command, count, parseCommand } from '../util.js';

const HELP = `Usage: clientele export --business <id> [options] [file]

Writes the customers of a Bookings business as CSV or JSON lines to a file (standard output when the file
is omitted or '-'). A file is written under a temporary name and renamed when complete.
The server does not need to be running.

CSV has the columns Id, Name, Email, Phone, Phone Type, Street, City, State, Postal Code, Country,
Address Type, with the first phone and the first address of each customer; JSON lines carry every property.

Options (environment variable in brackets):
  --business <id>      the business to export from, e.g. Contosolunchdelivery@contoso.onmicrosoft.com
${FORMAT_HELP}  --bom                start the CSV with a UTF-8 byte order mark, so that Excel reads accents right
  -q, --quiet          no progress output
${STORE_HELP}${TENANT_HELP}  -h, --help           this help
`;

async function run(argv: string[]): Promise<void> {
  const parsed = parseCommand(
    argv,
    { ...customerFileOptionSpecs, bom: { type: 'boolean' } },
    HELP,
    true,
  );
  if (!parsed) return;
  const { values, positionals } = parsed;
  const { business, file, format, delimiter } = customerFileFrom(values, positionals, 'output');

  const { model, schema, store } = await openCommandStore(storeConfigFrom(values), { mustExist: true });
  try {
    const target = await resolveCollection(model, schema, store, tenantFrom(values), customersPath(business));
    const total = await store.count(target.table, target.scope);
    const progress = new Progress('export', { unit: 'customers', total, quiet: values.quiet });
    const partial = file ? `${file}.partial` : undefined;
    const out = partial ? createWriteStream(partial, { mode: 0o600 }) : process.stdout; // tenant data: the owner's only
    let result;
    try {
      result = await exportRecords(store, target, out, { format, delimiter, bom: values.bom, onProgress: (n) => progress.update(n) });
      if (partial) {
        await finished(out);
        renameSync(partial, file!);
      }
    } catch (err) {
      if (partial) rmSync(partial, { force: true });
      throw err;
    }
    if (result.truncated) {
      progress.message(
        `export: ${count(result.truncated, 'customer')} with more than one phone or address: the CSV holds the first of each (use --format jsonl for all)`,
      );
    }
    progress.finish(`export: ${count(result.written, 'customer')} written${file ? ` to ${file}` : ''}`);
  } finally {
    await store.close();
  }
}

export const exportCommand: Command = { name: 'export', help: HELP, run };
