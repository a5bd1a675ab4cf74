// `clientele import`: customers of a business from CSV or JSON lines, all or nothing.
import { createReadStream, type ReadStream } from 'node:fs';
import { importRecords } from '../../transfer/import.js';
import { csvSource, InputError, jsonlSource } from '../../transfer/records.js';
import { customersPath, resolveCollection } from '../../transfer/target.js';
import { customerFileFrom, customerFileOptionSpecs, FORMAT_HELP } from '../customer-file-options.js';
import { Progress } from '../progress.js';
import { openCommandStore, STORE_HELP, storeConfigFrom, TENANT_HELP, tenantFrom } from '../store-options.js';
import { type Command, count, parseCommand, positiveInt, readableFile } from '../util.js';

const HELP = `Usage: clientele import --business <id> [options] [file]

Imports customers into a Bookings business from a CSV or JSON-lines file (standard input when the file is
omitted or '-'). Every row is validated as a POST of that customer would be. If any row is invalid, nothing
is imported and the invalid rows are listed with their line numbers, unless --skip-invalid is given.
The server does not need to be running.

CSV columns (header required, any order, case-insensitive): Id, Name, Email, Phone, Phone Type, Street,
City, State, Postal Code, Country, Address Type. Only Name is required; a blank Id gets a new GUID.
Outlook's contacts export is read too: First/Middle/Last Name make the name, E-mail Address the email, its
phone columns (Business Phone, Mobile Phone, Home Phone...) one phone each, its Business, Home and Other
address columns one address each. The separator (, ; or tab) is detected from the header line.
JSON lines: one bookingCustomer per line, as the Graph API takes it (what 'clientele export' writes).

Options (environment variable in brackets):
  --business <id>      the business to import into, e.g. Contosolunchdelivery@contoso.onmicrosoft.com
${FORMAT_HELP}  --ignore-unknown-columns
                       skip (and name) CSV columns that feed no bookingCustomer property, instead of
                       refusing the file (e.g. Outlook's Birthday, Notes, Categories)
  --upsert             a row whose Id exists updates that customer (blank cells leave its properties as
                       they are) instead of being invalid: for re-importing an export
  --skip-invalid       import the valid rows and report the invalid ones, instead of importing nothing
  --max-errors <n>     how many invalid rows to list before only counting them (default 100)
  -q, --quiet          no progress output, only errors
${STORE_HELP}${TENANT_HELP}  -h, --help           this help

Exit status: 0 when imported, 1 when nothing was imported (invalid rows or an error), 2 on a usage error.
`;

async function run(argv: string[]): Promise<void> {
  const parsed = parseCommand(
    argv,
    {
      ...customerFileOptionSpecs,
      'skip-invalid': { type: 'boolean' },
      'max-errors': { type: 'string' },
      'ignore-unknown-columns': { type: 'boolean' },
      upsert: { type: 'boolean' },
    },
    HELP,
    true,
  );
  if (!parsed) return;
  const { values, positionals } = parsed;
  const { business, file, format, delimiter } = customerFileFrom(values, positionals, 'input');
  const maxErrors = values['max-errors'] !== undefined ? positiveInt('max-errors', values['max-errors']) : 100;

  const size = file ? readableFile(file) : undefined;
  const tenantId = tenantFrom(values);
  const { model, schema, store } = await openCommandStore(storeConfigFrom(values));
  try {
    const target = await resolveCollection(model, schema, store, tenantId, customersPath(business));
    const input = file ? createReadStream(file) : process.stdin;
    const progress = new Progress('import', { unit: 'rows', quiet: values.quiet });
    const source =
      format === 'csv'
        ? csvSource(input, {
            delimiter,
            ignoreUnknownColumns: values['ignore-unknown-columns'],
            onSkippedColumns: (names) => progress.message(`import: skipping columns that feed no customer property: ${names.join(', ')}`),
          })
        : jsonlSource(input);
    let listed = 0;
    const result = await importRecords(model, store, target, source, {
      skipInvalid: values['skip-invalid'],
      upsert: values.upsert,
      onInvalid(line, message) {
        if (listed >= maxErrors) return;
        listed++;
        progress.message(`line ${line}: ${message}`);
      },
      onProgress(read) {
        progress.update(read, size ? (input as ReadStream).bytesRead / size : undefined);
      },
    }).catch((err) => {
      if (err instanceof InputError) throw new Error(`${file ?? 'standard input'}: ${err.message}; nothing was imported`);
      throw err;
    });
    const where = `business '${business}'`;
    if (result.invalid > listed) progress.message(`... ${count(result.invalid - listed, 'more invalid row')} not listed (--max-errors ${maxErrors})`);
    if (!result.committed) {
      progress.finish(`import: ${result.invalid} of ${count(result.read, 'row')} invalid; nothing was imported into ${where}`);
      throw new ImportFailed();
    }
    const skipped = result.invalid ? `, ${count(result.invalid, 'invalid row')} skipped` : '';
    const updated = values.upsert ? `, ${count(result.updated, 'customer')} updated` : '';
    progress.finish(`import: ${count(result.imported, 'customer')} imported into ${where}${updated}${skipped}`);
  } finally {
    await store.close();
  }
}

/** The rows were listed already: exit 1 without another message. */
export class ImportFailed extends Error {
  readonly silent = true;
}

export const importCommand: Command = { name: 'import', help: HELP, run };
