// A create/edit form generated from an entity type: one field per editable property, enums as choices,
// complex collections (addresses, phones) as repeatable groups. Input is checked by the server's own
// validator (see model.ts) before anything is sent; what the server still refuses shows as a Graph error,
// and next to the field its message names. A view may restrict the form to some properties (`fields`) and
// draw some itself (`custom`: pickers of a business's staff members and questions).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { GraphRequestError } from '../api';
import { humanize, useApp } from '../context';
import { bodyOf, emptyItem, type FieldValue, type FormObject } from '../form';
import { editableProperties, propertyNamed, validateBody, type FormErrors, type Property, type StructuredType } from '../model';
import { ErrorBox } from './ErrorBox';

/** A field drawn by the view that owns the type (a staff picker, question assignments), in the form's state. */
export type CustomField = (p: { id: string; label: string; value: FieldValue; error?: string; onChange(v: FieldValue): void }) => ComponentChildren;

interface Props {
  type: StructuredType;
  mode: 'create' | 'update';
  initial: FormObject;
  /** The entity's current values (update mode), for the server's PATCH rules. */
  current?: Record<string, unknown>;
  submitLabel: string;
  onSubmit(body: Record<string, unknown>): Promise<void>;
  onCancel?(): void;
  /** The properties shown, in this order (default: every editable one); `initial` holds just these. */
  fields?: string[];
  /** Fields drawn by the caller, by property name. */
  custom?: Record<string, CustomField>;
  /** A line of help under a field, by property name (e.g. the form a duration takes). */
  hints?: Record<string, string>;
  /** Marked required on create besides what the model says (rules of the type's module on the server). */
  required?: string[];
}

