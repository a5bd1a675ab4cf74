// `clientele export`: customers of a business as CSV or JSON lines, streamed.
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { exportRecords } from '../../transfer/export.js';
import { serializeEntity } from '../../odata/serialize.js';
import { CATALOGUE, collectionPath } from '../../transfer/catalogue.js';
import { entityColumns, entityToRow } from '../../transfer/entity-csv.js';
import { resolveCollection } from '../../transfer/target.js';
import { customerFileFrom, customerFileOptionSpecs, FORMAT_HELP, transferTypeFrom, TYPE_HELP } from '../customer-file-options.js';
import { Progress } from '../progress.js';
import { openCommandStore, STORE_HELP, storeConfigFrom, TENANT_HELP, tenantFrom } from '../store-options.js';
import { type Command, count, parseCommand } from '../util.js';

const HELP = `Usage: clientele export --business <id> [options] [file]

Writes the customers (or, with --type, the custom questions, staff members, services or whole catalogue) of a
Bookings business as CSV or JSON lines to a file (standard output when the file is omitted or '-'). A file is
written under a temporary name and renamed when complete. The server does not need to be running.

Customers' CSV has the columns Id, Name, Email, Phone, Phone Type, Street, City, State, Postal Code, Country,
Address Type, with the first phone and the first address of each customer; JSON lines carry every property.
Other types' CSV has one column per property, complex and collection values as JSON. --type catalogue writes
questions, staff members and services in one JSON-lines file, in the order 'clientele import' needs.

Options (environment variable in brackets):
  --business <id>      the business to export from, e.g. Contosolunchdelivery@contoso.onmicrosoft.com
${TYPE_HELP}${FORMAT_HELP}  --bom                start the CSV with a UTF-8 byte order mark, so that Excel reads accents right
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

  const type = transferTypeFrom(values.type, format);
  const { model, schema, store } = await openCommandStore(storeConfigFrom(values), { mustExist: true });
  try {
    const collections = type === 'catalogue' ? CATALOGUE.map((c) => c.collection) : [type];
    const targets = [];
    for (const c of collections) targets.push(await resolveCollection(model, schema, store, tenantFrom(values), collectionPath(business, c)));
    let total = 0;
    for (const t of targets) total += await store.count(t.table, t.scope);
    const unit = type === 'catalogue' ? 'entities' : type;
    const progress = new Progress('export', { unit, total, quiet: values.quiet });
    const partial = file ? `${file}.partial` : undefined;
    const out = partial ? createWriteStream(partial, { mode: 0o600 }) : process.stdout; // tenant data: the owner's only
    const result = { written: 0, truncated: 0 };
    try {
      for (const [i, target] of targets.entries()) {
        const csv = type === 'customers' ? undefined : { columns: entityColumns(target.type), row: (v: Record<string, unknown>) => ({ cells: entityToRow(target.type, serializeEntity(target.type, v)), truncated: false }) };
        const done = result.written;
        const r = await exportRecords(store, target, out, { format, delimiter, bom: values.bom, csv, keepOpen: i < targets.length - 1, onProgress: (n) => progress.update(done + n) });
        result.written += r.written;
        result.truncated += r.truncated;
      }
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
    const what = type === 'customers' ? count(result.written, 'customer') : `${result.written} ${type === 'catalogue' ? 'catalogue entities' : type}`;
    progress.finish(`export: ${what} written${file ? ` to ${file}` : ''}`);
  } finally {
    await store.close();
  }
}

export const exportCommand: Command = { name: 'export', help: HELP, run };
