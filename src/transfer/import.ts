// Bulk import into one collection (a business's customers): every record validated by the model's
// BodyValidator, exactly as a POST would be, and inserted in batches inside ONE transaction, so an input
// with bad rows imports nothing unless the caller asks to skip them. Memory stays bounded: one batch.
import { randomUUID } from 'node:crypto';
import { GraphError } from '../http/errors.js';
import { initialValues, normalisedKey } from '../handlers/entities.js';
import type { Model, StructuredType } from '../model/model.js';
import { BodyValidator } from '../model/validate.js';
import { nowDateTimeOffset } from '../model/values.js';
import type { TableDef } from '../store/schema.js';
import { newVersion, type Scope, type Store, type StoredRow } from '../store/store.js';
import type { RecordSource } from './records.js';

export interface CollectionTarget {
  type: StructuredType;
  table: TableDef;
  scope: Scope;
}

export interface ImportOptions {
  /** Import the valid records and report the others, instead of importing nothing. */
  skipInvalid?: boolean;
  batchSize?: number;
  /** Called for each record that cannot be imported. */
  onInvalid?(line: number, message: string): void;
  /** Called after each batch with the number of records read so far. */
  onProgress?(read: number): void;
}

export interface ImportResult {
  read: number;
  imported: number;
  invalid: number;
  /** False when nothing was written because of invalid records. */
  committed: boolean;
}

class RolledBack extends Error {}

export async function importRecords(
  model: Model,
  store: Store,
  target: CollectionTarget,
  source: RecordSource,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const validator = new BodyValidator(model);
  const batchSize = opts.batchSize ?? 500;
  const result: ImportResult = { read: 0, imported: 0, invalid: 0, committed: false };
  const { type, table, scope } = target;
  // Records without an id get a new GUID, which is how these types are keyed (not businesses: their
  // key comes from the mailbox name).
  if (type.keyStrategy !== 'guid') throw new Error(`bulk import of ${type.qualifiedName} is not supported`);

  const invalid = (line: number, message: string) => {
    result.invalid++;
    opts.onInvalid?.(line, message);
  };
  // Once a record is invalid and nothing may be partially imported, the rest is only validated.
  const writing = () => result.invalid === 0 || opts.skipInvalid === true;

  const flush = async (tx: Store, batch: Array<{ line: number; row: StoredRow }>) => {
    // Keys that exist already, or twice in this batch, are refused per record (earlier batches are in
    // the table by now, so a key repeated anywhere in the input is caught).
    const existing = await tx.existingKeys(table, scope, batch.map((b) => b.row.idKey));
    const seen = new Set<string>();
    const rows: StoredRow[] = [];
    for (const { line, row } of batch) {
      if (existing.has(row.idKey) || seen.has(row.idKey)) {
        invalid(line, `an entity of type '${type.qualifiedName}' with id '${row.values.id}' already exists`);
        continue;
      }
      seen.add(row.idKey);
      rows.push(row);
    }
    if (writing()) {
      await tx.insertMany(table, rows);
      result.imported += rows.length;
    }
    opts.onProgress?.(result.read);
  };

  try {
    await store.transaction(async (tx) => {
      let batch: Array<{ line: number; row: StoredRow }> = [];
      for await (const rec of source.records) {
        result.read++;
        if (rec.error !== undefined) {
          invalid(rec.line, rec.error);
          continue;
        }
        let values: Record<string, unknown>;
        try {
          values = initialValues(type, validator.entity(type, rec.body, 'create'), nowDateTimeOffset());
        } catch (err) {
          if (!(err instanceof GraphError)) throw err;
          invalid(rec.line, source.explain(err.message));
          continue;
        }
        if (typeof values.id !== 'string' || values.id === '') values.id = randomUUID();
        const row = { ...scope, idKey: normalisedKey(type, values.id as string), version: newVersion(), values };
        batch.push({ line: rec.line, row });
        if (batch.length >= batchSize) {
          await flush(tx, batch);
          batch = [];
        }
      }
      await flush(tx, batch);
      if (!writing()) throw new RolledBack();
    });
    result.committed = true;
    await store.analyze([table]);
  } catch (err) {
    if (!(err instanceof RolledBack)) throw err;
    result.imported = 0;
  }
  return result;
}