export function EntityForm({ type, mode, initial, current, submitLabel, onSubmit, onCancel, fields, custom, hints, required }: Props) {
  const { model } = useApp();
  const [state, setState] = useState<FormObject>(initial);
  const [errors, setErrors] = useState<FormErrors>({ fields: {} });
  const [checked, setChecked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<unknown>(null);

  const shown = fields ? fields.map((n) => type.property(n)).filter((p): p is Property => !!p && editableProperties(type).includes(p)) : editableProperties(type);
  const check = (s: FormObject) => validateBody(model, type, bodyOf(type, s, mode, initial), mode, current);
  const update = (name: string, value: FieldValue) => {
    const next = { ...state, [name]: value };
    setState(next);
    if (checked) setErrors(check(next));
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setChecked(true);
    const found = check(state);
    setErrors(found);
    if (Object.keys(found.fields).length || found.form) return;
    setBusy(true);
    setServerError(null);
    try {
      await onSubmit(bodyOf(type, state, mode, initial));
    } catch (err) {
      // The server's rules beyond the model's (across entities, per type): its message also goes next to
      // the field it names. The form keeps what was typed either way.
      setServerError(err);
      if (err instanceof GraphRequestError && err.info.status === 400) {
        const name = propertyNamed(err.info.message, shown.map((p) => p.name));
        if (name) setErrors({ fields: { [name]: err.info.message } });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="entity-form" noValidate onSubmit={submit} aria-label={`${mode === 'create' ? 'New' : 'Edit'} ${humanize(type.name)}`}>
      <ErrorBox error={serverError} onDismiss={() => setServerError(null)} />
      {errors.form && (
        <p class="field-error" role="alert">
          {errors.form}
        </p>
      )}
      {shown.map((p) => {
        const draw = custom?.[p.name];
        if (draw) {
          return (
            <div key={p.name} class={`field${errors.fields[p.name] ? ' invalid' : ''}`} data-field={p.name}>
              {draw({ id: inputId(p.name), label: humanize(p.name), value: state[p.name]!, error: errors.fields[p.name], onChange: (v) => update(p.name, v) })}
              {errors.fields[p.name] && <span class="field-error">{errors.fields[p.name]}</span>}
            </div>
          );
        }
        return (
          <Field
            key={p.name}
            prop={p}
            path={p.name}
            value={state[p.name]!}
            error={errors.fields[p.name]}
            hint={hints?.[p.name]}
            required={mode === 'create' && (!!p.requiredOnCreate || !!required?.includes(p.name))}
            onChange={(v) => update(p.name, v)}
          />
        );
      })}
      <div class="row actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

interface FieldProps {
  prop: Property;
  path: string;
  value: FieldValue;
  error?: string;
  hint?: string;
  required?: boolean;
  onChange(v: FieldValue): void;
}

const inputId = (path: string) => `f-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

function Field({ prop, path, value, error, hint, required, onChange }: FieldProps) {
  const id = inputId(path);
  const label = humanize(prop.name);
  if (prop.category === 'complex') {
    const t = prop.complexType!;
    if (prop.collection) {
      const items = value as FormObject[];
      return (
        <fieldset class={`group${error ? ' invalid' : ''}`} data-field={prop.name}>
          <legend>{label}</legend>
          {items.length === 0 && <p class="muted">None.</p>}
          {items.map((item, i) => (
            <div class="item" key={i}>
              <ComplexFields type={t} path={`${path}-${i}`} value={item} onChange={(v) => onChange(items.map((x, j) => (j === i ? v : x)))} />
              <button type="button" class="secondary small" onClick={() => onChange(items.filter((_, j) => j !== i))}>
                Remove {humanize(t.name).toLowerCase()} {i + 1}
              </button>
            </div>
          ))}
          <button type="button" class="secondary small" onClick={() => onChange([...items, emptyItem(prop)])}>
            Add {humanize(t.name).toLowerCase()}
          </button>
          {error && <p class="field-error">{error}</p>}
        </fieldset>
      );
    }
    return (
      <fieldset class={`group${error ? ' invalid' : ''}`} data-field={prop.name}>
        <legend>{label}</legend>
        <ComplexFields type={t} path={path} value={value as FormObject} onChange={onChange} />
        {error && <p class="field-error">{error}</p>}
      </fieldset>
    );
  }
  if (prop.collection) {
    return (
      <label class={`field${error ? ' invalid' : ''}`}>
        {label} (one per line)
        <textarea id={id} rows={3} value={(value as string[]).join('\n')} onInput={(e) => onChange((e.currentTarget as HTMLTextAreaElement).value.split('\n'))} />
        {hint && <span class="hint">{hint}</span>}
        {error && <span class="field-error">{error}</span>}
      </label>
    );
  }
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>
        {label}
        {required && <span class="required" title="required"> *</span>}
      </label>
      <Scalar prop={prop} id={id} value={value as string} invalid={!!error} onChange={onChange} />
      {hint && <span class="hint">{hint}</span>}
      {error && (
        <span class="field-error" id={`${id}-error`}>
          {error}
        </span>
      )}
    </div>
  );
}

function ComplexFields({ type, path, value, onChange }: { type: StructuredType; path: string; value: FormObject; onChange(v: FormObject): void }) {
  return (
    <div class="complex">
      {type.properties
        .filter((p) => !p.readOnly && p.category !== 'complex' && !p.collection)
        .map((p) => {
          const id = inputId(`${path}-${p.name}`);
          return (
            <div class="field" key={p.name}>
              <label for={id}>{humanize(p.name)}</label>
              <Scalar prop={p} id={id} value={value[p.name] as string} onChange={(v) => onChange({ ...value, [p.name]: v })} />
            </div>
          );
        })}
    </div>
  );
}

function Scalar({ prop, id, value, invalid, onChange }: { prop: Property; id: string; value: string; invalid?: boolean; onChange(v: string): void }) {
  const describedBy = invalid ? `${id}-error` : undefined;
  if (prop.enumType || prop.type === 'Edm.Boolean') {
    const options = prop.enumType ? prop.enumType.members : ['true', 'false'];
    return (
      <select id={id} value={value} aria-invalid={invalid} aria-describedby={describedBy} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
        <option value="">—</option>
        {options.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
    );
  }
  return <input id={id} value={value} aria-invalid={invalid} aria-describedby={describedBy} onInput={(e) => onChange((e.currentTarget as HTMLInputElement).value)} />;
}
