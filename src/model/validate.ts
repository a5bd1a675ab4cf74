// Request-body validation derived from the model: every property known, of its declared type, in range.
// The result is the body in canonical form, ready to be stored.
import { badRequest } from '../http/errors.js';
import { isPrimitive } from './edm.js';
import { StructuredType, type BoundAction, type Model, type Property } from './model.js';
import { checkPrimitive, describeJson, storableText } from './values.js';
import { storageName } from './versions.js';

export type Mode = 'create' | 'update';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `#microsoft.graph.x` and `microsoft.graph.x` both name a type; so does the alias `#graph.x`. */
function resolveTypeAnnotation(model: Model, declared: StructuredType, value: unknown, where: string): StructuredType {
  if (typeof value !== 'string') throw badRequest(`The '@odata.type' annotation of ${where} must be a string.`);
  const name = value.replace(/^#/, '').replace(/^graph\./, 'microsoft.graph.');
  const t = model.findType(name);
  if (!(t instanceof StructuredType)) throw badRequest(`A type named '${value}' could not be resolved by the model.`);
  if (t.kind !== declared.kind || !declared.isAssignableFrom(t)) {
    throw badRequest(
      `The type '${value}' given in '@odata.type' of ${where} is not compatible with the expected type '${declared.qualifiedName}'.`,
    );
  }
  return t;
}

const unstorableMessage = (where: string) =>
  `Invalid value for property '${where}': the text contains U+0000 or an unpaired surrogate, which cannot be stored.`;

/** The path of the first string (value or key) in a JSON value that has no UTF-8 form, if any. */
function unstorableTextIn(value: unknown, where: string): string | undefined {
  if (typeof value === 'string') return storableText(value) ? undefined : where;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = unstorableTextIn(value[i], `${where}[${i}]`);
      if (bad !== undefined) return bad;
    }
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const bad = storableText(k) ? unstorableTextIn(v, `${where}/${k}`) : `${where}/${k}`;
      if (bad !== undefined) return bad;
    }
  }
  return undefined;
}

/**
 * Bodies come back keyed by storage names (`storedAs`, else the property's name): what the store writes and
 * what the serializer reads.
 */
export class BodyValidator {
  constructor(private readonly model: Model) {}

  /** Validates an entity body. Read-only (computed) properties are ignored, as OData prescribes. */
  entity(type: StructuredType, body: unknown, mode: Mode): Record<string, unknown> {
    if (!isPlainObject(body)) throw badRequest('The request body must be a JSON object.');
    const t = body['@odata.type'] !== undefined ? resolveTypeAnnotation(this.model, type, body['@odata.type'], 'the request body') : type;
    const out = this.structured(t, body, '', mode);
    if (mode === 'create') {
      for (const p of t.properties) {
        const v = out[storageName(p)];
        if (p.requiredOnCreate && (v === undefined || v === null || v === '')) {
          throw badRequest(`The property '${p.name}' is required when creating a '${t.qualifiedName}'.`);
        }
      }
    }
    return out;
  }

  /**
   * The body of an action call: an object (or nothing, when the action takes no parameter) holding the
   * declared parameters by name, each of its type; non-nullable ones must be there.
   */
  parameters(action: BoundAction, body: unknown): Record<string, unknown> {
    const name = action.decl.name;
    if (body === undefined || body === null) body = {};
    if (!isPlainObject(body)) throw badRequest(`The body of the action '${name}' must be a JSON object of its parameters.`);
    for (const key of Object.keys(body)) {
      if (!key.includes('@') && !action.parameters.property(key)) {
        throw badRequest(`'${key}' is not a parameter of the action '${name}'.`, 'RequestBodyRead');
      }
    }
    const out = this.structured(action.parameters, body, '', 'create');
    for (const p of action.parameters.properties) {
      if (!p.nullable && (out[p.name] === undefined || out[p.name] === null)) throw badRequest(`The parameter '${p.name}' of the action '${name}' is required.`);
    }
    return out;
  }

  /**
   * PATCH rules beyond the body's shape, given the entity's current values: an immutable property keeps its
   * value, and one required on create cannot be emptied. (The admin page runs this same code on its forms.)
   */
  update(type: StructuredType, changes: Record<string, unknown>, current: Record<string, unknown>): void {
    for (const p of type.properties) {
      const key = storageName(p);
      if (!(key in changes)) continue;
      if (p.immutable && changes[key] !== current[key]) {
        throw badRequest(`The property '${p.name}' cannot be changed after the entity is created.`);
      }
      if (p.requiredOnCreate && (changes[key] === '' || changes[key] === null)) {
        throw badRequest(`The property '${p.name}' cannot be empty.`);
      }
    }
  }

