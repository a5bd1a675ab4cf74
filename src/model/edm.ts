// The vocabulary in which Graph's types are declared, once, as data.
// Everything else (paths, validation, serialisation, SQL, $metadata, OpenAPI) is derived from these shapes.

export const PRIMITIVES = [
  'Edm.String',
  'Edm.Boolean',
  'Edm.Int32',
  'Edm.Int64',
  'Edm.Double',
  'Edm.DateTimeOffset',
  'Edm.Date',
  'Edm.TimeOfDay',
  'Edm.Duration',
  'Edm.Guid',
] as const;
export type EdmPrimitive = (typeof PRIMITIVES)[number];

export function isPrimitive(type: string): type is EdmPrimitive {
  return (PRIMITIVES as readonly string[]).includes(type);
}

export interface PropertyDecl {
  name: string;
  /** `Edm.*` or the qualified name of a complex or enum type. */
  type: string;
  collection?: boolean;
  /** Defaults to true, as in CSDL. */
  nullable?: boolean;
  /** Server-computed (OData Core.Computed): ignored when a client sends it, never stored from input. */
  readOnly?: boolean;
  /** Must be present (and, for strings, non-empty) when the entity is created. */
  requiredOnCreate?: boolean;
  /** Cannot be changed after creation (OData Core.Immutable). */
  immutable?: boolean;
  /** Included in `$search`. */
  searchable?: boolean;
  /** Set by the server: when the entity is created, or on every write. Implies readOnly. */
  stamp?: 'created' | 'updated';
  /** Value given to the property on create when the client sends none (else null, or [] for collections). */
  defaultValue?: unknown;
}

export interface NavigationDecl {
  name: string;
  /** Qualified name of the target entity type. */
  type: string;
  collection: boolean;
  containsTarget: true;
  permissions?: Permissions;
  /** The collection offers the `delta` function and change notifications (subscriptions) on its members. */
  changeTracking?: boolean;
}

/** What a bearer token needs for one operation; `null` means the account type is not supported. */
export interface PermissionRule {
  delegated: string[] | null;
  application: string[] | null;
  personal: string[] | null;
}
export type Operation = 'list' | 'get' | 'create' | 'update' | 'delete';
export type Permissions = Partial<Record<Operation, PermissionRule>>;

/** How the server picks the key of a new entity when the client does not send one. */
export type KeyStrategy = 'guid' | 'mailboxFromDisplayName';

export interface StructuredTypeDecl {
  kind: 'entity' | 'complex';
  name: string;
  /** Qualified name. */
  baseType?: string;
  abstract?: boolean;
  openType?: boolean;
  properties: PropertyDecl[];
  navigation?: NavigationDecl[];
  /** Entity types only: storage table (a type that has one is stored; its key is `id`). */
  table?: string;
  keyStrategy?: KeyStrategy;
  /** Keys such as mailbox addresses are matched case-insensitively. */
  caseInsensitiveKey?: boolean;
  /** The 404 Graph answers for a missing entity of this type ('{id}' is replaced); Exchange's by default. */
  notFound?: { code: string; message: string };
  /** Extra indexes (lists of property names) the common queries use. */
  indexes?: string[][];
  /** What a successful PATCH answers: 204 (OData's default, most of Graph) or 200 with the updated entity. */
  updateResponse?: 'noContent' | 'entity';
}

export interface EnumTypeDecl {
  kind: 'enum';
  name: string;
  members: string[];
  isFlags?: boolean;
}

export interface EntitySetDecl {
  name: string;
  type: string;
  permissions?: Permissions;
  /** As on NavigationDecl: `delta` and change notifications on the set's members. */
  changeTracking?: boolean;
}
export interface SingletonDecl {
  name: string;
  type: string;
}

export interface SchemaDecl {
  namespace: string;
  types: Array<StructuredTypeDecl | EnumTypeDecl>;
  entitySets?: EntitySetDecl[];
  singletons?: SingletonDecl[];
}
