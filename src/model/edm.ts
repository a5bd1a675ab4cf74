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

/** Graph's API versions. Each has its own shapes; storage is shared (see src/model/versions.ts). */
export const API_VERSIONS = ['beta', 'v1.0'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

/**
 * What the declarations say per version, on any declaration (type, property, navigation, member list, set):
 * - `versions`: the versions that have it (all when absent);
 * - `byVersion`: fields that differ in one version (a base type, a navigation's type, enum members, ...),
 *   laid over the declaration for that version.
 * A version's model sees plain declarations: src/model/versions.ts projects them before anything reads them.
 */
export interface PerVersion<T> {
  versions?: ApiVersion[];
  byVersion?: Partial<Record<ApiVersion, Partial<T>>>;
}

/**
 * How a version whose shape lacks a property (of a complex type) treats it when a client sends it anyway:
 * Graph accepts some of those (its docs' examples send them). `'asSent'` stores the value as sent;
 * `{ stored }` stores that value instead whenever the version writes the containing value, sent or not.
 * Either way the version never shows it.
 */
export type AcceptedElsewhere = 'asSent' | { stored: unknown };

export interface PropertyDecl extends PerVersion<PropertyDecl> {
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
  /**
   * The name the value is kept under in storage (an entity's column, a complex value's field), when versions
   * name the same datum differently: beta's time slot `start` is v1.0's `startTime`, and so is one stored
   * value. Defaults to `name`.
   */
  storedAs?: string;
  /** Versions that lack this property but accept it on input (see AcceptedElsewhere). */
  acceptedIn?: Partial<Record<ApiVersion, AcceptedElsewhere>>;
}

export interface NavigationDecl extends PerVersion<NavigationDecl> {
  name: string;
  /** Qualified name of the target entity type. */
  type: string;
  collection: boolean;
  containsTarget: true;
  permissions?: Permissions;
  /** The collection offers the `delta` function and change notifications (subscriptions) on its members. */
  changeTracking?: boolean;
  /**
   * The collection is a read-only view of its type's members in the same container (Graph's calendarView of a
   * business's appointments): its list is what the view of this name in the type's hooks (EntityHooks.views)
   * selects, from the request's own query parameters; its members are the same entities, written elsewhere.
   */
  view?: string;
  /** The query parameters the view reads (documentation: OpenAPI lists them; the view's hooks check them). */
  viewParameters?: Array<{ name: string; type: EdmPrimitive; required: boolean; description: string }>;
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

export interface StructuredTypeDecl extends PerVersion<StructuredTypeDecl> {
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
  /** Extra indexes (lists of storage names, see PropertyDecl.storedAs) the common queries use. */
  indexes?: string[][];
  /** What a successful PATCH answers: 204 (OData's default, most of Graph) or 200 with the updated entity. */
  updateResponse?: 'noContent' | 'entity';
  /** The properties a collection of this type lists (Graph's business list: id and displayName); all when absent. */
  listed?: string[];
  /**
   * Properties Graph returns only when one entity is read by id: a list (a view, an expansion) shows them
   * empty, null or [] (Graph's appointment pages: reminders, serviceNotes, customerNotes).
   */
  readByIdOnly?: string[];
  /**
   * A non-OData query parameter the collection takes: `?{name}=text` keeps the members whose `properties`
   * contain the text, ignoring case (Graph's `GET bookingBusinesses?query=`).
   */
  textQuery?: { name: string; properties: string[] };
  /**
   * Entity types only: rows every tenant has, as data (Graph's currency list). The collection is read-only
   * (writes answer 405) and a tenant's rows are stored from this list when the tenant first reads them, so
   * query options, paging and ETags work as for any stored type and a reset tenant gets them back.
   */
  referenceData?: ReadonlyArray<Record<string, unknown>>;
  /**
   * Set by projection (not declared): properties this version lacks but accepts on input, from the
   * `acceptedIn` of the declaration's properties.
   */
  acceptedElsewhere?: Array<{ property: PropertyDecl; accepted: AcceptedElsewhere }>;
}

export interface EnumTypeDecl extends PerVersion<EnumTypeDecl> {
  kind: 'enum';
  name: string;
  members: string[];
  isFlags?: boolean;
}

export interface EntitySetDecl extends PerVersion<EntitySetDecl> {
  name: string;
  type: string;
  permissions?: Permissions;
  /** As on NavigationDecl: `delta` and change notifications on the set's members. */
  changeTracking?: boolean;
}
export interface SingletonDecl extends PerVersion<SingletonDecl> {
  name: string;
  type: string;
  /**
   * Context URLs of what lies under the singleton name its metadata (`{root}/solutions/$metadata#bookingBusinesses…`),
   * as Graph's v1.0 Bookings responses do, rather than the service's (`{root}/$metadata#solutions/bookingBusinesses…`).
   */
  ownsMetadata?: boolean;
}

/** One parameter of an action, carried by name in the request body. */
export interface ParameterDecl {
  name: string;
  /** `Edm.*` or the qualified name of a complex or enum type. */
  type: string;
  collection?: boolean;
  /** Defaults to true, as in CSDL; a non-nullable parameter must be sent. */
  nullable?: boolean;
}

/**
 * A bound action (CSDL `<Action IsBound="true">`): `POST …/{entity}/{name}` with the parameters in a JSON
 * body. What it does is per-type behaviour (EntityHooks.actions, registered under the binding type's name);
 * the declaration gives its shape, its permission and whether it answers 204 or a value.
 */
export interface ActionDecl extends PerVersion<ActionDecl> {
  name: string;
  /** Qualified name of the entity type it is bound to (types derived from it have it too). */
  bindingType: string;
  /** The binding parameter's name in $metadata (Graph names it after the type: `bookingBusiness`). */
  bindingParameter: string;
  parameters?: ParameterDecl[];
  /** The value a call answers (200 with `value`); none (204 No Content) when absent. */
  returnType?: { type: string; collection?: boolean };
  /** What a bearer token needs to invoke it. */
  permission: PermissionRule;
}

export interface SchemaDecl {
  namespace: string;
  types: Array<StructuredTypeDecl | EnumTypeDecl>;
  entitySets?: EntitySetDecl[];
  singletons?: SingletonDecl[];
  actions?: ActionDecl[];
}
