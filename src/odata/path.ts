// Resolves an OData resource path against the model: entity sets, singletons, containment navigation,
// keys as segments (`/x/{id}`) or in parentheses (`/x('id')`, `/x(id='id')`), a property of one entity
// (`/x/{id}/displayName`), the `$ref`, `$count`, `$value` suffixes, the bound `delta` function on
// change-tracked collections, and the model's bound actions on one entity (`/x/{id}/publish`). Segment names are matched
// case-insensitively, as Graph does.
import type { NavigationDecl } from '../model/edm.js';
import type { BoundAction, EntitySet, Model, Property, Singleton, StructuredType } from '../model/model.js';
import { badRequest } from '../http/errors.js';

export type StepSource =
  | { kind: 'set'; set: EntitySet }
  | { kind: 'singleton'; singleton: Singleton }
  | { kind: 'nav'; nav: NavigationDecl };

export interface PathStep {
  type: StructuredType;
  source: StepSource;
  /** Canonical segment name (as declared, whatever case the client used). */
  name: string;
  /** For collection steps addressed to one member. */
  key?: string;
  /** True for entity sets and collection-valued navigation. */
  collection: boolean;
}

/** What may follow the last resource segment: OData's `$ref`/`$count`/`$value`, or the bound `delta` function. */
export type PathSuffix = '$ref' | '$count' | '$value' | 'delta';

export interface ResolvedPath {
  steps: PathStep[];
  /** A structural property of the addressed entity (`…/customers/{id}/displayName`): that value alone. */
  property?: Property;
  suffix?: PathSuffix;
  /** A bound action of the addressed entity (`…/bookingBusinesses/{id}/publish`): the last segment. */
  action?: BoundAction;
}

const SUFFIXES = new Map<string, PathSuffix>([
  ['$ref', '$ref'],
  ['$count', '$count'],
  ['$value', '$value'],
]);

/** `customers('a%40b')`, `customers(id='a')`, `customers(a)` -> name + key. */
function splitParenKey(raw: string): { name: string; key?: string } {
  const open = raw.indexOf('(');
  if (open < 0 || !raw.endsWith(')')) return { name: raw };
  const name = raw.slice(0, open);
  let inner = decodeSegment(raw.slice(open + 1, -1));
  const named = /^\s*id\s*=\s*(.*)$/i.exec(inner);
  if (named) inner = named[1]!;
  inner = inner.trim();
  if (inner.length >= 2 && inner.startsWith("'") && inner.endsWith("'")) {
    inner = inner.slice(1, -1).replace(/''/g, "'");
  }
  if (inner === '') throw badRequest(`The key in segment '${raw}' is empty.`);
  return { name, key: inner };
}

function decodeSegment(raw: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw badRequest(`The path segment '${raw}' is not valid percent-encoding.`);
  }
  // No key can hold U+0000 (none can be stored), and PostgreSQL refuses it even in a lookup: refused here, on
  // every engine alike, as it is in bodies.
  if (decoded.includes('\u0000')) throw badRequest(`The path segment '${raw}' contains the character U+0000 (NUL), which is not allowed.`);
  return decoded;
}

const unknownSegment = (segment: string) => badRequest(`Resource not found for the segment '${segment}'.`);

/** `delta`, `delta()`, `microsoft.graph.delta` (what the SDKs send), in any case. */
const DELTA_SEGMENT = /^(microsoft\.graph\.)?delta(\(\))?$/i;

/** Does this collection offer `delta` (and change notifications)? The model says so on the set or navigation. */
export function isChangeTracked(step: Pick<PathStep, 'source'>): boolean {
  const s = step.source;
  return s.kind === 'set' ? s.set.changeTracking === true : s.kind === 'nav' ? s.nav.changeTracking === true : false;
}

/**
 * @param rawPath the path after the version prefix, still percent-encoded, without the query string,
 *                e.g. `solutions/bookingbusinesses/a%40b.com/customers`.
 */
