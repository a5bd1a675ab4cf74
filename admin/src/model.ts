// The server's model, in the page: the declarations come from GET /admin/api/model and are resolved by the
// very Model and BodyValidator classes the server uses (bundled from src/model), so forms check input by
// the server's rules and say so in the server's words, without a copy of those rules here.
import type { SchemaDecl } from '../../src/model/edm.js';
import { GraphError } from '../../src/http/errors.js';
import { Model, StructuredType, type Property } from '../../src/model/model.js';
import { BodyValidator } from '../../src/model/validate.js';

export { Model, StructuredType, type Property };

export const BUSINESS = 'microsoft.graph.bookingBusiness';
export const CUSTOMER = 'microsoft.graph.bookingCustomer';

export async function fetchModel(): Promise<Model> {
  const res = await fetch('/admin/api/model', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET /admin/api/model answered ${res.status}`);
  const json = (await res.json()) as { schemas: SchemaDecl[] };
  return new Model(json.schemas);
}

/** Properties a form edits: not computed by the server, and not the key (the server assigns it). */
export function editableProperties(type: StructuredType): Property[] {
  return type.properties.filter((p) => !p.readOnly && !p.stamp && p.name !== 'id');
}

/** What $orderby accepts: a single primitive or enum value. */
export function isSortable(p: Property): boolean {
  return !p.collection && p.category !== 'complex';
}

/** Every scope the model's permission rules mention, for the dev-token picker. */
export function declaredScopes(model: Model): string[] {
  const scopes = new Set<string>();
  const add = (perms: Record<string, { delegated: string[] | null; application: string[] | null } | undefined> | undefined) => {
    for (const rule of Object.values(perms ?? {})) for (const s of [...(rule?.delegated ?? []), ...(rule?.application ?? [])]) scopes.add(s);
  };
  for (const schema of model.schemas) {
    for (const set of schema.entitySets ?? []) add(set.permissions);
    for (const t of schema.types) if (t.kind !== 'enum') for (const n of t.navigation ?? []) add(n.permissions);
  }
  return [...scopes].sort();
}

export interface FormErrors {
  /** Top-level property name -> the server's message about it. */
  fields: Record<string, string>;
  /** A message that names no property of the form. */
  form?: string;
}

/** The property a validation message is about: messages quote its path, e.g. 'addresses[0]/type'. */
export function propertyNamed(message: string, names: string[]): string | undefined {
  const m = /'([A-Za-z_][A-Za-z0-9_]*)(?:[[/][^']*)?'/.exec(message);
  return m && names.includes(m[1]!) ? m[1] : undefined;
}

/**
 * Checks a body the form would send, exactly as the server will: each property on its own (so every field
 * gets its message), then the whole body (required properties on create; on update, the PATCH rules against
 * the entity's current values).
 */
export function validateBody(
  model: Model,
  type: StructuredType,
  body: Record<string, unknown>,
  mode: 'create' | 'update',
  current?: Record<string, unknown>,
): FormErrors {
  const validator = new BodyValidator(model);
  const names = type.properties.map((p) => p.name);
  const errors: FormErrors = { fields: {} };
  const record = (err: unknown) => {
    if (!(err instanceof GraphError)) throw err;
    const name = propertyNamed(err.message, names);
    if (name) errors.fields[name] ??= err.message;
    else errors.form ??= err.message;
  };
  for (const [name, value] of Object.entries(body)) {
    try {
      validator.entity(type, { [name]: value }, 'update');
    } catch (err) {
      record(err);
    }
  }
  if (Object.keys(errors.fields).length || errors.form) return errors;
  try {
    const checked = validator.entity(type, body, mode);
    if (mode === 'update') validator.update(type, checked, current ?? {});
  } catch (err) {
    record(err);
  }
  return errors;
}
