// Snapshots: every row of every table as JSON lines, engine-neutral (a SQLite snapshot restores into
// PostgreSQL and back). Streamed both ways in keyset batches, so size does not matter.
//   line 1:   {"format":"clientele-snapshot","version":1,"createdDateTime":..., "tables":{"<table>":[columns]}}
//   then:     {"table":"<table>","tenantId":...,"parentKey":...,"idKey":...,"version":n,"values":{...}}
//   last:     {"end":true,"rows":<count>}   (a snapshot without it was cut short and is refused)
// Restoring replaces everything: all rows are deleted and the snapshot's inserted, in one transaction.
import { createInterface } from 'node:readline';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StorageSchema, TableDef } from '../store/schema.js';
import type { Store, StoredRow } from '../store/store.js';

export const SNAPSHOT_FORMAT = 'clientele-snapshot';
export const SNAPSHOT_VERSION = 1;

export class SnapshotError extends Error {}

export async function saveSnapshot(store: Store, schema: StorageSchema, out: Writable, onProgress?: (rows: number) => void): Promise<number> {
  let rows = 0;
  async function* lines(tx: Store) {
    const header = {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      createdDateTime: new Date().toISOString(),
      engine: store.engine,
      tables: Object.fromEntries(schema.tables.map((t) => [t.name, t.columns.map((c) => c.name)])),
    };
    yield `${JSON.stringify(header)}\n`;
    for (const t of schema.tables) {
      for await (const r of tx.scan(t)) {
        rows++;
        if (rows % 1000 === 0) onProgress?.(rows);
        yield `${JSON.stringify({ table: t.name, tenantId: r.tenantId, parentKey: r.parentKey, idKey: r.idKey, version: r.version, values: r.values })}\n`;
      }
    }
    yield `${JSON.stringify({ end: true, rows })}\n`;
  }
  // Read in one transaction, so that the snapshot is consistent while a server writes (SQLite: one read
  // transaction sees one state of the database).
  await store.transaction((tx) => pipeline(Readable.from(lines(tx)), out, { end: out !== process.stdout }));
  onProgress?.(rows);
  return rows;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Replaces the store's contents with the snapshot's. Returns the number of rows restored. */
export async function restoreSnapshot(
  store: Store,
  schema: StorageSchema,
  input: Readable,
  onProgress?: (rows: number) => void,
): Promise<number> {
  const tables = new Map(schema.tables.map((t) => [t.name, t]));
  const lines = createInterface({ input, crlfDelay: Infinity });
  input.on('error', (err) => lines.emit('error', err));
  // Take the iterator now: it buffers from here on. Lines read while the wipe awaits the database would
  // otherwise be emitted with nobody listening (and on a slow store the whole file would be lost that way).
  const iterator = lines[Symbol.asyncIterator]();
  const restored = await store.transaction(async (tx) => {
    await tx.wipe();
    let n = 0;
    let rows = 0;
    let ended = false;
    let batch: StoredRow[] = [];
    let batchTable: TableDef | undefined;
    const flush = async () => {
      if (batchTable && batch.length) await tx.insertMany(batchTable, batch);
      batch = [];
    };
    for await (const text of { [Symbol.asyncIterator]: () => iterator }) {
      n++;
      if (text.trim() === '') continue;
      let rec: unknown;
      try {
        rec = JSON.parse(text);
      } catch (err) {
        throw new SnapshotError(`line ${n}: not valid JSON: ${(err as Error).message}`);
      }
      if (!isObject(rec)) throw new SnapshotError(`line ${n}: expected a JSON object`);
      if (n === 1) {
        if (rec.format !== SNAPSHOT_FORMAT) throw new SnapshotError('not a Clientele snapshot (the first line does not say so)');
        if (rec.version !== SNAPSHOT_VERSION) throw new SnapshotError(`snapshot version ${String(rec.version)} is not supported (this version reads ${SNAPSHOT_VERSION})`);
        continue;
      }
      if (ended) throw new SnapshotError(`line ${n}: data after the end marker`);
      if (rec.end === true) {
        if (rec.rows !== rows) throw new SnapshotError(`line ${n}: the end marker counts ${String(rec.rows)} rows, the snapshot has ${rows}`);
        ended = true;
        continue;
      }
      const t = typeof rec.table === 'string' ? tables.get(rec.table) : undefined;
      if (!t) throw new SnapshotError(`line ${n}: unknown table '${String(rec.table)}'`);
      const { tenantId, parentKey, idKey, version, values } = rec;
      if (typeof tenantId !== 'string' || typeof parentKey !== 'string' || typeof idKey !== 'string' || !Number.isInteger(version) || !isObject(values)) {
        throw new SnapshotError(`line ${n}: a row needs tenantId, parentKey, idKey (strings), version (an integer) and values (an object)`);
      }
      if (t !== batchTable || batch.length >= 500) {
        await flush();
        batchTable = t;
      }
      batch.push({ tenantId, parentKey, idKey, version: version as number, values });
      rows++;
      if (rows % 1000 === 0) onProgress?.(rows);
    }
    if (n === 0) throw new SnapshotError('the snapshot is empty');
    await flush();
    if (!ended) throw new SnapshotError('the snapshot is incomplete (no end marker)');
    onProgress?.(rows);
    return rows;
  });
  await store.analyze(schema.tables);
  return restored;
}
