// OData JSON (odata.metadata=minimal) for entities, derived from the model: properties in declaration
// order, every declared property present, `@odata.type` on every entity (the v1.0 SDK dispatches on it).
import type { Property, StructuredType } from '../model/model.js';
import { formatDateTimeOffset } from '../model/values.js';
import { storageName } from '../model/versions.js';
import { canonicalPath, type PathStep } from './path.js';

/** How one property's stored value becomes its wire value: made once per property from the model. */
type Wire = (value: unknown) => unknown;
const wires = new WeakMap<Property, Wire>();
const complexWires = new WeakMap<StructuredType, (value: Record<string, unknown>) => Record<string, unknown>>();

/** `…T10:00:00.5000000Z` -> `…T10:00:00.5Z` (what formatDateTimeOffset does), without a regex per value. */
function trimDateTime(stored: string): string {
  const z = stored.length - 1;
  if (stored.charCodeAt(z) !== 90 /* Z */ || stored.charCodeAt(z - 1) !== 48 /* 0 */) return formatDateTimeOffset(stored);
  let i = z - 1;
  while (i > 0 && stored.charCodeAt(i - 1) === 48) i--;
  if (stored.charCodeAt(i - 1) === 46 /* . */) i--;
  return `${stored.slice(0, i)}Z`;
}

function wireOf(prop: Property): Wire {
  let wire = wires.get(prop);
  if (wire) return wire;
  let single: Wire;
  if (prop.type === 'Edm.DateTimeOffset') single = (v) => (typeof v === 'string' ? trimDateTime(v) : v);
  else if (prop.complexType) {
    const complex = complexWireOf(prop.complexType);
    single = (v) => (v && typeof v === 'object' ? complex(v as Record<string, unknown>) : v);
  } else single = (v) => v;
  if (prop.collection) wire = (v) => (v === null || v === undefined ? [] : (v as unknown[]).map(single));
  else if (single !== undefined && !prop.complexType && prop.type !== 'Edm.DateTimeOffset') wire = (v) => (v === undefined ? null : v);
  else wire = (v) => (v === null || v === undefined ? null : single(v));
  wires.set(prop, wire);
  return wire;
}

function complexWireOf(declared: StructuredType): (value: Record<string, unknown>) => Record<string, unknown> {
  let fn = complexWires.get(declared);
  if (fn) return fn;
  // Set before the properties are compiled: a complex type may contain itself.
  complexWires.set(declared, (v) => fn!(v));
  const props = declared.properties.map((p) => ({ name: p.name, key: storageName(p), wire: wireOf(p) }));
  const open = declared.isOpen;
  const own = (value: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    if (typeof value['@odata.type'] === 'string') out['@odata.type'] = value['@odata.type'];
    for (const p of props) out[p.name] = p.wire(value[p.key]);
    // Open types keep their dynamic properties. Other fields are another API version's: not shown in this one.
    if (open) for (const [k, v] of Object.entries(value)) if (!(k in out)) out[k] = v;
    return out;
  };
  // A value of a derived type (named by its `@odata.type`, or an abstract type's one concrete subtype) shows
  // that type's properties; a type without derived types needs no look.
  fn =
    declared.derived.length === 0
      ? own
      : (value) => {
          const type = declared.valueType(value['@odata.type']);
          return type === declared ? own(value) : complexWireOf(type)(value);
        };
  complexWires.set(declared, fn);
  return fn;
}

/** One property's value as it goes on the wire (an individual property request: `…/{id}/displayName`). */
export function serializeProperty(prop: Property, value: unknown): unknown {
  return wireOf(prop)(value);
}

/** A type's properties as the serialiser walks them: computed once per type (and so per API version). */
interface Plan {
  typeAnnotation: string;
  props: Array<{ name: string; key: string; wire: Wire }>;
}
const plans = new WeakMap<StructuredType, Plan>();
function planOf(type: StructuredType): Plan {
  let plan = plans.get(type);
  if (!plan) {
    plan = { typeAnnotation: `#${type.qualifiedName}`, props: type.properties.map((p) => ({ name: p.name, key: storageName(p), wire: wireOf(p) })) };
    plans.set(type, plan);
  }
  return plan;
}

/**
 * @param select when given, only these properties (plus `id`, which Graph always returns) are written.
 */
export function serializeEntity(
  type: StructuredType,
  values: Record<string, unknown>,
  extra?: Record<string, unknown>,
  select?: ReadonlySet<string>,
): Record<string, unknown> {
  const plan = planOf(type);
  // Annotations first, in Graph's order: context, type, etag.
  const out: Record<string, unknown> = {};
  let etag: unknown;
  if (extra) {
    for (const k in extra) {
      if (k === '@odata.etag') etag = extra[k];
      else out[k] = extra[k];
    }
  }
  out['@odata.type'] = plan.typeAnnotation;
  if (etag !== undefined) out['@odata.etag'] = etag;
  for (const p of plan.props) {
    if (select && p.name !== 'id' && !select.has(p.name)) continue;
    out[p.name] = p.wire(values[p.key]);
  }
  return out;
}

/**
 * `{base}/$metadata#solutions/bookingBusinesses('x')/customers` (+ `/$entity` for a single entity). When the
 * path starts from `metadataOwner` (a singleton whose version says so, see SingletonDecl.ownsMetadata), the
 * metadata is named under it: `{base}/solutions/$metadata#bookingBusinesses('x')/customers`.
 */
export function contextUrl(
  serviceRoot: string,
  steps: Array<Pick<PathStep, 'name' | 'key'>>,
  kind: 'collection' | 'entity',
  select?: readonly string[],
  metadataOwner?: string,
): string {
  const owned = metadataOwner !== undefined && steps.length > 1 && steps[0]!.name === metadataOwner && steps[0]!.key === undefined;
  const base = owned ? `${serviceRoot}/${metadataOwner}` : serviceRoot;
  const path = canonicalPath(owned ? steps.slice(1) : steps);
  const projection = select && select.length ? `(${select.join(',')})` : '';
  return `${base}/$metadata#${path}${projection}${kind === 'entity' ? '/$entity' : ''}`;
}

/** Canonical URL of one entity, for the `Location` header. */
export function entityUrl(serviceRoot: string, steps: Array<Pick<PathStep, 'name' | 'key'>>): string {
  return `${serviceRoot}/${canonicalPath(steps)}`;
}
