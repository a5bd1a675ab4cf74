// Streams one collection out as CSV (csv-stringify) or JSON lines, in keyset batches from the store and
// with backpressure to the output, so a million customers take the memory of one batch.
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { serializeEntity } from '../odata/serialize.js';
import type { Store } from '../store/store.js';
import { CUSTOMER_COLUMNS, customerToRow } from './customer-csv.js';
import type { CollectionTarget } from './import.js';
import type { Format } from './records.js';

export interface ExportOptions {
  format: Format;
  delimiter?: string;
  /** CSV: start with a UTF-8 byte order mark (Excel otherwise reads UTF-8 as its ANSI code page). */
  bom?: boolean;
  onProgress?(written: number): void;
  /** CSV of another type than customers: its columns and rows (entity-csv.ts); customers' columns by default. */
  csv?: { columns: string[]; row(values: Record<string, unknown>): { cells: string[]; truncated: boolean } };
  /** Leave `out` open at the end: more collections follow (a catalogue export). */
  keepOpen?: boolean;
}

export interface ExportResult {
  written: number;
  /** CSV only: customers with more than one phone or address, of which the CSV kept the first. */
  truncated: number;
}

export async function exportRecords(store: Store, target: CollectionTarget, out: Writable, opts: ExportOptions): Promise<ExportResult> {
  const result: ExportResult = { written: 0, truncated: 0 };
  const { type, table, scope } = target;
  const rows = store.scan(table, { tenantId: scope.tenantId, parentKey: scope.parentKey });

  async function* csvRows() {
    for await (const row of rows) {
      const { cells, truncated } = (opts.csv?.row ?? customerToRow)(row.values);
      if (truncated) result.truncated++;
      result.written++;
      if (result.written % 1000 === 0) opts.onProgress?.(result.written);
      yield cells;
    }
  }
  async function* jsonLines() {
    for await (const row of rows) {
      result.written++;
      if (result.written % 1000 === 0) opts.onProgress?.(result.written);
      yield `${JSON.stringify(serializeEntity(type, row.values))}\n`;
    }
  }

  if (opts.format === 'csv') {
    await pipeline(
      Readable.from(csvRows()),
      stringify({ header: true, columns: opts.csv?.columns ?? [...CUSTOMER_COLUMNS], delimiter: opts.delimiter ?? ',', bom: opts.bom === true }),
      out,
      { end: !opts.keepOpen && out !== process.stdout },
    );
  } else {
    await pipeline(Readable.from(jsonLines()), out, { end: !opts.keepOpen && out !== process.stdout });
  }
  opts.onProgress?.(result.written);
  return result;
}
