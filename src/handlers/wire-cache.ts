// Each stored row caches its JSON as one API version shows it (TableDef.wire: a text column per version), so
// that reads need not rebuild it: a GET by id answers with the cached text behind its context URL, and a
// default page is the rows' texts joined by the database (one string per page, not a row of columns each).
//
// A text is the entity as a list shows it: `{"@odata.type":…,"@odata.etag":…, every property}`, unknown
// enum members masked (the answer without `Prefer: include-unknown-enum-members`). It is made by the same
// serialiser as every other answer, on the first read that finds none, and cached only while the row is
// still at the version it was read at; every write empties the row's texts (SqlStore.update), and a model
// change empties them all (store/wire-fingerprint.ts). Requests the text does not answer (`$select`,
// `$expand`, filters, other orders, the enum preference, types listed differently from how they are read)
// take the general path, which is what the texts are checked against in the tests.
import type { Model, StructuredType } from '../model/model.js';
import { etagOf } from '../odata/etag.js';
import { maskUnknownMembers } from '../odata/evolvable-enums.js';
import { serializeEntity } from '../odata/serialize.js';
import type { TableDef } from '../store/schema.js';
import type { Scope, Store, StoredEntity } from '../store/store.js';

export class WireCache {
  private columns = new Map<TableDef, number>();

  /** `model` is one API version's: its texts go in that version's column. */
  constructor(
    private readonly model: Model,
    private readonly store: Store,
  ) {}

  /** This version's column of the table (an index into TableDef.wire), or -1 when it has none. */
  column(t: TableDef): number {
    let i = this.columns.get(t);
    if (i === undefined) {
      const version = this.model.version ?? '';
      this.columns.set(t, (i = t.wire.findIndex((w) => w.version === version)));
    }
    return i;
  }

  /**
   * Whether one text serves both a GET of the type's entities and their place in a list: and only when the
   * rows are read as the table's own type (a text names its type in `@odata.type`, so a row reached as another
   * type would need another text).
   */
  cacheable(type: StructuredType, t: TableDef): boolean {
    return type.qualifiedName === t.type.qualifiedName && !type.decl.listed && !type.decl.readByIdOnly?.length && this.column(t) >= 0;
  }

  /** The entity's text in this version (what the cache holds for it). */
  text(type: StructuredType, entity: StoredEntity): string {
    return JSON.stringify(maskUnknownMembers(this.model, serializeEntity(type, entity.values, { '@odata.etag': etagOf(entity) })));
  }

  /** The cached text of an entity read with its texts; undefined when it has none yet (or was read without). */
  cached(t: TableDef, entity: StoredEntity): string | undefined {
    return entity.wire?.[this.column(t)] ?? undefined;
  }

  /** Caches texts of entities as they were read (in the background; see Store.cacheWire). */
  remember(t: TableDef, scope: Scope, entries: Array<{ entity: StoredEntity; text: string }>): void {
    if (!entries.length) return;
    this.store.cacheWire(
      t,
      scope,
      this.column(t),
      entries.map(({ entity, text }) => ({ idKey: entity.idKey, version: entity.version, text })),
    );
  }
}

/** A single entity's answer: its text behind the context URL (the same bytes as serialising it whole). */
export function entityJson(context: string, text: string): string {
  return `{"@odata.context":${JSON.stringify(context)},${text.slice(1)}`;
}

/** A collection's answer from its members' texts, already joined; annotations in Graph's order. */
export function collectionJson(context: string, joined: string, annotations: { count?: number; nextLink?: string }): string {
  let out = `{"@odata.context":${JSON.stringify(context)}`;
  if (annotations.count !== undefined) out += `,"@odata.count":${annotations.count}`;
  if (annotations.nextLink !== undefined) out += `,"@odata.nextLink":${JSON.stringify(annotations.nextLink)}`;
  return `${out},"value":[${joined}]}`;
}
