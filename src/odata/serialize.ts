// OData JSON (odata.metadata=minimal) for entities, derived from the model: properties in declaration
// order, every declared property present, `@odata.type` on every entity (the v1.0 SDK dispatches on it).
import type { Property, StructuredType } from '../model/model.js';
import { formatDateTimeOffset } from '../model/values.js';
import { storageName } from '../model/versions.js';
import { canonicalPath, type PathStep } from './path.js';

function wireValue(prop: Property, value: unknown): unknown {
  if (value === null || value === undefined) return prop.collection ? [] : null;
  if (prop.collection) return (value as unknown[]).map((v) => wireSingle(prop, v));
  return wireSingle(prop, value);
}

function wireSingle(prop: Property, value: unknown): unknown {
  if (prop.type === 'Edm.DateTimeOffset' && typeof value === 'string') return formatDateTimeOffset(value);
  if (prop.complexType && value && typeof value === 'object') return wireComplex(prop.complexType, value as Record<string, unknown>);
  return value;
}

function wireComplex(declared: StructuredType, value: Record<string, unknown>): Record<string, unknown> {
  // A value of a derived type (named by its `@odata.type`) shows that type's properties.
  const type = declared.valueType(value['@odata.type']);
  const out: Record<string, unknown> = {};
  if (typeof value['@odata.type'] === 'string') out['@odata.type'] = value['@odata.type'];
  for (const p of type.properties) out[p.name] = wireValue(p, value[storageName(p)]);
  // Open types keep their dynamic properties. Other fields are another API version's: not shown in this one.
  if (type.isOpen) for (const [k, v] of Object.entries(value)) if (!(k in out)) out[k] = v;
  return out;
}

/** One property's value as it goes on the wire (an individual property request: `…/{id}/displayName`). */
export function serializeProperty(prop: Property, value: unknown): unknown {
  return wireValue(prop, value);
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
  // Annotations first, in Graph's order: context, type, etag.
  const { '@odata.etag': etag, ...rest } = extra ?? {};
  const out: Record<string, unknown> = { ...rest, '@odata.type': `#${type.qualifiedName}` };
  if (etag !== undefined) out['@odata.etag'] = etag;
  for (const p of type.properties) {
    if (select && p.name !== 'id' && !select.has(p.name)) continue;
    out[p.name] = wireValue(p, values[storageName(p)]);
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
