// Form state <-> Graph JSON, derived from the model: what a field looks like and what it sends follow from
// the property's declared type (text, enum, boolean, number, complex, collection).
import type { Property, StructuredType } from './model';
import { editableProperties } from './model';

export type FieldValue = string | FormObject | FormObject[] | string[];
export interface FormObject {
  [name: string]: FieldValue;
}

const NUMERIC = new Set(['Edm.Int32', 'Edm.Int64', 'Edm.Double']);

function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : String(value);
}

function fieldOf(p: Property, value: unknown): FieldValue {
  if (p.category === 'complex') {
    const t = p.complexType!;
    if (p.collection) return Array.isArray(value) ? value.map((v) => objectOf(t, v)) : [];
    return objectOf(t, value);
  }
  if (p.collection) return Array.isArray(value) ? value.map(toText) : [];
  return toText(value);
}

function objectOf(type: StructuredType, value: unknown): FormObject {
  const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const out: FormObject = {};
  for (const p of type.properties) if (!p.readOnly) out[p.name] = fieldOf(p, v[p.name]);
  return out;
}

/**
 * The form's initial state: an entity's values, or empty fields for a new one; only `fields` when given (a
 * form for a type's main properties: what it does not show, it neither sends nor changes).
 */
export function formState(type: StructuredType, entity?: Record<string, unknown>, fields?: string[]): FormObject {
  const out: FormObject = {};
  for (const p of editableProperties(type)) if (!fields || fields.includes(p.name)) out[p.name] = fieldOf(p, entity?.[p.name]);
  return out;
}

/** An empty item for a complex collection (a new address, a new phone). */
export function emptyItem(p: Property): FormObject {
  return objectOf(p.complexType!, undefined);
}

/** A text field's JSON: numbers and booleans as such when they read as one (else as typed, for the validator to refuse). */
function scalar(p: Property, text: string): unknown {
  if (text === '') return null;
  if (p.type === 'Edm.Boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (NUMERIC.has(p.type) && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(text)) return Number(text);
  return text;
}

function jsonOfObject(type: StructuredType, obj: FormObject): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const p of type.properties) {
    if (p.readOnly || !(p.name in obj)) continue;
    const v = jsonOfField(p, obj[p.name]!);
    if (v !== null && !(Array.isArray(v) && v.length === 0)) empty = false;
    out[p.name] = v;
  }
  return empty ? null : out;
}

function jsonOfField(p: Property, value: FieldValue): unknown {
  if (p.category === 'complex') {
    const t = p.complexType!;
    if (p.collection) return (value as FormObject[]).map((o) => jsonOfObject(t, o)).filter((o) => o !== null);
    return jsonOfObject(t, value as FormObject);
  }
  if (p.collection) return (value as string[]).filter((s) => s !== '').map((s) => scalar(p, s));
  return scalar(p, value as string);
}

/**
 * The request body for a form. On create, fields left empty are not sent (the server applies its defaults
 * and reports missing required ones); on update, only properties that differ from the entity are sent, and
 * an emptied field is sent as null, or as '' where the property cannot be null, as a client would send it.
 */
export function bodyOf(type: StructuredType, state: FormObject, mode: 'create' | 'update', initial?: FormObject): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const p of editableProperties(type)) {
    if (!(p.name in state)) continue;
    let v = jsonOfField(p, state[p.name]!);
    if (mode === 'create') {
      if (v === null || (Array.isArray(v) && v.length === 0)) continue;
    } else {
      const before = initial ? jsonOfField(p, initial[p.name]!) : undefined;
      if (JSON.stringify(before) === JSON.stringify(v)) continue;
      if (v === null && !p.nullable) v = p.collection ? [] : p.type === 'Edm.String' ? '' : null;
    }
    body[p.name] = v;
  }
  return body;
}
