// Graph's evolvable enums (microsoft/api-guidelines graph/patterns/evolvable-enums.md; Graph's best-practices
// page): members declared after the `unknownFutureValue` sentinel are shown to a client only when its request
// says `Prefer: include-unknown-enum-members` (answered with `Preference-Applied`); otherwise they go out as
// `unknownFutureValue`, and a request naming one (in its body or its $filter) is a 400. The sentinel itself is
// never written: a 400 on create, on PATCH as if the property were absent. Generic over every enum of every
// type, per API version (each version's model has its own members).
import type { HandlerResult } from '../handlers/entities.js';
import { badRequest } from '../http/errors.js';
import { UNKNOWN_FUTURE_VALUE, type Model, type Property, type StructuredType } from '../model/model.js';
import type { Mode } from '../model/validate.js';
import { storageName } from '../model/versions.js';

export const INCLUDE_UNKNOWN_ENUM_MEMBERS = 'include-unknown-enum-members';

/** Whether the request's `Prefer` header asks for unknown enum members. */
export function includesUnknownEnumMembers(headers: Record<string, string | string[] | undefined>): boolean {
  const prefer = headers['prefer'];
  const text = Array.isArray(prefer) ? prefer.join(',') : (prefer ?? '');
  return text.split(',').some((p) => p.split(/[=;]/)[0]!.trim().toLowerCase() === INCLUDE_UNKNOWN_ENUM_MEMBERS);
}

const holds = new WeakMap<StructuredType, boolean>();

/** Whether values of `type` can hold an unknown member anywhere (its own properties or complex ones within). */
function holdsUnknown(type: StructuredType, visiting = new Set<StructuredType>()): boolean {
  const known = holds.get(type);
  if (known !== undefined) return known;
  if (visiting.has(type)) return false;
  visiting.add(type);
  const result = type.properties.some((p) => (p.enumType ? p.enumType.unknownMembers.length > 0 : p.complexType ? holdsUnknown(p.complexType, visiting) : false));
  visiting.delete(type);
  holds.set(type, result);
  return result;
}

/** Whether a property (or something inside its complex values) is of an evolvable enum: what writes check. */
function evolvableWithin(p: Property, visiting = new Set<StructuredType>()): boolean {
  if (p.enumType) return p.enumType.evolvable;
  if (!p.complexType || visiting.has(p.complexType)) return false;
  visiting.add(p.complexType);
  return p.complexType.properties.some((q) => evolvableWithin(q, visiting));
}

/** A property's wire value with unknown members replaced by the sentinel. */
export function maskProperty(prop: Property, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (prop.collection && Array.isArray(value)) return value.map((v) => maskSingle(prop, v));
  return maskSingle(prop, value);
}

function maskSingle(prop: Property, value: unknown): unknown {
  const e = prop.enumType;
  if (e) {
    if (typeof value !== 'string' || e.unknownMembers.length === 0) return value;
    if (!e.decl.isFlags) return e.unknownMembers.includes(value) ? UNKNOWN_FUTURE_VALUE : value;
    const parts = value.split(',').map((m) => (e.unknownMembers.includes(m) ? UNKNOWN_FUTURE_VALUE : m));
    return [...new Set(parts)].join(',');
  }
  if (prop.complexType && typeof value === 'object' && !Array.isArray(value)) return maskStructured(prop.complexType, value as Record<string, unknown>);
  return value;
}

function maskStructured(type: StructuredType, value: Record<string, unknown>): Record<string, unknown> {
  if (!holdsUnknown(type)) return value;
  const out = { ...value };
  for (const p of type.properties) if (p.name in out) out[p.name] = maskProperty(p, out[p.name]);
  return out;
}

/**
 * A response body (one entity, a collection under `value`, expanded members, delta entries) with every unknown
 * member replaced by the sentinel. Entities are recognised by their `@odata.type` (every entity carries one).
 */