  private structured(type: StructuredType, body: Record<string, unknown>, path: string, mode: Mode): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(body)) {
      // Instance and property annotations (`@odata.etag`, `addresses@odata.type`) carry no data.
      if (name.startsWith('@') || name.includes('@')) continue;
      const prop = type.property(name);
      const where = path + name;
      const elsewhere = prop ? undefined : type.acceptedElsewhere.get(name);
      if (elsewhere) {
        // Another version's property that this one accepts (see AcceptedElsewhere): checked all the same.
        out[storageName(elsewhere.property)] = this.value(elsewhere.property, value, where, mode);
        continue;
      }
      if (!prop) {
        if (type.isOpen) {
          // Dynamic properties are stored as given; their text must still have a UTF-8 form (see values.ts).
          const bad = unstorableTextIn(value, where) ?? (storableText(name) ? undefined : where);
          if (bad !== undefined) throw badRequest(unstorableMessage(bad));
          out[name] = value;
          continue;
        }
        // Graph (OData) reports this with the code RequestBodyRead.
        throw badRequest(
          `The property '${where}' does not exist on type '${type.qualifiedName}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
          'RequestBodyRead',
        );
      }
      if (prop.readOnly) continue;
      out[storageName(prop)] = this.value(prop, value, where, mode);
    }
    return out;
  }

  private value(prop: Property, value: unknown, where: string, mode: Mode): unknown {
    if (value === null) {
      if (!prop.nullable) throw badRequest(`The property '${where}' cannot be null.`);
      return null;
    }
    if (prop.collection) {
      if (!Array.isArray(value)) {
        throw badRequest(`Invalid value for property '${where}': expected Collection(${prop.type}), got ${describeJson(value)}.`);
      }
      return value.map((item, i) => {
        if (item === null) throw badRequest(`The property '${where}[${i}]' cannot be null.`);
        return this.single(prop, item, `${where}[${i}]`, mode);
      });
    }
    return this.single(prop, value, where, mode);
  }

  private single(prop: Property, value: unknown, where: string, mode: Mode): unknown {
    const expected = () => `Invalid value for property '${where}': expected ${prop.type}, got ${describeJson(value)}.`;
    if (isPrimitive(prop.type)) {
      const c = checkPrimitive(prop.type, value);
      if (!c.ok && prop.type === 'Edm.String' && typeof value === 'string') {
        throw badRequest(unstorableMessage(where));
      }
      if (!c.ok) throw badRequest(expected());
      return c.canonical;
    }
    if (prop.enumType) {
      if (typeof value !== 'string') throw badRequest(expected());
      const members = prop.enumType.members;
      const parts = prop.enumType.decl.isFlags ? value.split(',').map((s) => s.trim()) : [value];
      const canonical = parts.map((part) => members.find((m) => m.toLowerCase() === part.toLowerCase()));
      if (canonical.some((m) => m === undefined)) {
        throw badRequest(
          `Invalid value for property '${where}': ${describeJson(value)} is not a member of ${prop.type} (${members.join(', ')}).`,
        );
      }
      return canonical.join(',');
    }
    const complex = prop.complexType!;
    if (!isPlainObject(value)) throw badRequest(expected());
    const t = value['@odata.type'] !== undefined ? resolveTypeAnnotation(this.model, complex, value['@odata.type'], `'${where}'`) : this.model.concreteComplexType(complex);
    if (!t) throw badRequest(`The value of '${where}' must name its type in '@odata.type': ${prop.type} is abstract.`);
    const given = this.structured(t, value, `${where}/`, mode);
    // Complex values are stored whole, under their storage names: every declared property present (null when
    // not given), what this version accepts of another's, then open extras.
    const full: Record<string, unknown> = {};
    // The client's type annotation is kept as sent (seed 004 documents it echoed back); a derived type
    // must be named on output anyway.
    if (typeof value['@odata.type'] === 'string') full['@odata.type'] = value['@odata.type'];
    else if (t !== complex) full['@odata.type'] = `#${t.qualifiedName}`;
    for (const p of t.properties) {
      const key = storageName(p);
      full[key] = key in given ? given[key] : p.collection ? [] : null;
    }
    for (const { property, accepted } of t.acceptedElsewhere.values()) {
      const key = storageName(property);
      if (accepted !== 'asSent') full[key] = accepted.stored;
      else if (key in given) full[key] = given[key];
    }
    // What is left is an open type's dynamic properties.
    for (const [k, v] of Object.entries(given)) if (!(k in full)) full[k] = v;
    return full;
  }
}
