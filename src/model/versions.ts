// One model per API version from one set of declarations. A declaration says which versions have it
// (`versions`) and what differs in one of them (`byVersion`); `projectSchema` turns the declarations into
// the plain ones a version sees, and the rest of src/model never thinks about versions.
//
// Storage is shared: one row per entity holds the union of what the versions can say (StorageSchema takes
// the columns of every version). A version reads and writes its own shape; what it cannot say stays stored:
// - complex values are kept whole, so fields another version declares (a beta address `type`, a v1.0 phone
//   `language`) are never shown by this one, and `carryHiddenFields` keeps them when this version rewrites
//   the value (at the same position, for collections);
// - a field two versions name differently is stored under one name (`storedAs`).
import type { ActionDecl, ApiVersion, EntitySetDecl, EnumTypeDecl, NavigationDecl, PerVersion, PropertyDecl, SchemaDecl, SingletonDecl, StructuredTypeDecl } from './edm.js';
import type { StructuredType } from './model.js';

function has(decl: PerVersion<unknown>, version: ApiVersion): boolean {
  return !decl.versions || decl.versions.includes(version);
}

/** The declaration as `version` sees it: its overrides laid over it, the version bookkeeping removed. */
function plain<T extends PerVersion<T>>(decl: T, version: ApiVersion): T {
  const { versions: _versions, byVersion, ...rest } = decl;
  return { ...rest, ...byVersion?.[version] } as T;
}

function projectProperty(p: PropertyDecl, version: ApiVersion): PropertyDecl {
  const { acceptedIn: _acceptedIn, ...rest } = plain(p, version);
  return rest;
}

function projectType(t: StructuredTypeDecl | EnumTypeDecl, version: ApiVersion): StructuredTypeDecl | EnumTypeDecl {
  if (t.kind === 'enum') return plain(t, version);
  const type = plain(t, version);
  const properties = type.properties.filter((p) => has(p, version)).map((p) => projectProperty(p, version));
  const acceptedElsewhere = type.properties
    .filter((p) => !has(p, version) && p.acceptedIn?.[version] !== undefined)
    .map((p) => ({ property: projectProperty(p, version), accepted: p.acceptedIn![version]! }));
  const out: StructuredTypeDecl = { ...type, properties };
  if (acceptedElsewhere.length) out.acceptedElsewhere = acceptedElsewhere;
  if (type.navigation) out.navigation = type.navigation.filter((n) => has(n, version)).map((n) => plain<NavigationDecl>(n, version));
  if (out.baseType === undefined) delete out.baseType;
  return out;
}

/** The declarations `version` has, in plain form. */
export function projectSchema(schema: SchemaDecl, version: ApiVersion): SchemaDecl {
  const out: SchemaDecl = {
    namespace: schema.namespace,
    types: schema.types.filter((t) => has(t, version)).map((t) => projectType(t, version)),
  };
  if (schema.entitySets) out.entitySets = schema.entitySets.filter((s) => has(s, version)).map((s) => plain<EntitySetDecl>(s, version));
  if (schema.singletons) out.singletons = schema.singletons.filter((s) => has(s, version)).map((s) => plain<SingletonDecl>(s, version));
  if (schema.actions) out.actions = schema.actions.filter((a) => has(a, version)).map((a) => plain<ActionDecl>(a, version));
  return out;
}

/** The key a complex type's member is stored under. */
export function storageName(p: Pick<PropertyDecl, 'name' | 'storedAs'>): string {
  return p.storedAs ?? p.name;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A complex value (or collection of them) this version is about to store in place of `stored`: the fields
 * this version's type does not declare are taken over from `stored` (item by item, by position, for
 * collections), so that another version's data survives a write through this one. Nested complex members
 * are treated the same way. Open types declare every field they hold, so nothing is hidden in them.
 */
export function carryHiddenFields(type: StructuredType, next: unknown, stored: unknown, collection: boolean): unknown {
  if (collection) {
    if (!Array.isArray(next) || !Array.isArray(stored)) return next;
    return next.map((item, i) => carryHiddenFields(type, item, stored[i], false));
  }
  if (!isObject(next) || !isObject(stored) || type.isOpen) return next;
  const out: Record<string, unknown> = { ...next };
  const known = new Set(type.properties.map(storageName));
  for (const [k, v] of Object.entries(stored)) if (!known.has(k) && !k.startsWith('@') && !(k in out)) out[k] = v;
  for (const p of type.properties) {
    const key = storageName(p);
    if (p.complexType && key in out) out[key] = carryHiddenFields(p.complexType, out[key], stored[key], p.collection === true);
  }
  return out;
}
