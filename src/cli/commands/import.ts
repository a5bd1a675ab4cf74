// `clientele import`: customers of a business from CSV or JSON lines, all or nothing.
import { createReadStream, type ReadStream } from 'node:fs';
import { importRecords } from '../../transfer/import.js';
import { csvSource, InputError, jsonlSource } from '../../transfer/records.js';
import { customersPath, resolveCollection } from '../../transfer/target.js';
import { registerBookingsBehaviour } from '../../bookings/index.js';
import { EntityHookRegistry } from '../../handlers/hooks.js';
import type { Model } from '../../model/model.js';
import type { StorageSchema } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { importThroughApi, type CollectionRecords } from '../../transfer/api-import.js';
import { CATALOGUE, splitCatalogue, type TransferType } from '../../transfer/catalogue.js';
import { entityCsvLayout, explainForEntityCsv } from '../../transfer/entity-csv.js';
import type { Format } from '../../transfer/records.js';
import { customerFileFrom, customerFileOptionSpecs, FORMAT_HELP, transferTypeFrom, TYPE_HELP } from '../customer-file-options.js';
import { Progress } from '../progress.js';
import { openCommandStore, STORE_HELP, storeConfigFrom, TENANT_HELP, tenantFrom } from '../store-options.js';
import { type Command, count, parseCommand, positiveInt, readableFile } from '../util.js';

const HELP = `Usage: clientele import --business <id> [options] [file]

Imports customers (or, with --type, custom questions, staff members, services or the whole catalogue) into a
Bookings business from a CSV or JSON-lines file (standard input when the file is omitted or '-'). Every row is
validated as a POST of it would be, with the type's rules (a service's staff members and questions must exist:
a catalogue file imports questions and staff before services). If any row is invalid, nothing is imported and
the invalid rows are listed with their line numbers, unless --skip-invalid is given.
The server does not need to be running.

CSV columns (header required, any order, case-insensitive): Id, Name, Email, Phone, Phone Type, Street,
City, State, Postal Code, Country, Address Type. Only Name is required; a blank Id gets a new GUID.
Outlook's contacts export is read too: First/Middle/Last Name make the name, E-mail Address the email, its
phone columns (Business Phone, Mobile Phone, Home Phone...) one phone each, its Business, Home and Other
address columns one address each. The separator (, ; or tab) is detected from the header line.
JSON lines: one bookingCustomer per line, as the Graph API takes it (what 'clientele export' writes).
Other types' CSV: one column per property, named as in Graph (what 'clientele export --type' writes);
complex and collection values (workingHours, defaultReminders, staffMemberIds...) as JSON in their cell.

Options (environment variable in brackets):
  --business <id>      the business to import into, e.g. Contosolunchdelivery@contoso.onmicrosoft.com
${TYPE_HELP}${FORMAT_HELP}  --ignore-unknown-columns
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
  const type = transferTypeFrom(values.type, format);
  const { model, schema, store } = await openCommandStore(storeConfigFrom(values));
  try {
    if (type !== 'customers') {
      await importCatalogue({ model, schema, store, tenantId, business, type, file, size, format, delimiter, values, maxErrors });
      return;
    }
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

interface CatalogueImport {
  model: Model;
  schema: StorageSchema;
  store: Store;
  tenantId: string;
  business: string;
  type: Exclude<TransferType, 'customers'>;
  file?: string;
  size?: number;
  format: Format;
  delimiter?: string;
  values: { quiet?: boolean; 'skip-invalid'?: boolean; 'ignore-unknown-columns'?: boolean; upsert?: boolean };
  maxErrors: number;
}

/** One catalogue collection, or all three from one JSON-lines file, through the entity service (api-import.ts). */
async function importCatalogue(o: CatalogueImport): Promise<void> {
  const { model, values } = o;
  const input = o.file ? createReadStream(o.file) : process.stdin;
  const progress = new Progress('import', { unit: 'rows', quiet: values.quiet });
  let groups: CollectionRecords[];
  if (o.type === 'catalogue') {
    const source = jsonlSource(input);
    groups = (await splitCatalogue(model, source.records)).map((g) => ({ ...g, explain: source.explain }));
  } else {
    const entityType = model.entityType(CATALOGUE.find((c) => c.collection === o.type)!.type);
    const source =
      o.format === 'csv'
        ? csvSource(input, {
            delimiter: o.delimiter,
            ignoreUnknownColumns: values['ignore-unknown-columns'],
            layout: entityCsvLayout(entityType),
            explainRow: explainForEntityCsv,
            onSkippedColumns: (names) => progress.message(`import: skipping columns that are not properties of ${entityType.name}: ${names.join(', ')}`),
          })
        : jsonlSource(input);
    groups = [{ collection: o.type, records: source.records, explain: source.explain }];
  }
  let listed = 0;
  const hooks = registerBookingsBehaviour(new EntityHookRegistry(), o.store, o.schema);
  const result = await importThroughApi({ model, schema: o.schema, store: o.store, hooks, tenantId: o.tenantId, business: o.business }, groups, {
    skipInvalid: values['skip-invalid'],
    upsert: values.upsert,
    onInvalid(line, message) {
      if (listed >= o.maxErrors) return;
      listed++;
      progress.message(`line ${line}: ${message}`);
    },
    onProgress(read) {
      progress.update(read, o.size ? (input as ReadStream).bytesRead / o.size : undefined);
    },
  }).catch((err) => {
    if (err instanceof InputError) throw new Error(`${o.file ?? 'standard input'}: ${err.message}; nothing was imported`);
    throw err;
  });
  const where = `business '${o.business}'`;
  if (result.invalid > listed) progress.message(`... ${count(result.invalid - listed, 'more invalid row')} not listed (--max-errors ${o.maxErrors})`);
  if (!result.committed) {
    progress.finish(`import: ${result.invalid} of ${count(result.read, 'row')} invalid; nothing was imported into ${where}`);
    throw new ImportFailed();
  }
  const per = Object.entries(result.byCollection).map(([collection, n]) => `${n.imported} ${collection}${values.upsert ? ` (${n.updated} updated)` : ''}`);
  const skipped = result.invalid ? `, ${count(result.invalid, 'invalid row')} skipped` : '';
  progress.finish(`import: ${per.join(', ')} imported into ${where}${skipped}`);
}

/** The rows were listed already: exit 1 without another message. */
export class ImportFailed extends Error {
  readonly silent = true;
}

export const importCommand: Command = { name: 'import', help: HELP, run };
