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
  /**
   * A record whose id exists already updates that entity with the record's properties (as a PATCH would:
   * what the record leaves out stays), instead of being invalid. For re-importing one's own export.
   */
  upsert?: boolean;
  batchSize?: number;
  /** Called for each record that cannot be imported. */
  onInvalid?(line: number, message: string): void;
  /** Called after each batch with the number of records read so far. */
  onProgress?(read: number): void;
}

export interface ImportResult {
  read: number;
  imported: number;
  /** With `upsert`: existing entities updated (not counted in `imported`). */
  updated: number;
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
  const result: ImportResult = { read: 0, imported: 0, updated: 0, invalid: 0, committed: false };
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

  const updatedStamps = type.properties.filter((p) => p.stamp === 'updated').map((p) => p.name);
  const flush = async (tx: Store, batch: Array<{ line: number; row: StoredRow; given: Record<string, unknown> }>) => {
    // Keys that exist already, or twice in this batch, are refused per record (earlier batches are in
    // the table by now, so a key repeated anywhere in the input is caught).
    const existing = await tx.existingKeys(table, scope, batch.map((b) => b.row.idKey));
    const seen = new Set<string>();
    const rows: StoredRow[] = [];
    const updates: Array<{ idKey: string; changes: Record<string, unknown> }> = [];
    for (const { line, row, given } of batch) {
      if (opts.upsert && existing.has(row.idKey) && !seen.has(row.idKey)) {
        seen.add(row.idKey);
        const now = nowDateTimeOffset();
        const { id: _id, ...changes } = given;
        updates.push({ idKey: row.idKey, changes: { ...changes, ...Object.fromEntries(updatedStamps.map((n) => [n, now])) } });
        continue;
      }
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
      for (const u of updates) await tx.update(table, scope, u.idKey, u.changes);
      result.updated += updates.length;
    }
    opts.onProgress?.(result.read);
  };

  try {
    await store.transaction(async (tx) => {
      let batch: Array<{ line: number; row: StoredRow; given: Record<string, unknown> }> = [];
      for await (const rec of source.records) {
        result.read++;
        if (rec.error !== undefined) {
          invalid(rec.line, rec.error);
          continue;
        }
        let values: Record<string, unknown>;
        let given: Record<string, unknown>;
        try {
          given = validator.entity(type, rec.body, 'create');
          values = initialValues(type, given, nowDateTimeOffset());
        } catch (err) {
          if (!(err instanceof GraphError)) throw err;
          invalid(rec.line, (rec.explain ?? source.explain)(err.message));
          continue;
        }
        if (typeof values.id !== 'string' || values.id === '') values.id = randomUUID();
        const row = { ...scope, idKey: normalisedKey(type, values.id as string), version: newVersion(), values };
        batch.push({ line: rec.line, row, given });
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
    result.updated = 0;
  }
  return result;
}
