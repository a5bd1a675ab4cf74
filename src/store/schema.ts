// SQL tables derived from the model. Every stored entity type gets one table:
//   tenant_id  - every row belongs to a tenant; every query filters by it (and it leads every key and index)
//   parent_key - the normalised key of the containing entity ('' for top-level entities)
//   id_key     - the normalised key used for lookups (lower-case where keys are case-insensitive)
//   version    - bumped on every write (ETags)
// then one column per property: scalars as native columns, complex values and collections as JSON.
import type { Model, Property, StructuredType } from '../model/model.js';

export type ColumnKind = 'text' | 'int' | 'bigint' | 'double' | 'bool' | 'json' | 'datetime';

export interface ColumnDef {
  name: string;
  kind: ColumnKind;
  property: Property;
}

export interface TableDef {
  name: string;
  type: StructuredType;
  /** The stored type that contains this one, if any. */
  parent?: StructuredType;
  /** Property columns, in model order (`id` included). */
  columns: ColumnDef[];
  columnByProperty: Map<string, ColumnDef>;
  /** Indexes over property columns, each led by tenant_id and parent_key. */
  indexes: Array<{ name: string; columns: string[] }>;
}

export const SYSTEM_COLUMNS = ['tenant_id', 'parent_key', 'id_key', 'version'] as const;

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
  private byType = new Map<StructuredType, TableDef>();

  constructor(readonly model: Model) {
    for (const type of model.storedTypes()) {
      const columns = type.properties.map((p) => ({ name: p.name, kind: columnKind(p), property: p }));
      const table: TableDef = {
        name: type.table!,
        type,
        parent: model.containerOf(type)?.parent,
        columns,
        columnByProperty: new Map(columns.map((c) => [c.name, c])),
        indexes: (type.decl.indexes ?? []).map((cols) => ({ name: `ix_${type.table}_${cols.join('_')}`, columns: cols })),
      };
      this.tables.push(table);
      this.byType.set(type, table);
    }
  }

  table(type: StructuredType): TableDef {
    const t = this.byType.get(type);
    if (!t) throw new Error(`${type.qualifiedName} is not stored`);
    return t;
  }
  isStored(type: StructuredType): boolean {
    return this.byType.has(type);
  }
  /** Tables whose rows live inside rows of `table` (deleted with them). */
  children(table: TableDef): TableDef[] {
    return this.tables.filter((t) => t.parent === table.type);
  }
}