export function resolvePath(model: Model, rawPath: string): ResolvedPath {
  const rawSegments = rawPath.split('/').filter((s) => s !== '');
  if (rawSegments.length === 0) throw badRequest('The request URI does not address a resource.');
  const steps: PathStep[] = [];
  let suffix: PathSuffix | undefined;
  let property: Property | undefined;
  let action: BoundAction | undefined;

  for (let i = 0; i < rawSegments.length; i++) {
    const raw = rawSegments[i]!;
    if (action) throw badRequest(`The action '${action.decl.name}' must be the last segment of the request URI.`);
    if (suffix) throw badRequest(`The segment '${suffix}' must be the last segment of the request URI.`);
    const maybeSuffix = SUFFIXES.get(decodeSegment(raw).toLowerCase());
    const last = steps[steps.length - 1];
    if (maybeSuffix) {
      if (!last) throw unknownSegment(raw);
      if (property) {
        if (maybeSuffix !== '$value' || property.category === 'complex' || property.collection) {
          throw badRequest(`The segment '${raw}' cannot follow the property '${property.name}': only '$value' of a primitive property can.`);
        }
      } else if (maybeSuffix === '$count' && !(last.collection && last.key === undefined)) {
        throw badRequest("The '$count' segment is only valid after a collection.");
      }
      suffix = maybeSuffix;
      continue;
    }
    if (property) throw badRequest(`The property '${property.name}' must be the last segment of the request URI (or be followed by '$value').`);

    // A change-tracked collection not yet keyed: `delta` is its function, as in Graph's `users/delta`.
    if (last && last.collection && last.key === undefined && isChangeTracked(last) && DELTA_SEGMENT.test(decodeSegment(raw))) {
      suffix = 'delta';
      continue;
    }

    // A collection not yet keyed: this segment is its key (key-as-segment), unless it is a parenthesised name.
    if (last && last.collection && last.key === undefined) {
      last.key = decodeSegment(raw);
      if (last.key === '') throw badRequest('The key segment is empty.');
      continue;
    }

    const { name, key } = splitParenKey(raw);
    const lower = decodeSegment(name).toLowerCase();
    let step: PathStep | undefined;
    if (!last) {
      const set = model.entitySet(lower);
      const singleton = set ? undefined : model.singleton(lower);
      if (set) step = { type: set.entityType, source: { kind: 'set', set }, name: set.name, collection: true };
      else if (singleton)
        step = { type: singleton.entityType, source: { kind: 'singleton', singleton }, name: singleton.name, collection: false };
    } else {
      // One entity (keyed, or single-valued): a segment may name an action bound to its type.
      const bound = key === undefined ? model.boundAction(last.type, decodeSegment(name)) : undefined;
      if (bound) {
        action = bound;
        continue;
      }
      const nav = last.type.navigationProperty(lower);
      if (nav) {
        // A collection of an abstract type holds its stored descendant's members (v1.0's bookingCustomerBase).
        step = { type: model.memberType(nav.type), source: { kind: 'nav', nav }, name: nav.name, collection: nav.collection };
      } else if (key === undefined && !(last.collection && last.key === undefined)) {
        // One entity's structural property, named case-insensitively like every segment.
        const prop = last.type.propertyIgnoringCase(decodeSegment(name));
        if (prop) {
          property = prop;
          continue;
        }
      }
    }
    if (!step) throw unknownSegment(decodeSegment(name));
    if (key !== undefined) {
      if (!step.collection) throw badRequest(`The segment '${step.name}' is not a collection and cannot take a key.`);
      step.key = key;
    }
    steps.push(step);
  }
  return { steps, property, suffix, action };
}

/** OData key literal as it appears in canonical URLs and context URLs: quoted and percent-encoded. */
export function keyLiteral(key: string): string {
  return `('${encodeURIComponent(key.replace(/'/g, "''"))}')`;
}

/** Canonical path (`solutions/bookingBusinesses('x')/customers`) for steps whose keys are resolved. */
export function canonicalPath(steps: Array<Pick<PathStep, 'name' | 'key'>>): string {
  return steps.map((s) => s.name + (s.key !== undefined ? keyLiteral(s.key) : '')).join('/');
}
