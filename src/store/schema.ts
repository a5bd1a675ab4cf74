// SQL tables derived from the model. Every stored entity type gets one table:
//   tenant_id  - every row belongs to a tenant; every query filters by it (and it leads every key and index)
//   parent_key - the normalised key of the containing entity ('' for top-level entities)
//   id_key     - the normalised key used for lookups (lower-case where keys are case-insensitive)
//   version    - bumped on every write (ETags)
// then one column per property: scalars as native columns, complex values and collections as JSON.
// The API versions share the tables: a table has the columns of every version's shape of its type (and a JSON
// value holds whatever fields any version wrote; src/model/versions.ts says how each version projects it).
import type { Model, Property, StructuredType } from '../model/model.js';

export type ColumnKind = 'text' | 'int' | 'bigint' | 'double' | 'bool' | 'json' | 'datetime';

export interface ColumnDef {
  name: string;
  kind: ColumnKind;
  property: Property;
}

export interface TableDef {
  name: string;
  /** The stored type as the first API version declares it (any version's type of this name maps here). */
  type: StructuredType;
  /** The stored type that contains this one, if any. */
  parent?: StructuredType;
  /** Property columns, in model order (`id` included). */
  columns: ColumnDef[];
  columnByProperty: Map<string, ColumnDef>;
  /** Indexes over property columns, each led by tenant_id and parent_key. */
  indexes: Array<{ name: string; columns: string[] }>;
  /**
   * One text column per API version caching each row's wire JSON in that version (wire-cache.ts): filled on
   * first read, emptied by every write, so a list page can be joined from the texts instead of rebuilt.
   */
  wire: ReadonlyArray<{ version: string; column: string }>;
}

export const SYSTEM_COLUMNS = ['tenant_id', 'parent_key', 'id_key', 'version'] as const;

/** The wire-cache column of an API version: `_wire_beta`, `_wire_v1_0` (`_wire` for a model without versions). */
export function wireColumn(version: string | undefined): string {
  return version ? `_wire_${version.replace(/[^A-Za-z0-9]/g, '_')}` : '_wire';
}

function columnKind(p: Property): ColumnKind {
  if (p.collection || p.category === 'complex') return 'json';
  if (p.category === 'enum') return 'text';
  switch (p.type) {
    case 'Edm.Boolean':
      return 'bool';
    case 'Edm.Int32':
      return 'int';
    case 'Edm.Int64':
      return 'bigint';
    case 'Edm.Double':
      return 'double';
    case 'Edm.DateTimeOffset':
      return 'datetime';
    default:
      return 'text';
  }
}

export class StorageSchema {
  readonly tables: TableDef[] = [];
  private byType = new Map<string, TableDef>();

  constructor(readonly model: Model) {
    const [first, ...others] = model.allVersions();
    for (const type of first!.storedTypes()) {
      // Columns are named by storage name: versions that name one datum differently share its column.
      const columns = type.properties.map((p) => ({ name: p.storedAs ?? p.name, kind: columnKind(p), property: p }));
      // Properties only other versions have get their columns too, after the first version's.
      for (const other of others) {
        const theirs = other.findType(type.qualifiedName);
        for (const p of theirs && 'properties' in theirs ? theirs.properties : []) {
          const kind = columnKind(p);
          const name = p.storedAs ?? p.name;
          const mine = columns.find((c) => c.name === name);
          if (!mine) columns.push({ name, kind, property: p });
          else if (mine.kind !== kind) throw new Error(`${type.qualifiedName}.${p.name}: stored as ${mine.kind} in one version, ${kind} in another`);
        }
      }
      const table: TableDef = {
        name: type.table!,
        type,
        parent: model.containerOf(type)?.parent,
        columns,
        columnByProperty: new Map(columns.map((c) => [c.name, c])),
        indexes: (type.decl.indexes ?? []).map((cols) => ({ name: `ix_${type.table}_${cols.join('_')}`, columns: cols })),
        wire: model.allVersions().map((m) => ({ version: m.version ?? '', column: wireColumn(m.version) })),
      };
      this.tables.push(table);
      this.byType.set(type.qualifiedName, table);
    }
  }

  /** The table of a stored type, whichever version's model the type comes from. */
  table(type: StructuredType): TableDef {
    const t = this.byType.get(type.qualifiedName);
    if (!t) throw new Error(`${type.qualifiedName} is not stored`);
    return t;
  }
  isStored(type: StructuredType): boolean {
    return this.byType.has(type.qualifiedName);
  }
  /** Tables whose rows live inside rows of `table` (deleted with them). */
  children(table: TableDef): TableDef[] {
    return this.tables.filter((t) => t.parent?.qualifiedName === table.type.qualifiedName);
  }
}