export function maskUnknownMembers(model: Model, body: unknown): unknown {
  // Copy on write: most bodies hold no unknown member, and are returned as they are (no copy of every entity
  // of a page on every request).
  if (Array.isArray(body)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < body.length; i++) {
      const v = body[i];
      const masked = maskUnknownMembers(model, v);
      if (masked !== v) (out ??= body.slice(0, i)).push(masked);
      else out?.push(v);
    }
    return out ?? body;
  }
  if (typeof body !== 'object' || body === null) return body;
  const obj = body as Record<string, unknown>;
  const odataType = obj['@odata.type'];
  const annotated = typeof odataType === 'string' ? model.findType(odataType.startsWith('#') ? odataType.slice(1) : odataType) : undefined;
  const type = annotated && 'properties' in annotated ? annotated : undefined;
  const maskOwn = type !== undefined && holdsUnknown(type);
  let out: Record<string, unknown> | undefined;
  for (const key in obj) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
    const value = obj[key];
    const prop = type?.property(key);
    // Declared properties by their type; anything else (a collection's `value`, expanded navigations) is walked.
    const masked = prop ? (maskOwn ? maskProperty(prop, value) : value) : typeof value === 'object' && value !== null ? maskUnknownMembers(model, value) : value;
    if (masked !== value && !out) {
      // The keys before this one, as they were (same order as the original).
      out = {};
      for (const k in obj) {
        if (k === key) break;
        if (Object.prototype.hasOwnProperty.call(obj, k)) out[k] = obj[k];
      }
    }
    if (out) out[key] = masked;
  }
  return out ?? obj;
}

/**
 * Checks a validated body (storage-keyed, as BodyValidator returns it) against the evolvable-enum rules,
 * naming the property in the 400; on update drops a top-level `unknownFutureValue` (the property is left
 * as it is).
 */
export function checkEnumWrite(type: StructuredType, given: Record<string, unknown>, mode: Mode, includeUnknown: boolean): void {
  for (const p of type.properties) {
    const key = storageName(p);
    if (!(key in given) || !evolvableWithin(p)) continue;
    if (p.enumType && !p.collection && given[key] === UNKNOWN_FUTURE_VALUE && mode === 'update') {
      delete given[key];
      continue;
    }
    checkValue(p, given[key], p.name, includeUnknown);
  }
}

function checkValue(p: Property, value: unknown, where: string, includeUnknown: boolean): void {
  if (value === null || value === undefined) return;
  if (p.collection && Array.isArray(value)) {
    value.forEach((v, i) => checkSingle(p, v, `${where}[${i}]`, includeUnknown));
    return;
  }
  checkSingle(p, value, where, includeUnknown);
}

function checkSingle(p: Property, value: unknown, where: string, includeUnknown: boolean): void {
  const e = p.enumType;
  if (e) {
    if (typeof value !== 'string') return;
    for (const member of e.decl.isFlags ? value.split(',') : [value]) {
      if (member === UNKNOWN_FUTURE_VALUE) {
        throw badRequest(`Invalid value for property '${where}': '${UNKNOWN_FUTURE_VALUE}' stands for members of ${p.type} this client does not know; it cannot be written.`);
      }
      if (!includeUnknown && e.unknownMembers.includes(member)) {
        throw badRequest(
          `Invalid value for property '${where}': '${member}' is a member of ${p.type} added after '${UNKNOWN_FUTURE_VALUE}'; send 'Prefer: ${INCLUDE_UNKNOWN_ENUM_MEMBERS}' to use it.`,
        );
      }
    }
    return;
  }
  if (!p.complexType || typeof value !== 'object' || Array.isArray(value)) return;
  const complex = value as Record<string, unknown>;
  for (const q of p.complexType.properties) {
    const key = storageName(q);
    if (key in complex && evolvableWithin(q)) checkValue(q, complex[key], `${where}/${q.name}`, includeUnknown);
  }
}

/**
 * What an answer of the entity API becomes under the request's preference: with it, as it is plus
 * `Preference-Applied: include-unknown-enum-members` (joined to any other applied preference); without it,
 * its body with unknown members masked.
 */
export function withEnumPreference(model: Model, headers: Record<string, string | string[] | undefined>, result: HandlerResult): HandlerResult {
  if (includesUnknownEnumMembers(headers)) {
    if (result.status >= 400) return result;
    const applied = result.headers?.['preference-applied'];
    return { ...result, headers: { ...result.headers, 'preference-applied': applied ? `${applied}, ${INCLUDE_UNKNOWN_ENUM_MEMBERS}` : INCLUDE_UNKNOWN_ENUM_MEMBERS } };
  }
  return result.body === undefined ? result : { ...result, body: maskUnknownMembers(model, result.body) };
}
